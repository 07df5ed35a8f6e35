"""One "gather from a live source" use case for the Gather page and the CLI."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from core import sources
from core.connectors import egress
from core.errors import InvalidInputError
from core.models import SourceKind
from tests.factories import NOW, START, complete_postmortem


def locked(httpserver: HTTPServer) -> egress.GuardedSession:
    return egress.GuardedSession(egress.EgressPolicy.for_origin(httpserver.url_for("/")))


def test_a_prometheus_request_reads_the_series_of_the_window(httpserver: HTTPServer):
    httpserver.expect_request("/api/v1/query_range").respond_with_json({"status": "success", "data": {
        "resultType": "matrix", "result": [{"metric": {"code": "500"}, "values": [[START.timestamp() + 60, "3"]]}]}})
    request = sources.SourceRequest(sources.Server.PROMETHEUS, httpserver.url_for("/"), "sum by (code) (x)")
    result = sources.read(complete_postmortem(), request, session=locked(httpserver), now=NOW)
    assert result.source.kind is SourceKind.METRICS and [s.labels for s in result.series] == [(("code", "500"),)]
    assert httpserver.log[0][0].args["query"] == "sum by (code) (x)"


@pytest.mark.parametrize(("server", "wanted"), [
    (sources.Server.PROMETHEUS, "PromQL query"), (sources.Server.LOKI, "LogQL query"),
    (sources.Server.PAGERDUTY, "PagerDuty incident id"), (sources.Server.SLACK, "Slack channel id"),
])
def test_a_request_without_what_to_ask_says_what_is_missing(server, wanted):
    request = sources.SourceRequest(server, "https://unused.example.com", "  ")
    with pytest.raises(InvalidInputError, match=wanted):
        sources.read(complete_postmortem(), request, session=egress.GuardedSession(egress.EgressPolicy()), now=NOW)
