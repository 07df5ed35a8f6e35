"""Real-browser tests: Debian's Chromium driven by Playwright against `streamlit run`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import chromium, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "app.db"
    with streamlit_server(f"sqlite:///{db}") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def test_the_demo_postmortem_survives_sidebar_navigation_reload_and_a_second_browser(server, browser):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Postmortem Wizard")).to_be_visible()
    demo_link = page.get_by_role("link", name="PM-2026-03-14")
    expect(demo_link).to_be_visible()
    demo_link.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="1. Incident")).to_be_visible()
    assert "pm=PM-2026-03-14" in page.url

    page.get_by_test_id("stSidebar").get_by_role("link", name="3. Timeline").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="3. Timeline")).to_be_visible()
    assert page.url.startswith(f"{server}/timeline") and "pm=PM-2026-03-14" in page.url
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    page.screenshot(path=str(SHOTS / "timeline.png"), full_page=True)

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="3. Timeline")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("PM-2026-03-14")).to_be_visible()

    other = browser.new_context().new_page()
    other.goto(page.url)
    wait_for_app(other)
    expect(other.get_by_role("heading", name="3. Timeline")).to_be_visible()
    expect(other.get_by_test_id("stSidebar").get_by_text("PM-2026-03-14")).to_be_visible()
    other.context.close()
    context.close()


def test_an_edit_in_the_browser_is_saved_and_seen_by_another_browser(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/incident?pm=PM-2026-03-14")
    wait_for_app(page)
    services = page.get_by_label("Affected services (comma-separated)")
    services.fill("checkout, payments-db, search")
    services.press("Enter")
    wait_for_app(page)
    other = browser.new_page()
    other.goto(f"{server}/incident?pm=PM-2026-03-14")
    wait_for_app(other)
    expect(other.get_by_label("Affected services (comma-separated)")).to_have_value("checkout, payments-db, search")
    page.close()
    other.close()
