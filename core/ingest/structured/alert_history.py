"""Prometheus ``ALERTS`` history (a matrix of firing samples) as alert intervals and firing/resolved events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core import limits
from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.ingest.structured import alerts, prometheus, records
from core.models import AlertInterval, SourceKind, TimelineEvent, TimeWindow

NAME = "Prometheus ALERTS history JSON"
SOURCE = "Prometheus"
_STATE_LABELS = frozenset({"__name__", "alertstate"})


@dataclass(frozen=True)
class AlertHistory:
    """Alert intervals and their firing/resolved timeline events."""

    alerts: tuple[AlertInterval, ...] = ()
    events: tuple[TimelineEvent, ...] = ()


def import_file(data: bytes, *, origin: str, window: TimeWindow, now: datetime) -> ImportResult:
    """Import a saved ``query_range`` of ``ALERTS{alertstate="firing"}`` (ALERTS_FOR_STATE series are used too)."""
    tally = records.Tally(origin, window)
    cap = limits.alert_series()
    result = prometheus.matrix_items(data, origin, tally, expected=NAME, cap=cap)
    matrices = prometheus.read_matrix(result, tally, window_filter=False, cap=cap)
    if matrices and not any("alertname" in m.labels for m in matrices):
        raise InvalidInputError(
            f"{origin} is a Prometheus matrix but not ALERTS history (no series has an alertname label): "
            f"import it as {prometheus.NAME}, or save the result of ALERTS{{alertstate=\"firing\"}}."
        )
    history = history_from_matrices(matrices, tally)
    # an alert history answers for the window it was asked about: silence in it is not missing data
    return tally.result(SourceKind.ALERTS, now=now, covered=window, alerts=history.alerts, events=history.events)


def history_from_matrices(
    matrices: Sequence[prometheus.Matrix],
    tally: records.Tally,
    *,
    active_since: Sequence[prometheus.Matrix] = (),
    open_after: datetime | None = None,
) -> AlertHistory:
    """Merge contiguous firing samples into intervals (a gap over 1.5 steps starts a new one).
    The step is the smallest gap between one series' samples (rule groups may evaluate at different intervals).

    ``active_since`` are ``ALERTS_FOR_STATE`` series (value: when the condition became true). An interval whose
    last sample is within a step of ``open_after`` (the end of the range asked for) is still firing: no end.
    """
    for_state = [m for m in (*matrices, *active_since) if m.labels.get("__name__") == "ALERTS_FOR_STATE"]
    found: list[AlertInterval] = []
    found_events: list[TimelineEvent] = []
    for matrix in matrices:
        name = matrix.labels.get("alertname")
        if matrix.labels.get("__name__") == "ALERTS_FOR_STATE" or matrix.labels.get("alertstate", "firing") != "firing":
            continue
        if not name:
            tally.reject(f"series {matrix.number}", "alertname label missing")
            continue
        for start, end in _runs([p.time for p in matrix.points], open_after):
            if not tally.overlaps(start, end):
                continue
            alert = alerts.interval(name, matrix.labels, start, end)
            since = _active_since(for_state, matrix.labels, start, end)
            note = f"condition true since {since:%Y-%m-%d %H:%M:%S} UTC" if since and since < start else ""
            found.append(alert)
            found_events.extend(alerts.events(alert, source=SOURCE, note=note))
            if len(found_events) > limits.CAPS.events:
                raise limits.too_many_events(tally.origin, len(found_events), more=True)
    return AlertHistory(alerts=tuple(found), events=tuple(sorted(found_events, key=lambda e: (e.time, e.id))))


def _runs(times: Sequence[datetime], open_after: datetime | None) -> list[tuple[datetime, datetime | None]]:
    ordered = sorted(set(times))
    if not ordered:
        return []
    gaps = [(b - a).total_seconds() for a, b in zip(ordered, ordered[1:], strict=False)]
    # the smallest gap is the evaluation interval (or query step): rules write ALERTS at exact multiples of it
    limit = 1.5 * min(gaps) if gaps else 0.0
    runs: list[tuple[datetime, datetime | None]] = []
    start = ordered[0]
    for previous, current, gap in zip(ordered[:-1], ordered[1:], gaps, strict=True):
        if gap > limit:
            runs.append((start, previous))
            start = current
    last = ordered[-1]
    still_open = open_after is not None and (open_after - last).total_seconds() <= max(limit, 1.0)
    runs.append((start, None if still_open else last))
    return runs


def _active_since(for_state: Sequence[prometheus.Matrix], labels: dict[str, str], start: datetime,
                  end: datetime | None) -> datetime | None:
    key = {k: v for k, v in labels.items() if k not in _STATE_LABELS}
    for matrix in for_state:
        if {k: v for k, v in matrix.labels.items() if k not in _STATE_LABELS} != key:
            continue
        for point in matrix.points:
            if start <= point.time and (end is None or point.time <= end):
                try:
                    return records.from_epoch(point.value)
                except (ValueError, OverflowError, OSError):
                    return None
    return None
