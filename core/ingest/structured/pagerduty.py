"""PagerDuty incident log entries (REST API v2, saved as a page or a list of pages) as timeline events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from pydantic import BaseModel, Field

from core import limits
from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.ingest.structured import jsontext, records
from core.models import EventKind, SourceKind, TimelineEvent, TimeWindow, UtcDatetime

NAME = "PagerDuty log entries JSON"
SOURCE = "PagerDuty"
_PEOPLE = frozenset({"user_reference", "user"})


class _Ref(BaseModel):
    id: str = ""
    type: str = ""
    summary: str = ""
    html_url: str | None = None


class _Channel(BaseModel):
    type: str = ""
    summary: str = ""


class _Entry(BaseModel):
    id: str = ""
    type: str
    summary: str = ""
    created_at: UtcDatetime
    agent: _Ref | None = None
    channel: _Channel | None = None
    incident: _Ref | None = None
    user: _Ref | None = None
    event_details: dict[str, object] = Field(default_factory=dict)


def _triggered(e: _Entry) -> str:
    described = e.event_details.get("description")
    found = described if isinstance(described, str) and described else (e.channel.summary if e.channel else "")
    found = found or (e.incident.summary if e.incident else "")
    return f"Page triggered: {found}" if found else e.summary or "Page triggered"


def _notified(e: _Entry) -> str:
    how = e.channel.type.replace("_", " ") if e.channel else ""
    return e.summary or f"Notified {e.user.summary if e.user else 'someone'} by {how or 'PagerDuty'}"


def _annotated(e: _Entry) -> str:
    note = e.channel.summary if e.channel and e.channel.summary else ""
    return f"Note: {note}" if note else e.summary or "Note added"


_TEXT: dict[str, Callable[[_Entry], str]] = {
    "trigger_log_entry": _triggered,
    "notify_log_entry": _notified,
    "acknowledge_log_entry": lambda e: e.summary or "Acknowledged",
    "unacknowledge_log_entry": lambda e: e.summary or "Acknowledgement removed",
    "escalate_log_entry": lambda e: e.summary or "Escalated",
    "assign_log_entry": lambda e: e.summary or "Assigned",
    "snooze_log_entry": lambda e: e.summary or "Snoozed",
    "resolve_log_entry": lambda e: e.summary or "Resolved",
    "annotate_log_entry": _annotated,
}
"""The log entry types that become events; the others (link, priority change…) are read and left out."""


def import_file(data: bytes, *, origin: str, window: TimeWindow, now: datetime) -> ImportResult:
    """Import saved log entries: one API page, a list of pages, or a plain list of entries."""
    tally = records.Tally(origin, window)
    events = events_from_entries(_located(data, origin, tally), tally)
    return tally.result(SourceKind.PAGING, now=now, events=events)


def events_from_entries(items: Iterable[tuple[str, object]], tally: records.Tally) -> list[TimelineEvent]:
    """Map ``(position, log entry JSON)`` pairs to page events; actor is the person, or System for automation.

    An entry seen twice (offset pagination repeats entries when new ones arrive meanwhile) gives one event.
    """
    found: dict[str, TimelineEvent] = {}
    for where, raw in items:
        tally.read += 1
        entry = records.validated(_Entry, raw, where, tally)
        if entry is None:
            continue
        text = _TEXT.get(entry.type)
        if text is None or not tally.keep(entry.created_at):
            continue
        agent = entry.agent
        key = records.event_id("pd", entry.id or where, entry.type, entry.created_at.isoformat())
        if key not in found and len(found) == limits.CAPS.events:
            raise limits.too_many_events(tally.origin, len(found) + 1, more=True)
        found[key] = TimelineEvent(
            id=key,
            time=entry.created_at,
            event=" ".join(text(entry).split()),
            source=SOURCE,
            actor=agent.summary if agent and agent.type in _PEOPLE and agent.summary else "System",
            kind=EventKind.PAGE,
            evidence=_evidence(entry),
        )
    return sorted(found.values(), key=lambda e: (e.time, e.id))


def _evidence(entry: _Entry) -> str:
    via = f" via {entry.channel.type.replace('_', ' ')}" if entry.channel and entry.channel.type else ""
    incident = entry.incident
    where = f" on {incident.summary}" if incident and incident.summary else ""
    link = f" {incident.html_url}" if incident and incident.html_url else ""
    return f"PagerDuty log entry {entry.id}{via}{where}{link}".strip()


def _located(data: bytes, origin: str, tally: records.Tally) -> Iterator[tuple[str, object]]:
    doc = jsontext.document(data, origin, key="log_entries", expected=NAME)
    if isinstance(doc, jsontext.Salvage):
        tally.reject("", doc.problem)
        many = len(doc.arrays) > 1
        for page, items in enumerate(doc.arrays, start=1):
            yield from ((_where(many, page, n), item) for n, item in enumerate(items, start=1))
        return
    found = _pages(doc)
    if found is None:
        raise InvalidInputError(
            f'{origin} is not a {NAME}: expected {{"log_entries": [...]}} (one API page), a list of such pages, '
            "or a list of log entries."
        )
    for page, entries in enumerate(found, start=1):
        yield from ((_where(len(found) > 1, page, n), entry) for n, entry in enumerate(entries, start=1))


def _pages(doc: object) -> list[list[object]] | None:
    if isinstance(doc, dict) and isinstance(doc.get("log_entries"), list):
        return [doc["log_entries"]]
    if isinstance(doc, list) and doc and all(isinstance(p, dict) and "log_entries" in p for p in doc):
        return [p["log_entries"] if isinstance(p["log_entries"], list) else [] for p in doc]
    if isinstance(doc, list) and any(isinstance(e, dict) and str(e.get("type", "")).endswith("log_entry") for e in doc):
        return [list(doc)]
    return None


def _where(many: bool, page: int, number: int) -> str:
    return f"page {page} item {number}" if many else f"item {number}"
