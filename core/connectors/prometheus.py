"""Prometheus HTTP API: metric series over the incident window and the history of firing alerts (``ALERTS``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests

from core.connectors import egress, http
from core.connectors.errors import ConnectorError
from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.ingest.structured import alert_history, prometheus, records
from core.ingest.structured.alert_history import AlertHistory
from core.models import MetricSeries, SourceKind, TimeWindow

SOURCE = "Prometheus"
MAX_POINTS = 11_000
"""Prometheus refuses a query_range that would give a series more points than this."""
MIN_STEP = timedelta(seconds=15)
_TARGET_POINTS = 1_500
_NICE_STEPS = (15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


@dataclass(frozen=True)
class QueryTemplate:
    """A ready-made PromQL query the user can pick and edit; ``$service`` is replaced by the service label."""

    name: str
    promql: str
    unit: str

    def render(self, service: str) -> str:
        """Return the query for ``service`` (quoted safely inside the label matcher)."""
        return self.promql.replace("$service", service.replace("\\", "\\\\").replace('"', '\\"'))


QUERY_TEMPLATES: tuple[QueryTemplate, ...] = (
    QueryTemplate("Request rate", 'sum(rate(http_requests_total{service="$service"}[5m]))', "requests/s"),
    QueryTemplate(
        "5xx ratio",
        'sum(rate(http_requests_total{service="$service",code=~"5.."}[5m]))'
        ' / sum(rate(http_requests_total{service="$service"}[5m]))',
        "ratio",
    ),
    QueryTemplate(
        "Latency p99",
        'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="$service"}[5m])))',
        "seconds",
    ),
)
"""Starting points for the usual incident graphs: traffic, errors, latency."""


def choose_step(span: timedelta, requested: timedelta | None = None) -> timedelta:
    """Return the query step: ``requested`` or a round step ≥ 15 s, raised so no series exceeds 11,000 points."""
    seconds = span.total_seconds()
    # two extra steps: the range is widened to whole steps at both ends
    smallest = max(1, math.ceil(seconds / (MAX_POINTS - 3)))
    if requested is not None:
        return max(requested, timedelta(seconds=smallest))
    wanted = max(seconds / _TARGET_POINTS, MIN_STEP.total_seconds(), smallest)
    return timedelta(seconds=next((s for s in _NICE_STEPS if s >= wanted), math.ceil(wanted)))


def parse_step(text: str) -> timedelta:
    """Return the step written like Prometheus does ("15s", "1m", "2h") or as plain seconds ("30")."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise InvalidInputError(f"Step {text!r} is not a duration: write it like 15s, 1m or 2h.")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"])


class PrometheusConnector:
    """Read series and alert history from a Prometheus server over its HTTP API."""

    def __init__(self, session: requests.Session, *, timeout: float = 30.0) -> None:
        self._session = session
        self._timeout = timeout

    def query_range(self, url: str, query: str, window: TimeWindow, *, step: timedelta | None = None,
                    margin: timedelta = records.MARGIN) -> list[MetricSeries]:
        """Return the series of ``query`` over ``window`` widened by ``margin``."""
        return list(self.import_metrics(url, query, window, now=window.end, step=step, margin=margin).series)

    def import_metrics(self, url: str, query: str, window: TimeWindow, *, now: datetime,
                       step: timedelta | None = None, margin: timedelta = records.MARGIN) -> ImportResult:
        """Run ``query`` over the window ± ``margin`` and return the series with the import record."""
        server = http.base_url(url)
        start, end = window.start - margin, window.end + margin
        chosen = choose_step(end - start, step).total_seconds()
        params = {
            "query": query,
            "start": _stamp(math.floor(start.timestamp() / chosen) * chosen),
            "end": _stamp(math.ceil(end.timestamp() / chosen) * chosen),
            "step": _stamp(chosen),
        }
        tally = records.Tally(egress.redact(server), window, margin)
        result = self._matrix(server, "/api/v1/query_range", params)
        series = prometheus.series_from_result(result, tally, query=query)
        return tally.result(SourceKind.METRICS, now=now, query=query, series=series)

    def alert_history(self, url: str, window: TimeWindow, *, margin: timedelta = records.MARGIN,
                      selector: str = "", now: datetime | None = None) -> AlertHistory:
        """Return the firing intervals of ``ALERTS`` (from raw samples) over the window ± ``margin``.

        ``selector`` adds label matchers, e.g. ``service="checkout"``. An alert still firing at the end of the range
        (or at ``now``, when earlier) has no end.
        """
        found = self.import_alert_history(url, window, now=now or window.end + margin, margin=margin, selector=selector)
        return AlertHistory(alerts=found.alerts, events=found.events)

    def import_alert_history(self, url: str, window: TimeWindow, *, now: datetime,
                             margin: timedelta = records.MARGIN, selector: str = "") -> ImportResult:
        """Return the alert intervals and firing/resolved events over the window, with the import record."""
        server = http.base_url(url)
        start, end = window.start - margin, window.end + margin
        # raw samples, not query_range steps: backfilled ALERTS have no stale markers, and a step evaluation
        # would stretch every alert by the 5-minute lookback
        matchers = selector.strip().strip("{}").strip(",")
        extra = f",{matchers}" if matchers else ""
        span = f"[{math.ceil((end - start).total_seconds()) + 1}s]"
        at = {"time": _stamp(end.timestamp())}
        firing_query = f'ALERTS{{alertstate="firing"{extra}}}{span}'
        firing = self._matrix(server, "/api/v1/query", {"query": firing_query, **at})
        since = self._matrix(server, "/api/v1/query", {"query": f"ALERTS_FOR_STATE{{{extra[1:]}}}{span}", **at})
        tally = records.Tally(egress.redact(server), window, margin)
        history = alert_history.history_from_matrices(
            prometheus.read_matrix(firing, tally, window_filter=False),
            tally,
            active_since=prometheus.read_matrix(since, records.Tally(egress.redact(server), None), window_filter=False),
            open_after=min(end, now),
        )
        return tally.result(SourceKind.ALERTS, now=now, query=firing_query, covered=TimeWindow(start, end),
                            alerts=history.alerts, events=history.events)

    def _matrix(self, server: str, path: str, params: dict[str, str]) -> list[object]:
        doc = http.get_json(self._session, server + path, source=SOURCE, server=server, timeout=self._timeout,
                            params=params, describe=_error_text)
        try:
            return list(prometheus.matrix_result(doc, egress.redact(server), expected="Prometheus query result"))
        except InvalidInputError as exc:
            raise ConnectorError(
                f"{egress.redact(server)} did not answer like Prometheus: is it the Prometheus address? ({exc})"
            ) from exc


def _stamp(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    return str(body.get("error", "")) if isinstance(body, dict) else response.text[:300]
