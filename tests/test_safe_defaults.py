"""Safe by default: the server listens on loopback unless told otherwise, and no other site can frame it.

Threat: `streamlit run` typed by hand listened on every interface, so anyone on the network could edit,
publish and revoke; and any site could show the wizard in a frame and trick a signed-in person into clicks.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import requests
from pytest_httpserver import HTTPServer

from tests.browser import chromium, free_port, streamlit_server


def listening_addresses(port: int) -> set[str]:
    """Return the local addresses with a TCP socket listening on ``port`` (from the kernel's tables)."""
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text(encoding="ascii").splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            host, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(host)
            # the kernel prints each 32-bit word in host byte order
            words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(str(ipaddress.ip_address(socket.inet_ntop(family, words))))
    return found


def test_the_app_listens_on_loopback_only_unless_the_operator_says_otherwise(tmp_path):
    port = free_port()
    with streamlit_server(f"sqlite:///{tmp_path / 'app.db'}", seed_demo=False, port=port, address=None) as url:
        assert requests.get(f"{url}/_stcore/health", timeout=5).text == "ok"
        assert listening_addresses(port) == {"127.0.0.1"}


def test_every_page_forbids_framing_and_no_other_site_can_frame_it(tmp_path, httpserver: HTTPServer):
    with streamlit_server(f"sqlite:///{tmp_path / 'app.db'}", seed_demo=True) as url:
        for path in ("/", "/report?pm=PM-2026-03-14", "/view?pm=PM-2026-03-14&token=x", "/_stcore/health"):
            headers = requests.get(url + path, timeout=10).headers
            assert headers["Content-Security-Policy"] == "frame-ancestors 'none'", path
            assert headers["X-Frame-Options"] == "DENY", path
            assert headers["Referrer-Policy"] == "same-origin", path
        # an attacker's page on another origin (localhost is another origin than 127.0.0.1)
        httpserver.expect_request("/evil").respond_with_data(
            f'<html><body><h1>Win a prize</h1><iframe id="f" src="{url}/" width="800" height="600"></iframe>'
            "</body></html>", content_type="text/html")
        with chromium() as browser:
            page = browser.new_page()
            page.goto(f"http://localhost:{httpserver.port}/evil")
            page.wait_for_timeout(3000)
            framed = [f for f in page.frames if f != page.main_frame]
            assert framed, "the attacker's iframe should exist"
            assert all("Postmortem Wizard" not in (f.title() + f.content()) for f in framed)
            # the same app opened directly renders
            page.goto(url)
            page.get_by_text("Post-mortems").first.wait_for(timeout=30_000)
