"""Prometheus ``query_range`` responses (a matrix), saved as JSON or fetched live, as metric series."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ValidationError

from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.ingest.structured import jsontext, records
from core.models import MetricPoint, MetricSeries, SourceKind, TimeWindow

NAME = "Prometheus query_range JSON"
SHAPE = '{"status": "success", "data": {"resultType": "matrix", "result": [...]}}'


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
    found = series_from_result(matrix_items(data, origin, tally, expected=NAME), tally, query=None)
    return tally.result(SourceKind.METRICS, now=now, series=found)


def matrix_items(data: bytes, origin: str, tally: records.Tally, *, expected: str) -> Sequence[object]:
    """Return the series of a saved matrix response; a damaged file gives the series before the damage."""
    doc = jsontext.document(data, origin, key="result", expected=expected)
    if isinstance(doc, jsontext.Salvage):
        tally.reject("", doc.problem)
        return doc.arrays[0]
    return matrix_result(doc, origin, expected=expected)


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


def series_from_result(result: Sequence[object], tally: records.Tally, *, query: str | None) -> list[MetricSeries]:
    """Map matrix series to ``MetricSeries`` (``query`` None: named after ``__name__``, the origin otherwise)."""
    found = []
    for matrix in read_matrix(result, tally, window_filter=True):
        labels = dict(matrix.labels)
        name = query if query is not None else labels.pop("__name__", tally.origin)
        found.append(MetricSeries(query=name, labels=tuple(sorted(labels.items())), points=matrix.points))
    return found


def read_matrix(result: Sequence[object], tally: records.Tally, *, window_filter: bool) -> list[Matrix]:
    """Validate every series and sample, rejecting bad ones by position; NaN and ±Inf samples become gaps."""
    found = []
    for number, raw in enumerate(result, start=1):
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
        found.append(Matrix(number=number, labels=series.metric, points=tuple(points)))
    return found


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
