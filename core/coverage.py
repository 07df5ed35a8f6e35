"""Which stretches of the incident window a kind of source does not cover: missing data, never silence.

A stretch counts as missing when it lasts at least ``MIN_GAP`` or ``GAP_SHARE`` of the window,
whichever is longer, so a log whose first line comes a minute into the window leaves no gap. An
alert source covers the window it was asked about (its ``covered``), not the times alerts fired.
Inside a log, a run of empty minutes is a hole when it is that long *and* far longer than the log's
normal spacing between lines (``SPACING_FACTOR`` times the span divided by the lines); the per-minute
series of the import tells the runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from core.ingest import logs
from core.models import MetricSeries, PostMortem, SourceImport, SourceKind, TimeWindow

MIN_GAP = timedelta(minutes=5)
GAP_SHARE = 0.05
SPACING_FACTOR = 10


def min_gap(window: TimeWindow) -> timedelta:
    """Return the shortest stretch of ``window`` that counts as missing data."""
    return max(MIN_GAP, (window.end - window.start) * GAP_SHARE)


def _series_of(pm: PostMortem, source: SourceImport) -> MetricSeries | None:
    """Return the total per-minute line count a log import made, found by the source name it carries."""
    names = {f"{logs.source_name(source.origin, 'plain')} log lines/min",
             f"{logs.source_name(source.origin, 'nginx')} requests/min"}
    return next((s for s in pm.series if not s.labels and s.query in names), None)


def _stretches(pm: PostMortem, source: SourceImport, shortest: timedelta) -> Iterator[TimeWindow]:
    """Yield the stretches an import covers: its span, cut where a log falls silent far longer than usual."""
    covered = source.covered
    if covered is None:
        return
    series = _series_of(pm, source) if source.kind is SourceKind.LOGS else None
    if series is None or not series.points:
        yield covered
        return
    lines = sum(float(p.value) for p in series.points)
    spacing = (covered.end - covered.start) / lines if lines else timedelta(0)
    longest_normal = max(shortest, spacing * SPACING_FACTOR)
    start = covered.start
    silent_since: datetime | None = None
    for point in series.points:
        if float(point.value) == 0:
            silent_since = silent_since or point.time
            continue
        if silent_since is not None and point.time - silent_since >= longest_normal:
            yield TimeWindow(start, silent_since)
            start = point.time
        silent_since = None
    yield TimeWindow(start, covered.end)


def uncovered(pm: PostMortem, kind: SourceKind) -> list[TimeWindow]:
    """Return the stretches of the incident window no import of ``kind`` covers, each at least ``min_gap`` long."""
    shortest = min_gap(pm.window)
    windows = sorted((w for i in pm.imports if i.kind is kind for w in _stretches(pm, i, shortest)),
                     key=lambda w: w.start)
    holes: list[TimeWindow] = []
    cursor = pm.start
    for w in windows:
        if w.start > cursor:
            holes.append(TimeWindow(cursor, min(w.start, pm.end)))
        cursor = max(cursor, w.end)
        if cursor >= pm.end:
            break
    if cursor < pm.end:
        holes.append(TimeWindow(cursor, pm.end))
    return [h for h in holes if h.end - h.start >= shortest]
