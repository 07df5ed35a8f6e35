"""The editable document as stored, and the changes of one edit computed field by field.

The stored document is the JSON document (``core.export.document``) without telemetry, plus the digests of
the telemetry blobs under ``"telemetry"``. An edit's changes are computed only for the fields it touched
(compared by identity first, then by value), so a keystroke in one text never serialises the timeline.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from core import changes
from core.changes import Change
from core.export import document
from core.models import PostMortem
from core.storage import telemetry

_SKIPPED = frozenset({"version"})


def editable_data(pm: PostMortem, refs: Mapping[str, str]) -> dict[str, Any]:
    """Return the JSON data stored for ``pm``: its document without telemetry, plus the telemetry digests."""
    data = document.to_data(telemetry.without(pm))
    data.pop("version", None)
    data[telemetry.REFS] = dict(refs)
    return data


def dumps(data: Mapping[str, Any]) -> str:
    """Return stored-document JSON text (strict: no NaN)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def loads_editable(text: str, *, origin: str) -> tuple[PostMortem, dict[str, str]]:
    """Return the post-mortem of a stored document (telemetry empty) and its telemetry digests."""
    data = json.loads(text)
    refs = data.pop(telemetry.REFS, {}) or {}
    for part in telemetry.PARTS:
        data[part] = []
    return document.from_data(data, origin=origin), {str(k): str(v) for k, v in refs.items()}


@cache
def _adapter(name: str) -> TypeAdapter[Any]:
    hints = typing.get_type_hints(PostMortem, include_extras=True)
    return TypeAdapter(hints[name])


def field_data(pm: PostMortem, name: str) -> Any:
    """Return one field of ``pm`` as JSON data (as the document writes it)."""
    return _adapter(name).dump_python(getattr(pm, name), mode="json")


def changes_between(before: PostMortem, after: PostMortem, before_refs: Mapping[str, str],
                    after_refs: Mapping[str, str]) -> tuple[list[Change], dict[str, Any]]:
    """Return the changes from ``before`` to ``after`` and the base data they need (only the fields touched)."""
    found: list[Change] = []
    base: dict[str, Any] = {}
    for f in dataclasses.fields(PostMortem):
        name = f.name
        if name in _SKIPPED or name in telemetry.PARTS:
            continue
        old, new = getattr(before, name), getattr(after, name)
        if old is new or old == new:
            continue
        base[name] = field_data(before, name)
        found.extend(changes.diff({name: base[name]}, {name: field_data(after, name)}))
    moved = {part: d for part, d in after_refs.items() if before_refs.get(part) != d}
    if moved:
        base[telemetry.REFS] = dict(before_refs)
        found.extend(Change((telemetry.REFS, part), digest) for part, digest in moved.items())
    return found, base


def path_text(path: tuple[str, ...]) -> str:
    """Return a change path as stored in the per-field audit trail ("report/lessons", "events/E004")."""
    return "/".join(path)


def path_of(text: str) -> tuple[str, ...]:
    """Return the path of a stored per-field audit entry."""
    return tuple(text.split("/"))
