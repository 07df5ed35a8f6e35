"""Time the PDF report of a large post-mortem (500 events, 20 series × 5,000 points, 40 actions) with its chart.

Run ``python -m bench.pdf_report``. The goal (DESIGN §11) is ≤ 3 s for ``core.export.pdf.render``; the chart
PNG is made beforehand from a minimal layered Vega-Lite spec over downsampled data, and its time is shown apart.
"""

from __future__ import annotations

import dataclasses
import io
import math
import statistics
import time
from datetime import date, timedelta
from typing import Any

import vl_convert
from pypdf import PdfReader

from core.export import pdf
from core.models import (
    ActionItem,
    ContributingFactor,
    EventKind,
    FactorCategory,
    MetricPoint,
    MetricSeries,
    Milestone,
    PostMortem,
    Priority,
    TimelineEvent,
)
from testing.factories import END, NOW, START, complete_postmortem

EVENTS = 500
SERIES = 20
POINTS = 5_000
ACTIONS = 40
CHART_POINTS = 150  # per series after downsampling: plenty for a 180 mm wide chart
GOAL_SECONDS = 3.0


def large_postmortem() -> PostMortem:
    """Return the benchmark post-mortem: the complete factory one, grown to the sizes of DESIGN §11."""
    span = (END - START).total_seconds()
    milestones = {0: Milestone.IMPACT_START, 20: Milestone.DETECTED, 40: Milestone.ACKNOWLEDGED,
                  300: Milestone.MITIGATED, EVENTS - 1: Milestone.RESOLVED}
    events = tuple(
        TimelineEvent(
            id=f"E{i:04d}",
            time=START + timedelta(seconds=span * i / EVENTS),
            event=f"checkout-api logs \"upstream timed out (110: Connection timed out)\" ×{i % 37 + 1} on pod "
            f"checkout-api-{i % 9}" + (" while reading the response header from upstream" if i % 3 == 0 else ""),
            source=("nginx access log", "kubectl logs", "Prometheus alerts", "Slack #inc-checkout")[i % 4],
            actor=("-", "System", "@maria", "Zoë Łukasz")[i % 4],
            kind=EventKind.LOG,
            milestone=milestones.get(i),
        )
        for i in range(EVENTS)
    )
    step = span / POINTS
    series = tuple(
        MetricSeries(
            query=f"checkout:metric_{s}",
            labels=(("service", "checkout"), ("pod", f"checkout-api-{s}")),
            points=tuple(
                MetricPoint(START + timedelta(seconds=step * p), 50 + 40 * math.sin(p / 300 + s) + (p * 7919 % 13))
                for p in range(POINTS)
            ),
        )
        for s in range(SERIES)
    )
    factors = tuple(
        ContributingFactor(f"F{n}", list(FactorCategory)[n % len(FactorCategory)],
                           f"Factor {n}: the connection pool of 20 per pod had no saturation alert ≥ 80%.")
        for n in range(1, 11)
    )
    actions = tuple(
        ActionItem(
            id=f"AI-{n:03d}",
            action=f"Add db_pool_connections_in_use panel {n} to the Checkout dashboard and alert at 80% for 5 min "
            "(warning, Slack) and 95% for 2 min (critical, PagerDuty)",
            owner=("@dan", "@maria", "@sam", "Zoë")[n % 4],
            deadline=date(2026, 3, 20) + timedelta(days=n),
            priority=list(Priority)[n % 3],
            factor_ids=(f"F{n % 10 + 1}",),
            ticket_url=f"https://github.com/acme/checkout-api/issues/{1000 + n}" if n % 2 else "",
            tracked_in_app=not n % 2,
        )
        for n in range(1, ACTIONS + 1)
    )
    return dataclasses.replace(complete_postmortem(), events=events, series=series, factors=factors,
                               actions=actions, next_action_number=ACTIONS + 1)


def chart_png(pm: PostMortem) -> bytes:
    """Return a layered timeline chart (series lines, milestone rules) as PNG, from downsampled data."""
    rows: list[dict[str, Any]] = []
    for s in pm.series:
        stride = max(1, len(s.points) // CHART_POINTS)
        rows += [{"ts": p.time.isoformat(), "value": p.value, "series": s.query} for p in s.points[::stride]]
    rules = [{"ts": e.time.isoformat(), "label": e.milestone.label} for e in pm.events if e.milestone]
    utc_x = {"field": "ts", "type": "temporal", "scale": {"type": "utc"}, "title": "Time (UTC)"}
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 800,
        "height": 300,
        "layer": [
            {"data": {"values": rows}, "mark": {"type": "line", "strokeWidth": 1},
             "encoding": {"x": utc_x, "y": {"field": "value", "type": "quantitative"},
                          "detail": {"field": "series", "type": "nominal"}}},
            {"data": {"values": rules}, "mark": {"type": "rule", "strokeDash": [4, 2], "color": "black"},
             "encoding": {"x": utc_x}},
            {"data": {"values": rules}, "mark": {"type": "text", "align": "left", "dx": 3, "dy": -5},
             "encoding": {"x": utc_x, "y": {"value": 10}, "text": {"field": "label"}}},
        ],
    }
    return bytes(vl_convert.vegalite_to_png(spec, scale=2))


def measure(runs: int = 3) -> tuple[float, float, int]:
    """Return (median render seconds, chart seconds, page count) for the benchmark post-mortem."""
    pm = large_postmortem()
    started = time.perf_counter()
    png = chart_png(pm)
    chart_seconds = time.perf_counter() - started
    timings = []
    document = b""
    for _ in range(runs):
        started = time.perf_counter()
        document = pdf.render(pm, now=NOW, chart_png=png)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), chart_seconds, len(PdfReader(io.BytesIO(document)).pages)


def main() -> None:
    seconds, chart_seconds, pages = measure()
    print(f"PDF ({EVENTS} events, {ACTIONS} actions, chart): {seconds:.2f} s (goal ≤ {GOAL_SECONDS:.0f} s)")
    print(f"PDF pages: {pages}")
    print(f"Chart PNG ({SERIES} series × {POINTS:,} points, downsampled to {CHART_POINTS}): {chart_seconds:.2f} s "
          "(made before render, not included above)")


if __name__ == "__main__":
    main()
