"""The PagerDuty connector against PagerDuty's documented payloads, served by pytest-httpserver."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from core.connectors.errors import ConnectorError
from core.connectors.pagerduty import PagerDutyConnector
from core.models import EventKind, SourceKind
from tests.connectors.conftest import DATA, INCIDENT

NOW = datetime(2024, 5, 2, tzinfo=UTC)
PATH = "/incidents/PXK7N2Q/log_entries"
PAGES = {0: json.loads((DATA / "pagerduty-page1.json").read_text()),
         3: json.loads((DATA / "pagerduty-page2.json").read_text())}


def _pages(request: Request) -> Response:
    assert request.headers["Authorization"] == "Token token=s3cret"
    assert request.headers["Accept"] == "application/vnd.pagerduty+json;version=2"
    assert request.args.getlist("include[]") == ["channels"] and request.args["time_zone"] == "UTC"
    return Response(json.dumps(PAGES[int(request.args["offset"])]), content_type="application/json")


def _connector(session, httpserver: HTTPServer, token: str = "s3cret", timeout: float = 5) -> PagerDutyConnector:
    return PagerDutyConnector(session, token=token, api_url=httpserver.url_for("/"), timeout=timeout)


def test_two_pages_are_followed_and_mapped(session, httpserver: HTTPServer):
    httpserver.expect_request(PATH).respond_with_handler(_pages)
    result = _connector(session, httpserver).import_incident("PXK7N2Q", INCIDENT, now=NOW)
    assert [(e.time.strftime("%H:%M:%S"), e.actor, e.event) for e in result.events] == [
        ("10:06:30", "System", "Page triggered: [FIRING:1] HighErrorRate checkout (critical)"),
        ("10:06:31", "System", "Notified Alice Ng by phone"),
        ("10:09:02", "Alice Ng", "Acknowledged by Alice Ng"),
        ("10:14:00", "Alice Ng", "Escalated to level 2 by Alice Ng"),
        ("10:14:01", "System", "Notified Bob Ortiz by push notification"),
        ("10:21:40", "Bob Ortiz", "Note: Rolled back checkout-api to v41; error rate dropping"),
        ("10:40:12", "Bob Ortiz", "Resolved by Bob Ortiz"),
    ]
    assert all((e.source, e.kind) == ("PagerDuty", EventKind.PAGE) for e in result.events)
    assert "https://acme.pagerduty.com/incidents/PXK7N2Q" in result.events[0].evidence
    assert len({e.id for e in result.events}) == 7
    source = result.source
    assert (source.kind, source.query, source.records_read, source.records_rejected) == (
        SourceKind.PAGING, "PXK7N2Q", 8, 0)  # the priority change is read, not an event
    assert source.covered is not None and source.covered.end == datetime(2024, 5, 1, 10, 40, 12, tzinfo=UTC)


def test_importing_twice_gives_the_same_event_ids(session, httpserver: HTTPServer):
    httpserver.expect_request(PATH).respond_with_handler(_pages)
    first = _connector(session, httpserver).import_incident("PXK7N2Q", INCIDENT, now=NOW)
    second = _connector(session, httpserver).import_incident("PXK7N2Q", INCIDENT, now=NOW)
    assert [e.id for e in first.events] == [e.id for e in second.events]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, {"error": {"message": "Unauthorized", "code": 2006}}, r"refused the request \(HTTP 401\): check the to"),
        (403, {"error": {"message": "Forbidden", "code": 2010}}, "check the token"),
        (404, {"error": {"message": "Not Found", "code": 2100}}, r"404\): check the address and ids\. \(Not Found\)"),
        (429, {"error": {"message": "Rate Limit Exceeded", "code": 2020}}, r"limiting requests \(HTTP 429\)"),
        (500, {"error": {"message": "Internal error"}}, r"server error \(HTTP 500\): try again later"),
        (503, "<html>maintenance</html>", r"server error \(HTTP 503\)"),
        (400, {"error": {"message": "Invalid Input Provided", "code": 2001, "errors": ["Offset must be >= 0"]}},
         "rejected the request .*Invalid Input Provided: Offset must be >= 0"),
    ],
)
def test_http_errors_in_plain_words(session, httpserver: HTTPServer, status: int, body: object, expected: str):
    text = json.dumps(body) if isinstance(body, dict) else str(body)
    httpserver.expect_request(PATH).respond_with_data(text, status=status, content_type="application/json")
    with pytest.raises(ConnectorError, match=expected):
        _connector(session, httpserver).import_incident("PXK7N2Q", INCIDENT, now=NOW)


def test_retry_after_is_passed_on(session, httpserver: HTTPServer):
    httpserver.expect_request(PATH).respond_with_data("{}", status=429, headers={"Retry-After": "30"})
    with pytest.raises(ConnectorError, match="try again in 30 s"):
        _connector(session, httpserver).import_incident("PXK7N2Q", INCIDENT, now=NOW)


def test_a_server_that_is_not_pagerduty(session, httpserver: HTTPServer):
    httpserver.expect_request(PATH).respond_with_data("<html>hello</html>", content_type="text/html")
    with pytest.raises(ConnectorError, match="did not answer with JSON"):
        _connector(session, httpserver).import_incident("PXK7N2Q", INCIDENT, now=NOW)
    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_json({"incidents": []})
    with pytest.raises(ConnectorError, match="did not answer with log entries"):
        _connector(session, httpserver).import_incident("PXK7N2Q", INCIDENT, now=NOW)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_timeout_is_named_in_plain_words(session, silent_server: str):
    connector = PagerDutyConnector(session, token="t", api_url=silent_server, timeout=0.3)
    with pytest.raises(ConnectorError, match=rf"did not answer within 0.3 s: is the server at {silent_server} reach"):
        connector.import_incident("PXK7N2Q", INCIDENT, now=NOW)


def test_a_bad_address_is_refused_before_any_request(session):
    with pytest.raises(ConnectorError, match="is not a server address"):
        PagerDutyConnector(session, token="t", api_url="api.pagerduty.com")


def test_a_runaway_pagination_stops_and_says_so(session, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("core.connectors.pagerduty.MAX_PAGES", 2)
    httpserver.expect_request(PATH).respond_with_json({**PAGES[0], "more": True})
    result = _connector(session, httpserver).import_incident("PXK7N2Q", INCIDENT, now=NOW)
    assert len(result.events) == 3  # the same page twice: same ids, the caller dedupes by id
    assert result.source.rejected_reasons[0].endswith("only the first 2 pages were read")


@pytest.mark.parametrize("url", ["api.pagerduty.com", "ftp://x", "http://[::1", ""])
def test_bad_addresses_are_refused(session, url: str):
    with pytest.raises(ConnectorError, match="is not a server address"):
        PagerDutyConnector(session, token="t", api_url=url)


def test_other_request_failures_name_the_server(session):
    connector = PagerDutyConnector(session, token="t", api_url="http://exa mple.com")
    with pytest.raises(ConnectorError, match="The server name exa mple.com could not be resolved: check the address"):
        connector.import_incident("PXK7N2Q", INCIDENT, now=NOW)
