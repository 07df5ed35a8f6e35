"""Size and speed of the incident chart for a large post-mortem: 500 events, 20 series × 5,000 points.

Run as ``python -m bench.chart_spec``; ``rows()`` gives the same figures to ``python -m bench``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from core import chart
from testing import factories


def _timed(action: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), timings


def rows() -> list[tuple[str, str, str]]:
    """Measure the chart: spec size (default view and every series picked), build time, PNG render time."""
    pm = factories.large_postmortem()
    every = chart.describe(pm)
    spec = chart.timeline_chart(pm).to_json()
    everything = chart.timeline_chart(pm, series=every).to_json()
    choose, _ = _timed(lambda: chart.shown(pm), 5)
    build, _ = _timed(lambda: chart.timeline_chart(pm), 5)
    serialise, _ = _timed(lambda: chart.timeline_chart(pm).to_json(), 5)
    _, (first, *warm) = _timed(lambda: chart.chart_png(pm), 4)
    size = f"{factories.DESIGN_SERIES} × {factories.DESIGN_POINTS:,} points, {factories.DESIGN_EVENTS} events"
    panels = len(chart.shown(pm))
    return [
        (f"Chart spec size, default view of {panels} panels ({size})", f"{len(spec) / 1e6:.2f} MB", "≤ 1 MB"),
        (f"Chart spec size, all {len(every)} series picked", f"{len(everything) / 1e6:.2f} MB", "≤ 1 MB"),
        ("Default series chosen: described and scored (median of 5)", f"{choose * 1000:.0f} ms", "—"),
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
