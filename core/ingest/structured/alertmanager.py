"""Alertmanager v2 alert lists (API, ``amtool -o json``, alert groups, webhook payloads) as alert intervals."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core import limits
from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.ingest.structured import alerts, jsontext, records
from core.ingest.structured.alert_history import AlertHistory
from core.models import AlertInterval, SourceKind, TimelineEvent, TimeWindow, UtcDatetime

NAME = "Alertmanager alert list JSON (API v2 or amtool -o json)"
SOURCE = "Alertmanager"


class _Status(BaseModel):
    state: str = "active"


class _Alert(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: UtcDatetime = Field(alias="startsAt")
    ends_at: UtcDatetime | None = Field(default=None, alias="endsAt")
    updated_at: UtcDatetime | None = Field(default=None, alias="updatedAt")
    status: _Status | str | None = None
    generator_url: str = Field(default="", alias="generatorURL")


def import_file(data: bytes, *, origin: str, window: TimeWindow, now: datetime) -> ImportResult:
    """Import an alert list; a resolved alert gets an end, an active one stays open."""
    tally = records.Tally(origin, window)
    history = history_from_alerts(_located(data, origin, tally), tally)
    # an alert list answers for the window it was imported for: an alert's silence is not missing data
    return tally.result(SourceKind.ALERTS, now=now, covered=window, alerts=history.alerts, events=history.events)


def history_from_alerts(items: Iterable[tuple[str, object]], tally: records.Tally) -> AlertHistory:
    """Map ``(position, alert JSON)`` pairs to intervals; repeats of one alert (webhook logs) merge into one."""
    merged: dict[tuple[str, datetime], tuple[AlertInterval, _Alert]] = {}
    for where, raw in items:
        tally.read += 1
        alert = records.validated(_Alert, raw, where, tally)
        if alert is None:
            continue
        name = alert.labels.get("alertname")
        if not name:
            tally.reject(where, "labels.alertname missing")
            continue
        found = alerts.interval(name, alert.labels, alert.starts_at, _end(alert))
        key = (repr(sorted(alert.labels.items())), alert.starts_at)
        if key not in merged or (found.end is not None and merged[key][0].end is None):
            merged[key] = (found, alert)
    kept: list[AlertInterval] = []
    events: list[TimelineEvent] = []
    for found, alert in merged.values():
        if tally.overlaps(found.start, found.end):
            kept.append(found)
            events.extend(alerts.events(found, source=SOURCE, note=_note(alert), evidence=alert.generator_url))
    if len(events) > limits.CAPS.events:
        raise limits.too_many_events(tally.origin, len(events))
    return AlertHistory(alerts=tuple(kept), events=tuple(sorted(events, key=lambda e: (e.time, e.id))))


def _end(alert: _Alert) -> datetime | None:
    if alert.ends_at is None or alert.ends_at.year <= 1:
        return None
    if alert.status == "resolved":
        return alert.ends_at
    # the API's endsAt of a firing alert is only a timeout in the future; it is an end once it has passed
    if alert.updated_at is not None and alert.ends_at <= alert.updated_at:
        return alert.ends_at
    return None


def _note(alert: _Alert) -> str:
    text = alert.annotations.get("summary") or alert.annotations.get("description", "")
    if isinstance(alert.status, _Status) and alert.status.state == "suppressed":
        text = f"{text} (silenced or inhibited)".strip()
    return text


def _located(data: bytes, origin: str, tally: records.Tally) -> Iterator[tuple[str, object]]:
    text = jsontext.text_of(data, origin)
    doc = jsontext.loads(text)
    if isinstance(doc, json.JSONDecodeError) and text.lstrip().startswith("{"):
        yield from _webhook_lines(text, origin, tally)
        return
    if isinstance(doc, json.JSONDecodeError):
        rescued = jsontext.salvage(text, None)
        if not rescued.count:
            raise InvalidInputError(f"{origin} is not an {NAME}: not valid JSON ({doc.msg} at line {doc.lineno}).")
        tally.reject("", rescued.problem)
        doc = list(rescued.arrays[0])
    if isinstance(doc, dict) and isinstance(doc.get("alerts"), list):
        yield from ((f"alert {n}", a) for n, a in enumerate(doc["alerts"], start=1))
    elif isinstance(doc, list) and any(isinstance(i, dict) for i in doc):
        yield from _list_items(doc)  # items that are not objects are rejected one by one, like other bad alerts
    else:
        raise InvalidInputError(
            f"{origin} is not an {NAME}: expected a list of alerts like "
            '[{"labels": {"alertname": …}, "startsAt": …, "endsAt": …}] or a webhook payload {"alerts": [...]}.'
        )


def _list_items(doc: Sequence[object]) -> Iterator[tuple[str, object]]:
    for number, item in enumerate(doc, start=1):
        group = item.get("alerts") if isinstance(item, dict) and "startsAt" not in item else None
        if isinstance(group, list):
            yield from ((f"group {number} alert {n}", a) for n, a in enumerate(group, start=1))
        else:
            yield f"item {number}", item


def _webhook_lines(text: str, origin: str, tally: records.Tally) -> Iterator[tuple[str, object]]:
    """Read a webhook log: one payload per line, the way a webhook receiver appends them."""
    payloads = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        payload = jsontext.loads(line)
        if isinstance(payload, json.JSONDecodeError) or not isinstance(payload, dict):
            tally.read += 1
            tally.reject(f"line {number}", "not a webhook payload (one JSON object with \"alerts\" per line)")
            continue
        payloads += 1
        found = payload.get("alerts")
        listed = found if isinstance(found, list) else []
        yield from ((f"line {number} alert {n}", a) for n, a in enumerate(listed, start=1))
    if not payloads:
        raise InvalidInputError(f"{origin} is not an {NAME}: it is not valid JSON.")
