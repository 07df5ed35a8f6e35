"""The Loki connector against a fake Loki (pytest-httpserver) that pages like the real one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from core.connectors.errors import ConnectorError
from core.connectors.loki import LokiConnector, LokiLine
from core.models import Candidate, SourceKind
from tests.connectors.conftest import DATA, INCIDENT

PATH = "/loki/api/v1/query_range"
NOW = datetime(2024, 5, 2, tzinfo=UTC)
BASE = int(INCIDENT.start.timestamp()) * 10**9


class FakeLoki:
    """Answers query_range like Loki: forward order, ``limit`` entries across all streams, start inclusive."""

    def __init__(self, streams: dict[tuple[tuple[str, str], ...], list[tuple[int, str]]]) -> None:
        self.streams = streams
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        args = dict(request.args)
        self.requests.append(args)
        start, end, limit = int(args["start"]), int(args["end"]), int(args["limit"])
        assert args["direction"] == "forward"
        chosen = sorted(
            (ns, labels, line) for labels, values in self.streams.items() for ns, line in values if start <= ns < end
        )[:limit]
        result = [
            {"stream": dict(labels), "values": [[str(ns), line] for ns, lab, line in chosen if lab == labels]}
            for labels in self.streams
        ]
        body = {"status": "success", "data": {"resultType": "streams", "result": [r for r in result if r["values"]]}}
        return Response(json.dumps(body), content_type="application/json")


def _labels(**labels: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items()))


def test_streams_are_merged_in_time_order(session, httpserver: HTTPServer):
    httpserver.expect_request(PATH).respond_with_data((DATA / "loki-query_range.json").read_text(),
                                                      content_type="application/json")
    lines = list(LokiConnector(session).fetch_lines(httpserver.url_for("/"), '{app="checkout"}', INCIDENT))
    assert [line.line for line in lines] == [
        "timeout acquiring connection after 5000ms", "GET /api/checkout 502", "connection pool exhausted (max 20)"]
    assert lines[1] == LokiLine(
        time=datetime(2024, 5, 1, 10, 8, 2, 250000, tzinfo=UTC),
        labels=_labels(app="checkout", level="info", pod="checkout-7d9"),
        line="GET /api/checkout 502",
    )
    [request] = [r for r, _ in httpserver.log]
    assert request.args["start"] == str(BASE - 1800 * 10**9)
    assert request.args["end"] == str(BASE + 5400 * 10**9 + 1)


def test_pages_are_followed_without_losing_or_repeating_lines(session, httpserver: HTTPServer):
    a, b, c = _labels(app="checkout", pod="a"), _labels(app="checkout", pod="b"), _labels(app="payments")
    streams = {a: [(BASE + i * 10**9, f"a{i}") for i in range(0, 20, 2)],
               b: [(BASE + i * 10**9, f"b{i}") for i in range(1, 20, 2)],
               c: [(BASE + 9 * 10**9, "c9"), (BASE + 9 * 10**9, "c9 again"), (BASE + 25 * 10**9, "c25")]}
    fake = FakeLoki(streams)
    httpserver.expect_request(PATH).respond_with_handler(fake)
    lines = list(LokiConnector(session).fetch_lines(httpserver.url_for("/"), "{}", INCIDENT, page_size=10))
    expected = sorted((ns, labels, line) for labels, values in streams.items() for ns, line in values)
    assert [(line.labels, line.line) for line in lines] == [(labels, line) for _, labels, line in expected]
    assert len(fake.requests) == 3
    assert [line.time for line in lines] == sorted(line.time for line in lines)


def test_a_page_filled_by_one_instant_does_not_loop(session, httpserver: HTTPServer):
    same = {_labels(app="x"): [(BASE, f"burst {i:02d}") for i in range(12)] + [(BASE + 10**9, "after")]}
    fake = FakeLoki(same)
    httpserver.expect_request(PATH).respond_with_handler(fake)
    lines = [line.line for line in LokiConnector(session).fetch_lines(httpserver.url_for("/"), "{}", INCIDENT,
                                                                      page_size=10)]
    # Loki cannot page inside one nanosecond: the two burst lines beyond the page are lost, nothing repeats
    assert lines == [f"burst {i:02d}" for i in range(10)] + ["after"]
    assert len(fake.requests) == 3


def test_import_logs_streams_into_the_candidate_extractor(session, httpserver: HTTPServer):
    httpserver.expect_request(PATH, headers={"X-Scope-OrgID": "shop"}).respond_with_data(
        (DATA / "loki-query_range.json").read_text(), content_type="application/json")
    seen: list[LokiLine] = []

    def extract(lines):
        seen.extend(lines)
        first = seen[0]
        return [Candidate(id="C1", time=first.time, event="first error", source="Loki", count=len(seen))]

    connector = LokiConnector(session, org_id="shop")
    result = connector.import_logs(httpserver.url_for("/"), '{app="checkout"}', INCIDENT, now=NOW, consume=extract)
    assert [c.count for c in result.candidates] == [3]
    assert result.events == () and result.series == ()
    source = result.source
    assert (source.kind, source.query, source.records_read, source.records_rejected) == (
        SourceKind.LOGS, '{app="checkout"}', 3, 0)
    assert source.covered is not None and source.covered.start == seen[0].time
    counted = connector.import_logs(httpserver.url_for("/"), '{app="checkout"}', INCIDENT, now=NOW)
    assert counted.source.records_read == 3 and counted.candidates == ()


def test_bad_entries_are_rejected_by_position(session, httpserver: HTTPServer):
    body = {"status": "success", "data": {"resultType": "streams", "result": [
        {"stream": {"app": "x"}, "values": [["1714557600000000000", "ok"], ["yesterday", "bad"], ["1714557601"]]},
        {"values": []}]}}
    httpserver.expect_request(PATH).respond_with_json(body)
    result = LokiConnector(session).import_logs(httpserver.url_for("/"), "{}", INCIDENT, now=NOW)
    assert result.source.records_read == 4
    assert result.source.records_rejected == 3
    assert result.source.rejected_reasons[0] == f"{httpserver.url_for('/').rstrip('/')} stream 1 value 2: " \
        "['yesterday', 'bad'] is not a [nanoseconds, line] pair"
    assert result.source.rejected_reasons[2].endswith("stream 2: stream labels or values missing")


def test_a_metric_query_is_refused_in_plain_words(session, httpserver: HTTPServer):
    httpserver.expect_request(PATH).respond_with_json(
        {"status": "success", "data": {"resultType": "matrix", "result": []}})
    with pytest.raises(ConnectorError, match="give a log query"):
        list(LokiConnector(session).fetch_lines(httpserver.url_for("/"), "rate({app=\"x\"}[1m])", INCIDENT))


def test_loki_parse_errors_are_shown(session, httpserver: HTTPServer):
    httpserver.expect_request(PATH).respond_with_data(
        "parse error at line 1, col 5: syntax error: unexpected IDENTIFIER", status=400)
    with pytest.raises(ConnectorError, match="Loki rejected the request.*parse error at line 1, col 5"):
        list(LokiConnector(session).fetch_lines(httpserver.url_for("/"), "{app=x}", INCIDENT))
