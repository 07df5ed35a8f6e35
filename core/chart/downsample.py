"""Shape-preserving downsampling of one series (MinMaxLTTB), keeping its first, last, lowest and highest points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from tsdownsample import MinMaxLTTBDownsampler

from core.models import MetricPoint

MAX_POINTS = 2_000
"""The most points one series keeps."""


def downsample(points: Sequence[MetricPoint], max_points: int = MAX_POINTS) -> tuple[MetricPoint, ...]:
    """Return at most ``max_points`` of ``points`` in time order, keeping the shape of the series.

    MinMaxLTTB (tsdownsample) picks the points; the first, the last, the lowest and the highest are always
    kept. Non-finite values (NaN gaps) are left out: a chart cannot draw them.
    """
    if max_points < 4:
        raise ValueError(f"max_points must be at least 4 (first, last, lowest, highest), not {max_points}")
    x = np.fromiter((p.time.timestamp() for p in points), dtype=np.float64, count=len(points))
    y = np.fromiter((p.value for p in points), dtype=np.float64, count=len(points))
    order = np.argsort(x, kind="stable")
    order = order[np.isfinite(y[order])]
    if len(order) <= max_points:
        return tuple(points[i] for i in order)
    xs, ys = x[order], y[order]
    chosen = {0, len(order) - 1, int(np.argmin(ys)), int(np.argmax(ys))}
    # two places stay free for the lowest and the highest point, which MinMaxLTTB may not pick itself
    chosen.update(_min_max_lttb(xs, ys, max_points - 2))
    return tuple(points[order[i]] for i in sorted(chosen))


def _min_max_lttb(x: np.ndarray[Any, np.dtype[np.float64]], y: np.ndarray[Any, np.dtype[np.float64]],
                  n_out: int) -> list[int]:
    if n_out < 3:  # LTTB needs a first, a last and one point between (tsdownsample panics otherwise)
        return []
    indexes = MinMaxLTTBDownsampler().downsample(x, y, n_out=n_out)  # type: ignore[no-untyped-call]
    return [int(i) for i in indexes]
