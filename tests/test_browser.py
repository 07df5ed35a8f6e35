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


def test_an_uploaded_log_shows_candidate_events(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/gather?pm=PM-2026-03-14")
    wait_for_app(page)
    log = Path(__file__).resolve().parent.parent / "demo" / "telemetry" / "checkout-api.kubectl.log"
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(log))
    wait_for_app(page)
    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("checkout-api.kubectl.log: 709 records read")).to_be_visible(timeout=30000)
    expect(page.get_by_role("heading", name="Candidate events from the logs")).to_be_visible()
    candidates = page.get_by_test_id("stDataFrame").filter(has_text="First error")
    expect(candidates).to_be_visible()
    page.screenshot(path=str(SHOTS / "gather-candidates.png"), full_page=True)
    page.close()


def test_the_chart_renders_with_tooltips(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/timeline?pm=PM-2026-03-14")
    wait_for_app(page)
    chart = page.get_by_test_id("stVegaLiteChart").first
    drawing = chart.locator("svg.marks, canvas").first  # Vega draws with SVG in Streamlit, canvas elsewhere
    expect(drawing).to_be_visible(timeout=30000)
    box = drawing.bounding_box()
    assert box is not None and box["width"] > 300
    tooltip = page.locator("#vg-tooltip-element")
    shown = ""
    for height in (0.05, 0.1, 0.15, 0.2, 0.25):  # sweep the plot until a mark answers with its tooltip
        for step in range(60):
            page.mouse.move(box["x"] + 60 + step * (box["width"] - 120) / 60, box["y"] + box["height"] * height)
            page.wait_for_timeout(20)
            if tooltip.count() and "visible" in (tooltip.get_attribute("class") or ""):
                shown = tooltip.inner_text()
                break
        if shown:
            break
    assert "UTC" in shown, shown
    page.close()


def test_pdf_download_and_a_share_link_that_can_be_revoked(server, browser, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{server}/report?pm=PM-2026-03-14")
    wait_for_app(page)
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Download PDF").click()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "PM-2026-03-14.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")

    page.get_by_role("button", name="Create share link").click()
    wait_for_app(page)
    link = page.get_by_test_id("stCode").filter(has_text="/view?pm=").inner_text().strip()
    assert link.startswith(server)
    guest = browser.new_context().new_page()
    guest.goto(link)
    wait_for_app(guest)
    expect(guest.get_by_text("Read-only view of PM-2026-03-14")).to_be_visible()
    expect(guest.get_by_role("heading", name="Summary")).to_be_visible()
    assert guest.get_by_role("textbox").count() == 0
    guest.screenshot(path=str(SHOTS / "shared-view.png"), full_page=True)

    page.get_by_role("button", name="Revoke this link").click()
    wait_for_app(page)
    guest.reload()
    wait_for_app(guest)
    expect(guest.get_by_text("This link is no longer valid")).to_be_visible()
    expect(guest.get_by_role("heading", name="Summary")).to_have_count(0)
    guest.context.close()
    context.close()


def test_the_insights_page_draws_its_charts(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(server)
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Insights across post-mortems").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Insights across post-mortems")).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_contain_text("Post-mortems")
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.first.locator("svg.marks, canvas").first).to_be_visible(timeout=30000)
    assert charts.count() >= 3
    page.screenshot(path=str(SHOTS / "insights.png"), full_page=True)
    page.close()
