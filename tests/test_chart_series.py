"""What the chart calls each series: plain titles in their units, logs folded, never a file name."""

from __future__ import annotations

from datetime import timedelta

from core import chart
from core.models import MetricPoint, MetricSeries, SourceImport, SourceKind
from tests.factories import START, make_postmortem


def points(*values):
    return tuple(MetricPoint(START + timedelta(minutes=n), float(v)) for n, v in enumerate(values))


def described(*series, imports=()):
    return {s.key: s for s in chart.describe(make_postmortem(series=series, imports=imports))}


def test_an_access_log_is_named_by_what_is_counted_and_its_source():
    found = described(MetricSeries("edge requests/min", (), points(60, 61)),
                      MetricSeries("edge requests/min", (("class", "5xx"),), points(0, 30)))
    total, errors = found.values()
    assert (total.title, total.unit, total.role) == ("Requests per minute — edge", "requests/min", chart.Role.TRAFFIC)
    assert (errors.title, errors.unit, errors.role) == ("5xx responses per minute — edge", "responses/min",
                                                        chart.Role.ERRORS)
    assert errors.key == "edge requests/min{class=5xx}" and errors.source == "edge (access log)"


def test_a_logs_levels_are_folded_into_errors_and_warnings_per_minute():
    found = described(MetricSeries("api log lines/min", (), points(10, 20)),
                      MetricSeries("api log lines/min", (("level", "info"),), points(10, 10)),
                      MetricSeries("api log lines/min", (("level", "warn"),), points(0, 4)),
                      MetricSeries("api log lines/min", (("level", "error"),), points(0, 6)))
    folded = found["api log lines/min{level=warn+error+critical+fatal}"]
    assert folded.title == "Errors and warnings per minute — api" and folded.unit == "lines/min"
    assert [p.value for p in folded.points] == [0, 10]
    assert found["api log lines/min{level=info}"].title == "Info lines per minute — api"


def test_prometheus_series_are_named_from_the_metric_with_their_unit():
    found = described(
        MetricSeries("checkout:http_requests_5xx:ratio_rate5m", (("service", "checkout"),), points(0.01, 0.5)),
        MetricSeries("checkout:http_request_duration_seconds:p99_5m", (("service", "checkout"),), points(0.3, 5)),
        MetricSeries("db_pool_connections_in_use", (("pool", "orders"),), points(5, 20)),
        MetricSeries("sum(rate(http_requests_total[5m]))", (), points(40, 41)),
    )
    ratio, p99, pool, rate = found.values()
    assert (ratio.title, ratio.unit, [p.value for p in ratio.points]) == (
        "5xx share of HTTP requests — checkout, Prometheus", "%", [1.0, 50.0])
    assert (p99.title, p99.unit, p99.role) == ("p99 HTTP request duration — checkout, Prometheus", "s",
                                               chart.Role.SATURATION)
    assert (pool.title, pool.unit) == ("DB pool connections in use — orders, Prometheus", "connections")
    assert (rate.title, rate.unit, rate.role) == ("HTTP requests per second — Prometheus", "requests/s",
                                                  chart.Role.TRAFFIC)


def test_a_series_named_after_its_file_is_never_shown_by_the_file_name():
    saved = SourceImport(SourceKind.METRICS, "prometheus-query-range.json", START)
    (series,) = described(MetricSeries("prometheus-query-range.json", (("service", "orders"),), points(1, 2)),
                          imports=(saved,)).values()
    assert series.title == "Unnamed Prometheus series (service=orders)"
    assert "json" not in series.title


def test_identical_series_get_distinct_keys():
    found = described(MetricSeries("up", (), points(1, 1)), MetricSeries("up", (), points(1, 0)))
    assert list(found) == ["up{}#1", "up{}#2"]
