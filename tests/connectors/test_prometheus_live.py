"""The Prometheus connector against a real Prometheus holding a backfilled incident."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
import requests

from core.connectors import prometheus
from core.connectors.errors import ConnectorError
from core.models import EventKind, SourceKind, TimeWindow
from tests.connectors.conftest import ACTIVE_SINCE, FIRING, INCIDENT, INF_AT, NAN_AT, Server, binary, free_port

NOW = datetime(2024, 5, 2, tzinfo=UTC)
DURING, BEFORE = datetime(2024, 5, 1, 10, 20, tzinfo=UTC), datetime(2024, 5, 1, 9, 45, tzinfo=UTC)


@pytest.fixture
def connector(session: requests.Session) -> prometheus.PrometheusConnector:
    return prometheus.PrometheusConnector(session, timeout=10)


def _value_at(series, when: datetime) -> float:
    return next(p.value for p in series.points if p.time == when)


def _template(name: str) -> str:
    return next(t for t in prometheus.QUERY_TEMPLATES if t.name == name).render("checkout")


def test_request_rate_template_over_the_incident(connector, prometheus_server: Server):
    [series] = connector.query_range(prometheus_server.url, _template("Request rate"), INCIDENT)
    assert series.labels == ()
    assert _value_at(series, BEFORE) == pytest.approx(10)
    assert _value_at(series, DURING) == pytest.approx(15)
    assert series.points[0].time == INCIDENT.start - timedelta(minutes=30)
    assert series.points[-1].time == INCIDENT.end + timedelta(minutes=30)
    assert {b.time - a.time for a, b in zip(series.points, series.points[1:], strict=False)} == {timedelta(seconds=15)}


def test_error_ratio_and_latency_templates(connector, prometheus_server: Server):
    [ratio] = connector.query_range(prometheus_server.url, _template("5xx ratio"), INCIDENT)
    [p99] = connector.query_range(prometheus_server.url, _template("Latency p99"), INCIDENT)
    assert _value_at(ratio, BEFORE) == 0
    assert _value_at(ratio, DURING) == pytest.approx(1 / 3)
    assert _value_at(p99, BEFORE) < 0.5
    assert 2.5 < _value_at(p99, DURING) <= 5


def test_nan_and_inf_samples_become_gaps(connector, prometheus_server: Server):
    [series] = connector.query_range(prometheus_server.url, "queue_depth", INCIDENT)
    times = {p.time for p in series.points}
    assert NAN_AT not in times and INF_AT not in times
    assert NAN_AT - timedelta(seconds=15) in times
    assert all(p.value == 7 for p in series.points)
    assert dict(series.labels) == {"__name__": "queue_depth", "service": "checkout"}


def test_a_step_too_fine_for_the_range_is_raised_below_11000_points(connector, prometheus_server: Server):
    series = connector.query_range(
        prometheus_server.url, "queue_depth", INCIDENT, step=timedelta(seconds=1), margin=timedelta(hours=3)
    )
    assert 0 < len(series[0].points) <= prometheus.MAX_POINTS
    steps = {b.time - a.time for a, b in zip(series[0].points, series[0].points[1:], strict=False)}
    assert min(steps) == timedelta(seconds=3)


def test_import_metrics_records_the_source(connector, prometheus_server: Server):
    query = _template("Request rate")
    result = connector.import_metrics(prometheus_server.url, query, INCIDENT, now=NOW)
    source = result.source
    assert (source.kind, source.origin, source.query, source.imported_at) == (
        SourceKind.METRICS, prometheus_server.url, query, NOW)
    assert source.records_read == len(result.series[0].points) == 481  # 2 h at 15 s, both ends included
    assert source.records_rejected == 0
    assert source.covered is not None
    assert source.covered.start == INCIDENT.start - timedelta(minutes=30)


def test_bad_promql_shows_prometheus_own_parse_error(connector, prometheus_server: Server):
    with pytest.raises(ConnectorError, match="parse error") as caught:
        connector.query_range(prometheus_server.url, 'rate(http_requests_total{service="checkout"}[5m]', INCIDENT)
    assert "Prometheus rejected the request" in str(caught.value)


def test_alert_history_merges_raw_firing_samples_into_intervals(connector, prometheus_server: Server):
    history = connector.alert_history(prometheus_server.url, INCIDENT)
    found = {(a.name, a.start, a.end) for a in history.alerts}
    expected = {(name, first, last) for name, runs in FIRING.items() for first, last in runs if name != "NightlyBackup"}
    assert found == expected  # exact: raw samples, no 5-minute lookback tail, pending samples ignored
    error_rate = next(a for a in history.alerts if a.name == "HighErrorRate")
    assert error_rate.severity == "critical"
    assert dict(error_rate.labels) == {"service": "checkout", "severity": "critical"}


def test_alert_history_events_come_in_firing_resolved_pairs(connector, prometheus_server: Server):
    history = connector.alert_history(prometheus_server.url, INCIDENT)
    assert [e.time for e in history.events] == sorted(e.time for e in history.events)
    assert all((e.source, e.actor, e.kind) == ("Prometheus", "System", EventKind.ALERT) for e in history.events)
    texts = [(e.time, e.event) for e in history.events]
    first, last = FIRING["HighErrorRate"][0]
    assert (first, "HighErrorRate firing") in texts and (last, "HighErrorRate resolved") in texts
    assert sum(1 for _, text in texts if text == "HighLatency firing") == 2
    firing = next(e for e in history.events if e.event == "HighErrorRate firing")
    assert f"condition true since {ACTIVE_SINCE:%Y-%m-%d %H:%M:%S} UTC" in firing.evidence
    assert len({e.id for e in history.events}) == len(history.events)


def test_a_plain_range_query_would_stretch_alerts_by_the_lookback(session, prometheus_server: Server):
    """Why alert_history reads raw samples: backfilled ALERTS have no stale markers."""
    [series] = prometheus.PrometheusConnector(session).query_range(
        prometheus_server.url, 'ALERTS{alertname="HighErrorRate",alertstate="firing"}', INCIDENT)
    assert series.points[-1].time - FIRING["HighErrorRate"][0][1] > timedelta(minutes=4)


def test_alert_history_import_reads_only_the_window_and_margin(connector, prometheus_server: Server):
    result = connector.import_alert_history(prometheus_server.url, INCIDENT, now=NOW)
    source = result.source
    assert source.kind is SourceKind.ALERTS
    assert source.query == 'ALERTS{alertstate="firing"}[7201s]'
    assert "NightlyBackup" not in {a.name for a in result.alerts}  # fired 09:00-09:10, before the margin
    assert source.records_read == sum(int((last - first) / timedelta(seconds=15)) + 1
                                      for name in ("HighErrorRate", "HighLatency") for first, last in FIRING[name])
    assert source.records_rejected == 0
    assert source.covered == TimeWindow(INCIDENT.start - timedelta(minutes=30), INCIDENT.end + timedelta(minutes=30))


def test_alert_history_with_a_selector_and_an_open_alert(connector, prometheus_server: Server):
    early_end = FIRING["HighLatency"][1][1]
    history = connector.alert_history(
        prometheus_server.url, INCIDENT, selector='severity="warning"', now=early_end + timedelta(seconds=5))
    assert {a.name for a in history.alerts} == {"HighLatency"}
    assert [a.end for a in history.alerts] == [FIRING["HighLatency"][0][1], None]  # still firing at "now"
    assert [e.event for e in history.events].count("HighLatency resolved") == 1


def test_a_server_that_is_down_is_named_in_plain_words(connector):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ConnectorError, match=rf"is the server at {url} reachable\?"):
        connector.query_range(url, "up", INCIDENT)


def test_choose_step_defaults_and_limits():
    assert prometheus.choose_step(timedelta(hours=2)) == timedelta(seconds=15)
    assert prometheus.choose_step(timedelta(days=1)) == timedelta(minutes=1)
    assert prometheus.choose_step(timedelta(days=30)) == timedelta(minutes=30)
    assert prometheus.choose_step(timedelta(hours=2), timedelta(seconds=5)) == timedelta(seconds=5)
    year = prometheus.choose_step(timedelta(days=365), timedelta(seconds=1))
    assert math.floor(timedelta(days=365) / year) + 3 <= prometheus.MAX_POINTS


@pytest.mark.parametrize(("text", "seconds"), [("15s", 15), ("1m", 60), ("2h", 7200), ("30", 30), ("500ms", 0.5)])
def test_parse_step(text: str, seconds: float):
    assert prometheus.parse_step(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "fast", "0s", "-5s", "1w"])
def test_parse_step_refuses_non_durations(text: str):
    with pytest.raises(prometheus.InvalidInputError, match="not a duration"):
        prometheus.parse_step(text)


def test_templates_quote_the_service_label():
    rendered = prometheus.QUERY_TEMPLATES[0].render('shop"api\\x')
    assert 'service="shop\\"api\\\\x"' in rendered
    assert all("$service" not in t.render("checkout") for t in prometheus.QUERY_TEMPLATES)


def test_a_missing_binary_fails_the_tests_instead_of_skipping():
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y prometheus prometheus-alertmanager"):
        binary("prometheus-that-is-not-installed")
