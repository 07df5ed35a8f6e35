"""What each series of a post-mortem is, in words: a stable key, a plain title, its unit, its source and its role.

Series come from three places. A log import gives per-minute line counts (``"<source> requests/min"`` with a
``class`` label for an access log, ``"<source> log lines/min"`` with a ``level`` label for other logs);
Prometheus gives metric names and labels, or, for a saved query result without ``__name__``, the file's name,
which is never shown. A log's per-level series are folded into one "errors and warnings per minute".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from core.models import MetricPoint, MetricSeries, PostMortem

_ACCESS = " requests/min"
_LOG = " log lines/min"
_PROBLEM_LEVELS = ("warn", "error", "critical", "fatal")
_FOLDED = "+".join(_PROBLEM_LEVELS)
_WORDS = {"http": "HTTP", "https": "HTTPS", "db": "DB", "cpu": "CPU", "api": "API", "grpc": "gRPC", "io": "I/O",
          "gc": "GC", "rps": "requests per second", "jvm": "JVM", "sql": "SQL", "tcp": "TCP"}
_UNIT_WORDS = {"seconds": "s", "bytes": "bytes", "milliseconds": "ms", "ratio": "%", "percent": "%"}
_DROP = {"total", "count", "sum", "max", "min", "avg", "mean", "rate", "irate", "increase", "ratio", "by"}
_ERRORS = re.compile(r"5xx|error|fail|exception|timeout", re.IGNORECASE)
_TRAFFIC = re.compile(r"request|rps|qps|throughput|traffic|calls", re.IGNORECASE)
_SATURATION = re.compile(r"duration|latency|seconds|connection|pool|saturat|cpu|memory|queue|in_use|utili|thread|"
                         r"inflight|in_flight|backlog|heap|disk|load|lag|wait", re.IGNORECASE)
_COUNTED = {"connections", "requests", "threads", "jobs", "messages", "items", "tasks", "pods", "sessions", "workers",
            "goroutines", "errors", "responses", "queries", "files", "events", "retries", "restarts"}
_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_QUANTILE = re.compile(r"(?:^|_)p(\d{2,3})(?:_|$)")
_RATE = re.compile(r"(?:^|_)(?:i?rate|increase)\d*[smh]?(?:_|$)")


class Role(Enum):
    """What a series tells about an incident, in the order the default chart shows them."""

    ERRORS = "errors"
    TRAFFIC = "traffic"
    SATURATION = "saturation or latency"
    OTHER = "other"


@dataclass(frozen=True)
class ChartSeries:
    """One series as the chart draws it: values already in ``unit`` (a ratio as %)."""

    key: str
    title: str
    unit: str
    source: str
    role: Role
    rank: int  # within its role, lower first: user-facing errors before an application's log errors
    points: tuple[MetricPoint, ...]


def describe(pm: PostMortem) -> tuple[ChartSeries, ...]:
    """Return every series of ``pm`` described, a log's per-level series folded into errors and warnings."""
    files = {i.origin for i in pm.imports} | {i.origin.rsplit("/", 1)[-1] for i in pm.imports}
    keys = _keys(pm.series)
    found: list[ChartSeries] = []
    for key, series in zip(keys, pm.series, strict=True):
        found.append(_describe(key, series, files))
        if series.query.endswith(_LOG) and not series.labels:
            folded = _fold(key, series, pm.series)
            if folded is not None:
                found.append(folded)
    return tuple(found)


def series_key(series: MetricSeries) -> str:
    """Return the key naming ``series`` in ``PostMortem.chart_series``: its query and labels."""
    labels = ",".join(f"{k}={v}" for k, v in sorted(series.labels))
    return f"{series.query}{{{labels}}}"


def _keys(series: Sequence[MetricSeries]) -> list[str]:
    keys = [series_key(s) for s in series]
    return [key if keys.count(key) == 1 else f"{key}#{keys[:n].count(key) + 1}" for n, key in enumerate(keys)]


def _describe(key: str, series: MetricSeries, files: set[str]) -> ChartSeries:
    labels = dict(series.labels)
    query = series.query
    if query.endswith(_ACCESS):
        return _access(key, query.removesuffix(_ACCESS), labels.get("class"), series.points)
    if query.endswith(_LOG):
        source, level = query.removesuffix(_LOG), labels.get("level")
        title = f"{level.capitalize()} lines per minute — {source}" if level else f"Log lines per minute — {source}"
        role, rank = (Role.ERRORS, 4) if level in ("error", "critical", "fatal") else (Role.OTHER, 9)
        return ChartSeries(key, title, "lines/min", f"{source} (log)", role, rank, series.points)
    if query in files:
        context = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
        title = f"Unnamed Prometheus series ({context})" if context else "Unnamed Prometheus series"
        return ChartSeries(key, title, "value", "Prometheus", Role.OTHER, 9, series.points)
    return _prometheus(key, query, labels, series.points)


def _access(key: str, source: str, status: str | None, points: tuple[MetricPoint, ...]) -> ChartSeries:
    group = f"{source} (access log)"
    if status is None:
        return ChartSeries(key, f"Requests per minute — {source}", "requests/min", group, Role.TRAFFIC, 0, points)
    role, rank = {"5xx": (Role.ERRORS, 0), "4xx": (Role.ERRORS, 5), "2xx": (Role.TRAFFIC, 2)}.get(
        status, (Role.OTHER, 9))
    return ChartSeries(key, f"{status} responses per minute — {source}", "responses/min", group, role, rank, points)


def _fold(key: str, total: MetricSeries, everything: Sequence[MetricSeries]) -> ChartSeries | None:
    levels = [s for s in everything if s.query == total.query and dict(s.labels).get("level") in _PROBLEM_LEVELS]
    if not levels:
        return None
    sums: dict[object, float] = {}
    for series in levels:
        for p in series.points:
            sums[p.time] = sums.get(p.time, 0.0) + p.value
    points = tuple(MetricPoint(p.time, sums.get(p.time, 0.0)) for p in total.points)
    source = total.query.removesuffix(_LOG)
    return ChartSeries(f"{key.removesuffix('{}')}{{level={_FOLDED}}}", f"Errors and warnings per minute — {source}",
                       "lines/min", f"{source} (log)", Role.ERRORS, 3, points)


def _prometheus(key: str, query: str, labels: dict[str, str], points: tuple[MetricPoint, ...]) -> ChartSeries:
    names = [n for n in _METRIC.findall(query) if "_" in n or ":" in n] or [query]
    name = max(names, key=len)
    parts = name.split(":")
    metric = parts[1] if len(parts) == 3 else parts[-1]
    ops = parts[2] if len(parts) == 3 else ""
    words = [w for w in metric.lower().split("_") if w]
    unit = next((_UNIT_WORDS[w] for w in reversed(words) if w in _UNIT_WORDS), "")
    ratio = "ratio" in ops or "ratio" in words or unit == "%"
    quantile = _QUANTILE.search(ops) or _QUANTILE.search(metric) or re.search(r"quantile\(\s*0\.(\d+)", query)
    per_second = bool(_RATE.search(ops) or re.search(r"\b(i?rate|increase)\(", query)) and not ratio
    plain = [w for w in words if w not in _DROP and w not in _UNIT_WORDS and not _QUANTILE.fullmatch(f"_{w}_")]
    text = " ".join(_WORDS.get(w, w) for w in plain) or name
    errors = [w for w in plain if _ERRORS.search(w)]
    if ratio and errors:
        rest = " ".join(_WORDS.get(w, w) for w in plain if w not in errors)
        text, unit = f"{' '.join(errors)} share of {rest}".strip(), "%"
    elif ratio:
        text, unit = f"{text} (share)", "%"
    if quantile:
        text = f"p{quantile.group(1)} {text}"
    if per_second:
        text, unit = f"{text} per second", f"{plain[-1] if plain else 'events'}/s"
    if not unit:
        unit = next((w for w in reversed(plain) if w in _COUNTED), "items" if {"depth", "size", "length"} & set(plain)
                    else "value")
    context = ", ".join(v for k, v in sorted(labels.items()) if k not in ("le", "quantile"))
    text = text if quantile else f"{text[:1].upper()}{text[1:]}"
    title = f"{text} — {context + ', ' if context else ''}Prometheus"
    scaled = tuple(MetricPoint(p.time, p.value * 100) for p in points) if ratio and "percent" not in words else points
    return ChartSeries(key, title, unit, "Prometheus", *_role(name, user_facing=bool(_TRAFFIC.search(name))), scaled)


def _role(name: str, *, user_facing: bool) -> tuple[Role, int]:
    if _ERRORS.search(name):
        return Role.ERRORS, 1 if user_facing else 3
    if _TRAFFIC.search(name) and not re.search(r"duration|latency|seconds", name):
        return Role.TRAFFIC, 1
    if _SATURATION.search(name):
        return Role.SATURATION, 0
    return Role.OTHER, 9
