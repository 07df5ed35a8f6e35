"""Clock skew from the data: per-minute error rates of each log source aligned with the other sources.

Each log import leaves per-minute series; a source's *signal* is its error and warning lines (an
access log's 5xx) per minute, as ``log1p`` above its own median, so a burst counts and chronic noise
does not. Alerts (one per minute while firing) and metric series about errors are references only:
their times come from the server that measured them. For each log source, its signal is
cross-correlated (cosine similarity) with the sum of the others' at every offset up to ±14 h, minute
by minute. It looks skewed when the best offset is at least ``MIN_OFFSET``, scores at least
``MIN_SCORE`` and beats the score as is by ``MIN_GAIN`` and ``MIN_RATIO`` times; a whole-hour offset
(a zone read wrongly) is preferred when it is within ``MIN_OFFSET`` of the best or scores nearly as well.
A signal is the *rises* of the rate: a long burst shifted by a few minutes still overlaps itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from core.models import MetricSeries, PostMortem

MIN_OFFSET = timedelta(minutes=5)
MIN_SCORE = 0.5
MIN_GAIN = 0.15
MIN_RATIO = 1.4
WHOLE_HOUR_SHARE = 0.8  # a whole-hour offset scoring this share of the best one is chosen instead
MAX_OFFSET_MINUTES = 14 * 60
_MINUTE = timedelta(minutes=1)
_ERROR_LEVELS = frozenset({"warn", "error", "critical", "fatal"})
_LOG_SUFFIXES = (" log lines/min", " requests/min")
_ERROR_WORDS = ("5xx", "error", "fail")


@dataclass(frozen=True)
class RateSkew:
    """A log source whose error rate lines up with the others once shifted by ``offset``."""

    source: str
    offset: timedelta
    score: float
    score_as_is: float
    against: tuple[str, ...]


Signal = tuple[datetime, npt.NDArray[np.float64]]


def log_source(series: MetricSeries) -> str | None:
    """Return the source of a per-minute series a log import made, None for any other series."""
    for suffix in _LOG_SUFFIXES:
        if series.query.endswith(suffix):
            return series.query[: -len(suffix)]
    return None


def _is_error_part(series: MetricSeries) -> bool:
    labels = dict(series.labels)
    return labels.get("level") in _ERROR_LEVELS or labels.get("class") == "5xx"


def _dense(points: Sequence[tuple[datetime, float]], *, above_median: bool = True) -> Signal | None:
    if not points:
        return None
    start = min(t for t, _ in points).replace(second=0, microsecond=0)
    end = max(t for t, _ in points)
    values = np.zeros(int((end - start) / _MINUTE) + 1)
    for time, value in points:
        values[int((time - start) / _MINUTE)] += value
    shaped = np.log1p(np.clip(values, 0, None))
    if above_median:
        shaped = np.clip(shaped - np.median(shaped), 0, None)
    # the rises, not the levels: an 18-minute burst shifted by 7 minutes still overlaps itself, its onset does not
    rises = np.clip(np.diff(shaped, prepend=0.0), 0, None)
    return (start, rises) if rises.any() else None


def signals(pm: PostMortem) -> tuple[dict[str, Signal], dict[str, Signal]]:
    """Return the signals of the log sources (which may be skewed) and of the references (alerts, error metrics)."""
    logs: dict[str, list[tuple[datetime, float]]] = {}
    references: dict[str, list[tuple[datetime, float]]] = {}
    for series in pm.series:
        source = log_source(series)
        if source is not None:
            if _is_error_part(series):
                logs.setdefault(source, []).extend((p.time, float(p.value)) for p in series.points)
        elif any(word in series.query.lower() for word in _ERROR_WORDS):
            references.setdefault(f"metric {series.query}", []).extend(
                (p.time, float(p.value)) for p in series.points)
    for alert in pm.alerts:
        end = alert.end or max(alert.start + timedelta(minutes=10), pm.end)
        minute = alert.start
        points = references.setdefault("alerts", [])
        while minute <= end:
            points.append((minute, 1.0))
            minute += _MINUTE
    dense = {name: _dense(points) for name, points in logs.items()}
    refs = {name: _dense(points, above_median=name != "alerts") for name, points in references.items()}
    return ({k: v for k, v in dense.items() if v is not None}, {k: v for k, v in refs.items() if v is not None})


def _on_grid(signal: Signal, origin: datetime, size: int) -> npt.NDArray[np.float64]:
    start, values = signal
    grid = np.zeros(size)
    offset = int((start - origin) / _MINUTE)
    grid[offset:offset + len(values)] = values
    return grid


def _scores(own: Signal, others: Sequence[Signal]) -> tuple[npt.NDArray[np.float64], int]:
    """Return the cosine similarity of ``own`` shifted by each offset (index - zero) with the sum of ``others``."""
    everything = [own, *others]
    origin = min(s[0] for s in everything) - MAX_OFFSET_MINUTES * _MINUTE
    size = max(int((s[0] - origin) / _MINUTE) + len(s[1]) for s in everything) + MAX_OFFSET_MINUTES
    reference = np.zeros(size)
    for other in others:
        grid = _on_grid(other, origin, size)
        reference += grid / np.linalg.norm(grid)
    mine = _on_grid(own, origin, size)
    # correlate(reference, mine)[k] pairs mine[t] with reference[t + k - (size - 1)]: k - (size - 1) is the shift
    raw = np.correlate(reference, mine, mode="full")
    norm = float(np.linalg.norm(reference) * np.linalg.norm(mine))
    zero = size - 1
    window = raw[zero - MAX_OFFSET_MINUTES: zero + MAX_OFFSET_MINUTES + 1] / norm
    return window, MAX_OFFSET_MINUTES


def rate_skews(pm: PostMortem) -> list[RateSkew]:
    """Return the log sources whose error rates line up with the other sources only once shifted."""
    logs, references = signals(pm)
    found: list[RateSkew] = []
    for source, own in sorted(logs.items()):
        others = {name: s for name, s in {**logs, **references}.items() if name != source}
        if not others:
            continue
        scores, zero = _scores(own, list(others.values()))
        best = int(np.argmax(scores))
        hours = [zero + h * 60 for h in range(-14, 15) if h and 0 <= zero + h * 60 < len(scores)]
        whole = max(hours, key=lambda i: scores[i], default=best)
        score, as_is = float(scores[best]), float(scores[zero])
        near = abs(best - whole) * _MINUTE <= MIN_OFFSET  # alerts and 5-minute rates lag a log by a minute or two
        if near or scores[whole] >= WHOLE_HOUR_SHARE * scores[best]:
            best = whole
        offset = (best - zero) * _MINUTE
        if abs(offset) >= MIN_OFFSET and score >= MIN_SCORE and score - as_is >= MIN_GAIN and \
                score >= MIN_RATIO * as_is:
            found.append(RateSkew(source, offset, score, as_is, tuple(sorted(others))))
    # two sources that disagree both look skewed against each other: the one the references side with is right
    if len(found) > 1:
        best_gain = max(s.score - s.score_as_is for s in found)
        found = [s for s in found if s.score - s.score_as_is >= best_gain - 0.05]
    return found
