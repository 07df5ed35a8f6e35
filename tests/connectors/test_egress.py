"""Where the server may fetch: public addresses only for ad-hoc URLs, one origin for a configured server, capped."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from core.connectors import egress, files, http
from core.connectors.errors import ConnectorError
from tests.listener import Listener, listening

TOKEN = "canary-T0ken-0123456789"  # noqa: S105
LOOPBACK = frozenset({"127.0.0.1"})


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as heard:
        yield heard


def adhoc(**caps) -> egress.GuardedSession:
    """The session of an address a visitor typed, as the app builds it."""
    return egress.GuardedSession(egress.EgressPolicy(**caps))


@pytest.mark.parametrize("address", [
    "http://127.0.0.1:{port}/x", "http://localhost:{port}/x", "http://[::1]:{port}/x", "http://0.0.0.0:{port}/x",
    "http://[::ffff:127.0.0.1]:{port}/x", "http://127.1:{port}/x", "http://2130706433:{port}/x",
    "http://user:pw@127.0.0.1:{port}/x", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
    "http://192.168.1.1/", "http://172.16.0.1/", "http://100.64.0.1/", "http://[fe80::1]/", "http://[fd00::1]/",
])
def test_an_address_a_visitor_types_may_not_be_loopback_private_or_link_local(listener, address):
    url = address.format(port=listener.port)
    with pytest.raises(egress.AddressRefusedError, match="private, loopback or link-local|not a web address"):
        adhoc(max_seconds=5).get(url, timeout=2)
    assert listener.received == []


@pytest.mark.parametrize("address", ["file:///etc/passwd", "ftp://example.com/x", "gopher://127.0.0.1:70/", "//x/y"])
def test_only_http_and_https_are_fetched(address):
    with pytest.raises(egress.AddressRefusedError, match="not an http"):
        adhoc().get(address, timeout=2)


def test_a_private_host_the_operator_allowed_by_name_is_fetched(httpserver: HTTPServer):
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    assert adhoc(allowed_hosts=frozenset({"localhost"})).get(
        f"http://localhost:{httpserver.port}/data", timeout=5).json() == {"ok": True}
    assert adhoc(allowed_hosts=frozenset({"127.0.0.0/8"})).get(httpserver.url_for("/data"), timeout=5).ok


def test_a_redirect_to_loopback_is_refused_after_every_hop(httpserver: HTTPServer, listener):
    # the allowed server is reached by name; its redirect to the listener's bare loopback address is not allowed
    httpserver.expect_request("/moved").respond_with_data("", status=302, headers={"Location": listener.url + "/x"})
    session = adhoc(allowed_hosts=frozenset({"localhost"}))
    with pytest.raises(egress.AddressRefusedError, match="loopback"):
        session.get(f"http://localhost:{httpserver.port}/moved", timeout=5)
    assert listener.received == []


def test_a_configured_server_sends_its_token_to_its_own_origin_only(httpserver: HTTPServer, listener):
    seen: list[str] = []

    def answer(request: Request) -> Response:
        seen.append(request.headers.get("Authorization", ""))
        return Response("", status=307, headers={"Location": listener.url + "/steal"})

    httpserver.expect_request("/api").respond_with_handler(answer)
    locked = egress.GuardedSession(egress.EgressPolicy.for_origin(httpserver.url_for("/")))
    with pytest.raises(egress.AddressRefusedError, match="not the configured server"):
        locked.get(httpserver.url_for("/api"), headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    with pytest.raises(egress.AddressRefusedError, match="not the configured server"):
        locked.get(listener.url + "/direct", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert seen == [f"Bearer {TOKEN}"]
    assert listener.received == []


def test_a_redirect_within_the_configured_server_is_followed(httpserver: HTTPServer):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_json([1, 2])
    locked = egress.GuardedSession(egress.EgressPolicy.for_origin(httpserver.url_for("/")))
    assert locked.get(httpserver.url_for("/old"), timeout=5).json() == [1, 2]


def test_the_connected_address_itself_is_checked_not_only_the_name(listener):
    # a name whose DNS answer changes after the check (rebinding) ends at the socket check: shown here by a
    # session that skips the URL check and goes straight to the guarded connection
    session = requests.Session()
    adapter = egress._adapter(egress.EgressPolicy())
    session.mount("http://", adapter)
    with pytest.raises(egress.AddressRefusedError, match="loopback"):
        session.get(listener.url + "/x", timeout=5)
    assert listener.received == []


def test_no_cookie_set_by_one_server_is_ever_sent_again(httpserver: HTTPServer):
    cookies: list[str] = []

    def answer(request: Request) -> Response:
        cookies.append(request.headers.get("Cookie", ""))
        return Response("{}", headers={"Set-Cookie": "session=abc123; Path=/"}, content_type="application/json")

    httpserver.expect_request("/c").respond_with_handler(answer)
    session = adhoc(allowed_hosts=LOOPBACK)
    for _ in range(3):
        session.get(httpserver.url_for("/c"), timeout=5)
    assert cookies == ["", "", ""]


def test_proxies_and_netrc_of_the_environment_are_ignored(httpserver: HTTPServer, monkeypatch, tmp_path):
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login admin password hunter2\n", encoding="utf-8")
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    httpserver.expect_request("/p").respond_with_json({})
    response = adhoc(allowed_hosts=LOOPBACK).get(httpserver.url_for("/p"), timeout=5)
    assert response.ok and "Authorization" not in httpserver.log[-1][0].headers


def test_an_answer_over_the_byte_cap_is_stopped(httpserver: HTTPServer):
    httpserver.expect_request("/big").respond_with_data(b"x" * 3_000_000)
    with pytest.raises(egress.LimitExceededError, match="more than 1 MB"):
        adhoc(allowed_hosts=LOOPBACK, max_bytes=1_000_000).get(httpserver.url_for("/big"), timeout=5)


def test_a_compressed_answer_is_capped_by_its_size_after_decompression(httpserver: HTTPServer):
    bomb = gzip.compress(b"0" * 50_000_000)  # ~50 KB on the wire
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(egress.LimitExceededError, match="after decompression"):
        adhoc(allowed_hosts=LOOPBACK, max_bytes=1_000_000).get(httpserver.url_for("/bomb"), timeout=5)


def test_a_trickling_server_is_stopped_by_the_total_time_cap(httpserver: HTTPServer):
    def trickle(_request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(40):
                time.sleep(0.25)
                yield b"x"
        return Response(body(), content_type="text/plain")

    httpserver.expect_request("/slow").respond_with_handler(trickle)
    with pytest.raises(egress.LimitExceededError, match="took longer than 1 s"):
        adhoc(allowed_hosts=LOOPBACK, max_seconds=1).get(httpserver.url_for("/slow"), timeout=5)


def test_a_download_over_the_cap_leaves_no_file_and_says_why(httpserver: HTTPServer):
    httpserver.expect_request("/app.log").respond_with_data(b"2026-03-14T14:00:00Z ERROR x\n" * 100_000)
    with pytest.raises(ConnectorError, match="the cap for one answer"):
        files.download(adhoc(allowed_hosts=LOOPBACK, max_bytes=100_000), httpserver.url_for("/app.log"))
    with files.download(adhoc(allowed_hosts=LOOPBACK), httpserver.url_for("/app.log")) as spool:
        assert spool.read().count(b"\n") == 100_000


def test_credentials_in_an_address_are_never_shown_or_stored():
    assert egress.redact("https://alice:s3cret@prom.example.com:9090/api?token=abc#x") == \
        "https://prom.example.com:9090/api"
    with pytest.raises(ConnectorError) as refused:
        http.base_url("ftp://alice:s3cret@prom.example.com")
    assert "s3cret" not in str(refused.value)
