"""Reading JSON that may be cut off: decode it whole, or recover the complete items of its arrays.

Whatever the text holds, decoding returns or reports a ``json.JSONDecodeError``: nesting deeper than
Python's stack and numbers longer than Python converts (``sys.get_int_max_str_digits()``) are
reported as such, and a lone UTF-16 surrogate escape (``"\\ud800"``, which no UTF-8 text can hold)
reads as U+FFFD, so that no string decoded here fails later when it is hashed, saved or printed.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from core.errors import InvalidInputError

_DECODER = json.JSONDecoder()
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
# an escaped backslash, a valid surrogate pair, or a lone surrogate escape; matching left to right keeps
# "\\\\ud800" (a backslash, then the letters ud800) as it is
_ESCAPE = re.compile(r"\\(?:\\|u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
                     r"|(?P<lone>u[dD][89a-fA-F][0-9a-fA-F]{2}))")
_LONG_NUMBER = re.compile(rf"\d{{{sys.get_int_max_str_digits() + 1},}}")


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
    """Return ``data`` as text (UTF-8, a BOM tolerated, lone surrogate escapes mended), or refuse it."""
    try:
        return mend_surrogates(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{origin} is not a text file (UTF-8 expected): {exc.reason} at byte {exc.start}"
        ) from exc


def mend_surrogates(text: str) -> str:
    """Return JSON text with each lone surrogate escape replaced by ``\\ufffd`` (same length, so positions hold)."""
    if _SURROGATE.search(text) is None:
        return text
    return _ESCAPE.sub(lambda m: "\\ufffd" if m["lone"] else m[0], text)


def loads(text: str) -> object | json.JSONDecodeError:
    """Return the decoded JSON, or the decoding error (so the caller can try to salvage)."""
    try:
        decoded: object = json.loads(text)
    except json.JSONDecodeError as exc:
        return exc
    except (ValueError, RecursionError) as exc:
        return _unreadable(exc, text, 0)
    return decoded


def _unreadable(exc: ValueError | RecursionError, text: str, start: int) -> json.JSONDecodeError:
    """Return the decoding error of JSON the decoder refused without one: too deeply nested, or a too long number."""
    if isinstance(exc, RecursionError):
        return json.JSONDecodeError("arrays or objects nested too deeply", text, start)
    found = _LONG_NUMBER.search(text, start)
    if found is None:
        return json.JSONDecodeError(str(exc), text, start)
    return json.JSONDecodeError(f"a number longer than {sys.get_int_max_str_digits():,} digits", text, found.start())


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
    items = ArrayItems(text, pos)
    return tuple(items), items.problem


class ArrayItems:
    """The items of the JSON array whose ``[`` is just before ``start``, decoded one at a time as they are read.

    Only one item is held at a time, so a caller can stop (or refuse) part way without decoding the rest.
    Once read through, ``end`` is the index just after the closing ``]``, or None when the array is damaged,
    and ``problem`` says what the damage is.
    """

    def __init__(self, text: str, start: int) -> None:
        self._text = text
        self._start = start
        self.count = 0
        self.end: int | None = None
        self.problem = ""

    def __iter__(self) -> Iterator[object]:
        """Yield the items, up to the closing bracket or the damage."""
        text, pos = self._text, self._start
        end = len(text.rstrip())
        while True:
            pos = _skip_space(text, pos)
            if pos < len(text) and text[pos] == "]":
                self.end = pos + 1
                return
            try:
                item, pos = _DECODER.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                self.problem = _describe(exc, self.count + 1, end)
                return
            except (ValueError, RecursionError) as exc:
                self.problem = _describe(_unreadable(exc, text, pos), self.count + 1, end)
                return
            self.count += 1
            yield item
            pos = _skip_space(text, pos)
            if pos < len(text) and text[pos] == ",":
                pos += 1
            elif pos >= end:
                self.problem = f"the file ends after item {self.count}: is it truncated?"
                return


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
    raise not_json(origin, expected, text, decoded)


def not_json(origin: str, expected: str, text: str, error: json.JSONDecodeError | None = None) -> InvalidInputError:
    """Return the refusal of ``text``, which is not valid JSON, naming where it breaks (found again unless given)."""
    found = error or loads(text)
    if not isinstance(found, json.JSONDecodeError):  # valid after all: no place to name
        return InvalidInputError(f"{origin} is not a {expected}.")
    where = f" ({found.msg} at line {found.lineno}, column {found.colno})"
    return InvalidInputError(f"{origin} is not a {expected}: it is not valid JSON{where}.")
