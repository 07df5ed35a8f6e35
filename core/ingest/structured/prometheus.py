"""Prometheus ``query_range`` responses (a matrix), saved as JSON or fetched live, as metric series."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ValidationError

from core import limits
from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.ingest.structured import jsontext, records
from core.models import MetricPoint, MetricSeries, SourceKind, TimeWindow

NAME = "Prometheus query_range JSON"
SHAPE = '{"status": "success", "data": {"resultType": "matrix", "result": [...]}}'
# a series' labels object: "metric" followed by an object cannot occur inside a JSON string (its quotes would be
# escaped) nor as a label (label values are strings), so counting these counts the series
_SERIES = re.compile(r'"metric"\s*:\s*\{')
_RESULT = re.compile(r'"result"\s*:\s*\[')


class _Series(BaseModel):
    metric: dict[str, str]
    values: list[object]


@dataclass(frozen=True)
class Matrix:
    """One valid series of a matrix: its position (from 1), labels and finite samples."""

    number: int
    labels: dict[str, str]
    points: tuple[MetricPoint, ...]


def import_file(data: bytes, *, origin: str, window: TimeWindow, now: datetime) -> ImportResult:
    """Import a saved ``query_range`` response as series (samples outside the window ± margin are not kept)."""
    tally = records.Tally(origin, window)
    items = matrix_items(data, origin, tally, expected=NAME, cap=limits.metric_series())
    found = series_from_result(items, tally, query=None)
    return tally.result(SourceKind.METRICS, now=now, series=found)


def count_series(text: str) -> int:
    """Return how many series a matrix response holds, counted in its text without decoding it."""
    return sum(1 for _ in _SERIES.finditer(text))


def matrix_items(data: bytes, origin: str, tally: records.Tally, *, expected: str,
                 cap: limits.SeriesCap) -> Iterator[object]:
    """Yield the series of a saved matrix response one at a time; a damaged file gives the series before the damage.

    A response with more series than ``cap`` allows is refused before any of them is decoded.
    """
    text = jsontext.text_of(data, origin)
    found = count_series(text)
    if found > cap.limit:
        raise cap.refusal(origin, found)
    opening = _RESULT.search(text)
    if opening is None:  # no list of series: an error answer or another shape, read whole to say which
        doc = jsontext.loads(text)
        if isinstance(doc, json.JSONDecodeError):
            raise jsontext.not_json(origin, expected, text, doc)
        yield from matrix_result(doc, origin, expected=expected)
        return
    items = jsontext.ArrayItems(text, opening.end())
    yield from items
    if items.end is None:
        if not items.count:
            raise jsontext.not_json(origin, expected, text)
        tally.reject("", items.problem)
        return
    # the document without its series: small, and what says whether it is a matrix response at all
    envelope = jsontext.loads(text[:opening.end()] + text[items.end - 1:])
    if isinstance(envelope, json.JSONDecodeError):
        tally.reject("", "the JSON is damaged outside its list of items")
        return
    matrix_result(envelope, origin, expected=expected)


def matrix_result(doc: object, origin: str, *, expected: str) -> Sequence[object]:
    """Return ``data.result`` of a matrix response, or refuse a document of another shape."""
    if isinstance(doc, dict) and doc.get("status") == "error":
        raise InvalidInputError(f"{origin} holds a Prometheus error, not data: {doc.get('error', 'no details')}")
    data = doc.get("data", doc) if isinstance(doc, dict) else None
    if not isinstance(data, dict) or data.get("resultType") != "matrix" or not isinstance(data.get("result"), list):
        got = f' (resultType "{data["resultType"]}")' if isinstance(data, dict) and "resultType" in data else ""
        raise InvalidInputError(f"{origin} is not a {expected}{got}: expected {SHAPE}.")
    result: list[object] = data["result"]
    return result


def series_from_result(result: Iterable[object], tally: records.Tally, *, query: str | None) -> list[MetricSeries]:
    """Map matrix series to ``MetricSeries`` (``query`` None: named after ``__name__``, the origin otherwise).

    The caps of one import hold: more series than ``series_per_import`` or more points than ``points_per_import``
    are refused as soon as they are seen, and a series longer than ``points_per_series`` is downsampled.
    """
    cap = limits.metric_series()
    if isinstance(result, Sized) and len(result) > cap.limit:
        raise cap.refusal(tally.origin, len(result))
    found, points = [], 0
    for matrix in iter_matrix(result, tally, window_filter=True, cap=cap):
        labels = dict(matrix.labels)
        name = query if query is not None else labels.pop("__name__", tally.origin)
        series = limits.fit_series(MetricSeries(query=name, labels=tuple(sorted(labels.items())),
                                                points=matrix.points))
        points += len(series.points)
        if points > limits.CAPS.points_per_import:
            raise limits.too_many_points(tally.origin, limits.CAPS.points_per_import, more=True)
        found.append(series)
    return found


def read_matrix(result: Iterable[object], tally: records.Tally, *, window_filter: bool,
                cap: limits.SeriesCap | None = None) -> list[Matrix]:
    """Validate every series and sample, rejecting bad ones by position; NaN and ±Inf samples become gaps.

    One series more than ``cap`` allows is refused.
    """
    return list(iter_matrix(result, tally, window_filter=window_filter, cap=cap))


def iter_matrix(result: Iterable[object], tally: records.Tally, *, window_filter: bool,
                cap: limits.SeriesCap | None = None) -> Iterator[Matrix]:
    """Yield the series of ``read_matrix`` one at a time, as they are consumed."""
    for number, raw in enumerate(result, start=1):
        if cap is not None and number > cap.limit:
            raise cap.refusal(tally.origin, number, more=True)
        try:
            series = _Series.model_validate(raw)
        except ValidationError as exc:
            tally.read += 1
            tally.reject(f"series {number}", records.reason(exc))
            continue
        points = []
        for index, sample in enumerate(series.values, start=1):
            tally.read += 1
            point = _point(sample)
            if isinstance(point, str):
                tally.reject(f"series {number} sample {index}", point)
            elif math.isfinite(point.value) and (not window_filter or tally.keep(point.time)):
                points.append(point)
        yield Matrix(number=number, labels=series.metric, points=tuple(points))


def _point(sample: object) -> MetricPoint | str:
    if not isinstance(sample, list | tuple) or len(sample) != 2:
        return f"{sample!r:.60} is not a [time, \"value\"] pair"
    stamp, value = sample
    if isinstance(stamp, bool) or not isinstance(stamp, int | float | str):
        return f"time {stamp!r:.40} is not a Unix timestamp"
    try:
        time = records.from_epoch(float(stamp))
    except (ValueError, OverflowError, OSError):
        return f"time {stamp!r:.40} is not a Unix timestamp"
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return f"value {value!r:.40} is not a number"
    try:
        return MetricPoint(time=time, value=float(value))
    except (ValueError, OverflowError):  # OverflowError: an integer beyond any float
        return f"value {value!r:.40} is not a number"
