"""What an edit changes, and how it lands on a newer version: fields, and list items by id.

An edit is the difference between the version it was based on and the version the person made. Each change
has a *path*: a field (``("title",)``, ``("report", "lessons")``) or one item of a list whose items carry an
id (``("events", "E004")``, ``("actions", "AI-002")``). Two edits conflict only when they change the same path;
everything else merges. The document's JSON data (``core.export.document.to_data``) is what is compared, so
the same code serves the app, ``postmortem patch`` (a JSON merge patch) and any future field.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Path = tuple[str, ...]
Data = dict[str, Any]

IGNORED = frozenset({"schema_version", "version"})
"""Keys that are bookkeeping, never an edit."""
COUNTERS = frozenset({"next_action_number"})
"""Fields that only grow: two edits that both raised them merge to the larger value."""
REFERENCES = {"events": ("evidence_event_ids",), "factors": ("factor_ids", "factor_id"), "actions": ("action_id",)}
"""For each keyed list, the keys elsewhere that hold its ids (rewritten when an added item is renumbered)."""
_NUMBERED = re.compile(r"^(?P<prefix>\D*?)(?P<number>\d+)$")


class _Deleted:
    """The value of a change that removes a list item."""

    def __repr__(self) -> str:
        return "DELETED"


DELETED: Any = _Deleted()


@dataclass(frozen=True)
class Change:
    """One changed path and its new value (``DELETED`` for a removed list item)."""

    path: Path
    value: Any


@dataclass(frozen=True)
class Conflict:
    """A path this edit changed that someone else changed too since the edit's base version."""

    path: Path
    mine: Any
    theirs: Any


def diff(base: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Return the changes that turn ``base`` into ``after`` (JSON data of two versions of a document)."""
    changes: list[Change] = []
    _diff((), base, after, changes)
    return changes


def _keyed(value: Any) -> bool:
    return (isinstance(value, list) and bool(value) and all(isinstance(v, dict) and isinstance(v.get("id"), str)
                                                            for v in value))


def _diff(path: Path, base: Any, after: Any, out: list[Change]) -> None:
    if base == after:
        return
    if isinstance(base, dict) and isinstance(after, dict):
        for key in [*base, *(k for k in after if k not in base)]:
            if not path and key in IGNORED:
                continue
            _diff((*path, key), base.get(key), after.get(key), out)
        return
    if path and (_keyed(base) or _keyed(after)) and isinstance(base, list) and isinstance(after, list):
        before = {item["id"]: item for item in base}
        now = {item["id"]: item for item in after}
        for item_id, item in now.items():
            if before.get(item_id) != item:
                out.append(Change((*path, item_id), item))
        out.extend(Change((*path, item_id), DELETED) for item_id in before if item_id not in now)
        return
    out.append(Change(path, after))


def value_at(data: Mapping[str, Any], path: Path) -> Any:
    """Return the value at ``path`` (a field, or a keyed list's item by id), ``DELETED`` when absent."""
    current: Any = data
    for part in path:
        if isinstance(current, dict):
            if part not in current:
                return DELETED
            current = current[part]
        elif isinstance(current, list):
            current = next((item for item in current if isinstance(item, dict) and item.get("id") == part), DELETED)
            if current is DELETED:
                return DELETED
        else:
            return DELETED
    return current


def apply(data: Mapping[str, Any], changes: Iterable[Change]) -> Data:
    """Return a copy of ``data`` with ``changes`` applied (items replaced in place, new ones appended).

    Only the containers on a changed path are copied; ``data`` itself is left as it was. The timeline stays
    in time order (then by id), whatever order the changes came in.
    """
    result: Data = dict(data)
    for change in changes:
        _set(result, change.path, change.value)
    events = result.get("events")
    if isinstance(events, list):
        keys = [_event_order(e) for e in events]
        if keys != sorted(keys):
            result["events"] = sorted(events, key=_event_order)
    return result


def _event_order(event: Any) -> tuple[datetime, str]:
    try:
        time = datetime.fromisoformat(str(event.get("time")))
    except ValueError:  # left for the document's validation to name
        time = datetime.min.replace(tzinfo=UTC)
    return (time if time.tzinfo else time.replace(tzinfo=UTC)), str(event.get("id", ""))


def _set(data: Data, path: Path, value: Any) -> None:
    parent: Any = data
    for depth, part in enumerate(path[:-1]):
        child = parent.get(part)
        if isinstance(child, list):  # a keyed list: the rest of the path is the item id
            parent[part] = list(child)
            _set_item(parent, part, path[depth + 1], value)
            return
        child = dict(child) if isinstance(child, dict) else {}
        parent[part] = child  # a copy: the caller's data stays as it was
        parent = child
    last = path[-1]
    if value is DELETED:
        parent.pop(last, None)
    else:
        parent[last] = copy.deepcopy(value)


def _set_item(parent: Data, key: str, item_id: str, value: Any) -> None:
    items: list[Any] = parent[key]
    index = next((n for n, item in enumerate(items) if isinstance(item, dict) and item.get("id") == item_id), None)
    if value is DELETED:
        if index is not None:
            del items[index]
    elif index is None:
        items.append(copy.deepcopy(value))
    else:
        items[index] = copy.deepcopy(value)


def merge(base: Mapping[str, Any], mine: Sequence[Change], latest: Mapping[str, Any],
          changed_since: Iterable[Path]) -> tuple[Data, list[Conflict]]:
    """Apply ``mine`` (made on ``base``) to ``latest``; ``changed_since`` are the paths others changed since base.

    A change to a path nobody else touched lands. Items added on both sides under the same id are kept
    apart (mine renumbered, references to it rewritten); counters take the larger value. A change to a
    path someone else also changed is a conflict, unless both made the same change.
    """
    others = set(changed_since)
    renames = _renames(base, mine, latest)
    landed: list[Change] = []
    conflicts: list[Conflict] = []
    for change in (_renamed(c, renames) for c in mine):
        theirs = value_at(latest, change.path)
        if change.path in others and theirs != change.value:
            if change.path[0] in COUNTERS and isinstance(theirs, int) and isinstance(change.value, int):
                landed.append(Change(change.path, max(theirs, change.value)))
                continue
            conflicts.append(Conflict(change.path, change.value, theirs))
            continue
        landed.append(change)
    return apply(latest, landed), conflicts


def _renames(base: Mapping[str, Any], mine: Sequence[Change], latest: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """Return new ids for items I added under an id someone else also added meanwhile."""
    renames: dict[tuple[str, str], str] = {}
    for change in mine:
        if len(change.path) != 2 or change.value is DELETED or not isinstance(value_at(base, change.path), _Deleted):
            continue
        theirs = value_at(latest, change.path)
        if theirs is DELETED or theirs == change.value:
            continue
        key, item_id = change.path
        taken = {item.get("id") for item in latest.get(key, []) if isinstance(item, dict)}
        taken |= {c.path[1] for c in mine if len(c.path) == 2 and c.path[0] == key} | set(renames.values())
        renames[(key, item_id)] = _next_free(item_id, taken)
    return renames


def _next_free(item_id: str, taken: set[Any]) -> str:
    match = _NUMBERED.match(item_id)
    prefix, width, number = (match["prefix"], len(match["number"]), int(match["number"])) if match else (
        f"{item_id}-", 1, 1)
    while True:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken:
            return candidate


def _renamed(change: Change, renames: Mapping[tuple[str, str], str]) -> Change:
    if not renames:
        return change
    path, value = change.path, _rewrite(change.value, renames)
    if len(path) == 2 and (path[0], path[1]) in renames:
        path = (path[0], renames[(path[0], path[1])])
        if isinstance(value, dict):
            value["id"] = path[1]
    return Change(path, value)


def _rewrite(value: Any, renames: Mapping[tuple[str, str], str]) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            lists = [k for k, refs in REFERENCES.items() if key in refs]
            if lists and isinstance(item, str):
                out[key] = renames.get((lists[0], item), item)
            elif lists and isinstance(item, list):
                out[key] = [renames.get((lists[0], i), i) if isinstance(i, str) else i for i in item]
            else:
                out[key] = _rewrite(item, renames)
        return out
    if isinstance(value, list):
        return [_rewrite(v, renames) for v in value]
    return value


def label(path: Path) -> str:
    """Return what a person calls the thing at ``path`` ("Lessons learned", "action item AI-002")."""
    first = path[0]
    if first in _LIST_WORDS and len(path) >= 2:
        return f"{_LIST_WORDS[first]} {path[1]}"
    if first == "report" and len(path) >= 2:
        return _REPORT_WORDS.get(path[1], path[1].replace("_", " ").capitalize())
    return _FIELD_WORDS.get(first, first.replace("_", " ").capitalize())


_LIST_WORDS = {"events": "timeline event", "factors": "contributing factor", "actions": "action item",
               "candidates": "candidate event"}
_REPORT_WORDS = {"summary": "Summary", "impact": "Impact", "root_cause": "Root cause", "went_well": "What went well",
                 "lessons": "Lessons learned", "prevention": "Prevention"}
_FIELD_WORDS = {"title": "The title", "start": "The incident start", "end": "The incident end",
                "severity": "The severity", "type": "The incident type", "services": "The services",
                "immediate_cause": "The immediate cause", "why_chains": "The five whys",
                "systemic_issues": "The systemic issues", "runbook": "The runbook", "gaps": "The data gaps",
                "reviewers": "The reviewers", "reviewed_at": "The review date", "not_applicable": "The milestones",
                "dismissals": "The dismissed findings", "tracker": "The tracker settings",
                "follow_up": "The follow-up review", "status": "The status", "authors": "The authors"}


def text_of(value: Any) -> str:
    """Return a changed value as a person reads it: the text itself, an item's main text, "(removed)"."""
    if value is DELETED:
        return "(removed)"
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("event", "action", "text", "question", "reason"):
            if isinstance(value.get(key), str):
                return str(value[key])
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return ", ".join(text_of(v) for v in value)
    return str(value)


def merge_patch(target: Any, patch: Any) -> Any:
    """Return ``target`` with the JSON merge patch ``patch`` applied (RFC 7396: null removes, objects merge)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
