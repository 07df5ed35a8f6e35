"""Reading JSON that may be cut off: decode it whole, or recover the complete items of its arrays."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from core.errors import InvalidInputError

_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Salvage:
    """The complete items found in each array of a broken JSON text, and what was wrong with it."""

    arrays: tuple[tuple[object, ...], ...]
    problem: str

    @property
    def count(self) -> int:
        """Return how many items were recovered."""
        return sum(len(items) for items in self.arrays)


def text_of(data: bytes, origin: str) -> str:
    """Return ``data`` as text (UTF-8, a BOM tolerated), or refuse it as not a text file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{origin} is not a text file (UTF-8 expected): {exc.reason} at byte {exc.start}"
        ) from exc


def loads(text: str) -> object | json.JSONDecodeError:
    """Return the decoded JSON, or the decoding error (so the caller can try to salvage)."""
    try:
        decoded: object = json.loads(text)
    except json.JSONDecodeError as exc:
        return exc
    return decoded


def salvage(text: str, key: str | None) -> Salvage:
    """Recover the items of every ``"key": [...]`` array (``key`` None: the top-level array) up to the damage."""
    if key is None:
        stripped = text.lstrip()
        starts = [len(text) - len(stripped) + 1] if stripped.startswith("[") else []
    else:
        starts = [m.end() for m in re.finditer(rf'"{re.escape(key)}"\s*:\s*\[', text)]
    arrays: list[tuple[object, ...]] = []
    for start in starts:
        items, problem = _items(text, start)
        arrays.append(items)
        if problem:
            return Salvage(tuple(arrays), problem)
    return Salvage(tuple(arrays), "the JSON is damaged outside its list of items")


def _items(text: str, pos: int) -> tuple[tuple[object, ...], str]:
    items: list[object] = []
    end = len(text.rstrip())
    while True:
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == "]":
            return tuple(items), ""
        try:
            item, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            return tuple(items), _describe(exc, len(items) + 1, end)
        items.append(item)
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos >= end:
            return tuple(items), f"the file ends after item {len(items)}: is it truncated?"


def _describe(exc: json.JSONDecodeError, number: int, end: int) -> str:
    if exc.pos >= end - 1 or exc.msg.startswith("Unterminated string"):
        return f"the file ends in the middle of item {number} (line {exc.lineno}): is it truncated?"
    return f"item {number} is not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def document(data: bytes, origin: str, *, key: str | None, expected: str) -> object | Salvage:
    """Return the decoded JSON, or what could be salvaged from its ``key`` arrays, or refuse the file."""
    text = text_of(data, origin)
    decoded = loads(text)
    if not isinstance(decoded, json.JSONDecodeError):
        return decoded
    rescued = salvage(text, key)
    if rescued.count:
        return rescued
    raise InvalidInputError(
        f"{origin} is not a {expected}: it is not valid JSON ({decoded.msg} at line {decoded.lineno}, "
        f"column {decoded.colno})."
    )
