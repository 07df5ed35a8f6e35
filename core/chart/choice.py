"""Which series the chart shows by default: the ones that changed most around impact, in story order.

The score of a series is robust: how far its level during impact (its 25th and 75th percentiles, so a short
burst counts and a single spike does not) is from its median before impact, in units of its spread before
impact (median absolute deviation), floored at a share of its level so a flat-zero "before" does not make every
blip infinite. The default view takes the user-facing error rate first, then traffic, then the saturation or
latency signal that moved most, and fills up to ``MAX_PANELS`` with the next strongest movers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from core.chart.series import ChartSeries, Role, describe
from core.models import Milestone, PostMortem

MAX_PANELS = 4
"""The most series the default chart shows."""

MOVED = 4.0
"""The score from which a series counts as having moved (tuned on the development incidents)."""

_FLOOR = 0.1  # share of the series' level that counts as its least spread, and
_ABSOLUTE_FLOOR = 1.0  # the least spread at all, in the series' unit: a count going 0 → 1 is not an incident
_LOW, _HIGH = 25, 75  # percentiles of the values during impact compared with the median before it


@dataclass(frozen=True)
class Window:
    """Impact, and the stretch before it that serves as the baseline."""

    start: datetime
    end: datetime


def impact_window(pm: PostMortem) -> Window:
    """Return impact start to mitigation (else resolution, else the incident end), else the incident window."""
    start = pm.milestone_time(Milestone.IMPACT_START) or pm.start
    end = pm.milestone_time(Milestone.MITIGATED) or pm.milestone_time(Milestone.RESOLVED) or pm.end
    return Window(start, end if end > start else start + timedelta(minutes=1))


def change_score(series: ChartSeries, window: Window) -> float:
    """Return how much ``series`` moved during impact against before it, in robust spreads (0 without data)."""
    before = np.array([p.value for p in series.points if p.time < window.start], dtype=np.float64)
    during = np.array([p.value for p in series.points if window.start <= p.time <= window.end], dtype=np.float64)
    before, during = before[np.isfinite(before)], during[np.isfinite(during)]
    if len(during) == 0:
        return 0.0
    if len(before) < 3:  # no baseline: compare the impact with the calmest stretch of the series itself
        before = np.array([p.value for p in series.points], dtype=np.float64)
        before = before[before <= np.percentile(before, 25)] if len(before) else before
    if len(before) == 0:
        return 0.0
    baseline = float(np.median(before))
    spread = 1.4826 * float(np.median(np.abs(before - baseline)))
    low, high = np.percentile(during, [_LOW, _HIGH])
    level = max(abs(baseline), abs(float(np.median(during))))
    floor = max(spread, _FLOOR * level, _ABSOLUTE_FLOOR if series.unit.endswith("/min") else 1e-9)
    return max(abs(float(high) - baseline), abs(float(low) - baseline)) / floor


def default_keys(series: Sequence[ChartSeries], window: Window, *, limit: int = MAX_PANELS) -> tuple[str, ...]:
    """Return the keys of the default view, in the order the panels are drawn."""
    scores = {s.key: change_score(s, window) for s in series}
    chosen: list[ChartSeries] = []

    def best(role: Role, *, moved: bool) -> None:
        candidates = [s for s in series if s.role is role and s not in chosen and (scores[s.key] >= MOVED or not moved)]
        if candidates:
            chosen.append(min(candidates, key=lambda s: (s.rank, -scores[s.key])))

    best(Role.ERRORS, moved=True)
    best(Role.TRAFFIC, moved=False)
    best(Role.SATURATION, moved=True)
    # the rest goes first to other saturation or latency signals that moved: the cause, where errors only repeat
    movers = sorted((s for s in series if s not in chosen and scores[s.key] >= MOVED and s.role is not Role.OTHER),
                    key=lambda s: (s.role is not Role.SATURATION, -scores[s.key]))
    chosen += movers[: max(0, limit - len(chosen))]
    if not chosen:  # nothing moved: the strongest mover anyway, so the chart is never empty
        chosen = sorted(series, key=lambda s: (-scores[s.key], s.rank))[:1]
    return tuple(s.key for s in chosen[:limit])


def error_share(errors: ChartSeries, described: Sequence[ChartSeries], window: Window) -> float | None:
    """Return the share of requests that failed during impact, for an access log's 5xx series (None otherwise)."""
    total_key = errors.key.replace("{class=5xx}", "{}")
    total = next((s for s in described if s.key == total_key), None)
    if total is None or total_key == errors.key:
        return None
    failed = sum(p.value for p in errors.points if window.start <= p.time < window.end)
    served = sum(p.value for p in total.points if window.start <= p.time < window.end)
    return failed / served if served > 0 else None


def shown(pm: PostMortem) -> tuple[ChartSeries, ...]:
    """Return the series the chart of ``pm`` draws: the saved choice when any of it still exists, else the default."""
    described = describe(pm)
    by_key = {s.key: s for s in described}
    saved = [by_key[k] for k in pm.chart_series if k in by_key]
    if saved:
        return tuple(saved)
    return tuple(by_key[k] for k in default_keys(described, impact_window(pm)))
