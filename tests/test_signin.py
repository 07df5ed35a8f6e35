"""Optional sign-in against a real OpenID Connect provider process (oidc-provider-mock), in Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import expect

from core import demo
from core.storage import engine
from tests.browser import chromium, free_port, streamlit_server, wait_for_app
from tests.factories import NOW

pytestmark = pytest.mark.browser
ALICE = {"sub": "alice", "name": "Alice Example", "email": "alice@example.com"}


@pytest.fixture
def provider() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--user-claims", json.dumps(ALICE)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{url}/.well-known/openid-configuration", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the OpenID provider did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_editing_needs_sign_in_and_share_links_do_not(provider, tmp_path):
    db = f"sqlite:///{tmp_path / 'app.db'}"
    repo = engine.open_repository(db)
    pm = demo.seed_if_empty(now=NOW, repo=repo)
    assert pm is not None
    link = repo.create_share_link(pm.id, actor="t", now=NOW)
    repo.close()
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-string-for-the-test-cookie"\n'
        'client_id = "postmortem-wizard"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    with streamlit_server(db, seed_demo=False, port=port, args=[f"--secrets.files={secrets}"]) as base, \
            chromium() as browser:
        context = browser.new_context()
        context.route("https://**/*", lambda route: route.abort())  # the provider's page links a CDN stylesheet
        page = context.new_page()
        page.goto(f"{base}/incident?pm={pm.id}")
        wait_for_app(page)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        expect(page.get_by_role("textbox", name="Incident title")).to_have_count(0)

        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{provider}/**", timeout=30000)
        page.locator("input[name=sub]").fill("alice")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{base}/**", timeout=30000)
        wait_for_app(page)
        page.goto(f"{base}/incident?pm={pm.id}")
        wait_for_app(page)
        expect(page.get_by_text("Signed in as Alice Example")).to_be_visible(timeout=30000)
        title = page.get_by_role("textbox", name="Incident title")
        title.fill("Checkout outage after release v2.3.0")
        title.press("Enter")
        wait_for_app(page)

        guest = browser.new_context().new_page()
        guest.goto(f"{base}/view?pm={pm.id}&token={link.token}")
        wait_for_app(guest)
        expect(guest.get_by_text(f"Read-only view of {pm.id}")).to_be_visible()
        expect(guest.get_by_role("button", name="Sign in")).to_have_count(0)
        guest.context.close()
        context.close()
    repo = engine.open_repository(db)
    assert repo.get(pm.id).title == "Checkout outage after release v2.3.0"
    assert repo.audit(pm.id)[0].actor == "Alice Example"
    repo.close()
