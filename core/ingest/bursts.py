"""Finding error bursts in a per-minute error count.

A burst starts in the first minute whose count is at least ``factor`` times the median of the
trailing quiet minutes (``history`` of them, at least ``min_history``) and at least ``min_rate``.
It ends before the first minute that falls under half of that starting threshold; the halving
keeps one slow minute in the middle of an outage from splitting it in two. Burst minutes never
count as history, so a second burst soon after the first is still measured against quiet time.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

FACTOR = 5.0
MIN_RATE = 10
HISTORY = 10
MIN_HISTORY = 3


@dataclass(frozen=True)
class Burst:
    """A run of minutes with many more errors than before: indexes into the counts, ``end`` inclusive."""

    start: int
    end: int | None  # None: still bursting when the data stops
    peak: int
    baseline: float
    total: int


def find_bursts(counts: Sequence[int], *, factor: float = FACTOR, min_rate: int = MIN_RATE,
                history: int = HISTORY, min_history: int = MIN_HISTORY) -> list[Burst]:
    """Return the bursts in a dense per-minute count series, in order."""
    bursts: list[Burst] = []
    quiet: list[int] = []
    start: int | None = None
    threshold = baseline = 0.0
    peak = total = 0
    for index, count in enumerate(counts):
        if start is None:
            if len(quiet) >= min_history:
                baseline = statistics.median(quiet[-history:])
                threshold = max(float(min_rate), factor * baseline)
                if count >= threshold:
                    start, peak, total = index, count, count
                    continue
            quiet.append(count)
        elif count < threshold / 2:
            bursts.append(Burst(start, index - 1, peak, baseline, total))
            start = None
            quiet.append(count)
        else:
            peak, total = max(peak, count), total + count
    if start is not None:
        bursts.append(Burst(start, None, peak, baseline, total))
    return bursts
