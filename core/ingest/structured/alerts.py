"""An alert interval as a "<alertname> firing" / "<alertname> resolved" pair of timeline events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from core.ingest.structured import records
from core.models import AlertInterval, EventKind, TimelineEvent

HIDDEN_LABELS = frozenset({"__name__", "alertname", "alertstate"})


def interval(name: str, labels: Mapping[str, str], start: datetime,
             end: datetime | None) -> AlertInterval:
    """Return the interval of alert ``name``; its labels keep everything but the name and state."""
    kept = tuple(sorted((k, v) for k, v in labels.items() if k not in HIDDEN_LABELS))
    return AlertInterval(name=name, severity=labels.get("severity", ""), start=start, end=end, labels=kept)


def events(alert: AlertInterval, *, source: str, evidence: str = "", note: str = "") -> tuple[TimelineEvent, ...]:
    """Return the firing event (and the resolved event when the alert ended) of ``alert``."""
    key = (source, alert.name, repr(alert.labels), alert.start.isoformat())
    where = " ".join(f"{k}={v}" for k, v in alert.labels)
    detail = "; ".join(part for part in (note, where, evidence) if part)
    found = [
        TimelineEvent(
            id=records.event_id("alert", *key, "firing"),
            time=alert.start,
            event=f"{alert.name} firing",
            source=source,
            actor="System",
            kind=EventKind.ALERT,
            evidence=detail,
        )
    ]
    if alert.end is not None:
        found.append(
            TimelineEvent(
                id=records.event_id("alert", *key, "resolved"),
                time=alert.end,
                event=f"{alert.name} resolved",
                source=source,
                actor="System",
                kind=EventKind.ALERT,
                evidence=where,
            )
        )
    return tuple(found)
