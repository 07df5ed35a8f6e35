"""Size and speed of the timeline chart for a large post-mortem: 500 events, 20 series × 5,000 points.

Run as ``python -m bench.chart_spec``; ``rows()`` gives the same figures to ``python -m bench``.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from core import chart
from core.models import AlertInterval, EventKind, MetricPoint, MetricSeries, Milestone
from tests.factories import START, make_event, make_postmortem

SERIES, POINTS, EVENTS, ALERTS = 20, 5_000, 500, 20


def large_postmortem():
    """Return a post-mortem the size of the performance goals (DESIGN §11), over a 100-minute window."""
    step = timedelta(seconds=1.2)
    series = tuple(
        MetricSeries(f"checkout:metric_{s}:rate5m", (("pod", f"checkout-{s}"),), tuple(
            MetricPoint(START + i * step, math.sin(i / 150 + s) * (s + 1) + (i * 7919 % 13) / 10)
            for i in range(POINTS)))
        for s in range(SERIES)
    )
    milestones = {0: Milestone.IMPACT_START, 20: Milestone.DETECTED, 40: Milestone.ACKNOWLEDGED,
                  250: Milestone.MITIGATED, 499: Milestone.RESOLVED}
    events = tuple(
        make_event(f"E{n:03d}", START + timedelta(seconds=12 * n), f"Event {n}: pod checkout-{n % 20} restarted",
                   milestones.get(n), kind=EventKind.LOG)
        for n in range(EVENTS)
    )
    alerts = tuple(AlertInterval(f"Alert{n}", ("critical", "warning", "info")[n % 3],
                                 START + timedelta(minutes=4 * n), START + timedelta(minutes=4 * n + 15))
                   for n in range(ALERTS))
    return make_postmortem(series=series, events=events, alerts=alerts, end=START + timedelta(minutes=100))


def _timed(action: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), timings


def rows() -> list[tuple[str, str, str]]:
    """Measure the chart: spec size, build time, PNG render time (first and warm)."""
    pm = large_postmortem()
    spec = chart.timeline_chart(pm).to_json()
    build, _ = _timed(lambda: chart.timeline_chart(pm), 5)
    serialise, _ = _timed(lambda: chart.timeline_chart(pm).to_json(), 5)
    _, (first, *warm) = _timed(lambda: chart.chart_png(pm), 4)
    size = f"{SERIES} × {POINTS:,} points, {EVENTS} events"
    return [
        (f"Chart spec size ({size})", f"{len(spec) / 1e6:.2f} MB", "≤ 1 MB"),
        ("Chart built (median of 5)", f"{build * 1000:.0f} ms", "—"),
        ("Chart built and serialised to JSON (median of 5)", f"{serialise * 1000:.0f} ms", "—"),
        ("Chart PNG, first render in the process", f"{first:.2f} s", "≤ 3 s (whole PDF)"),
        ("Chart PNG, warm (median of 3)", f"{statistics.median(warm):.2f} s", "≤ 3 s (whole PDF)"),
    ]


def main() -> None:
    table = rows()
    width = max(len(r[0]) for r in table)
    print(f"{'measure':<{width}}  {'figure':>10}  goal")
    for name, figure, goal in table:
        print(f"{name:<{width}}  {figure:>10}  {goal}")


if __name__ == "__main__":
    main()
