"""The review meeting in a real browser: a link that works from another machine, its QR code, presentation
mode paged with the keyboard, and a shared view that follows the facilitator's edits without a reload."""

from __future__ import annotations

import io
import re

import pytest
import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser import chromium, streamlit_server, wait_for_app

PM_ID = "PM-2026-03-14"  # the demo incident
pytestmark = pytest.mark.browser
SLIDES = ["What happened", "The incident at a glance", "The story", "Why it happened", "What we will change",
          "Checklist"]


def share_link(page: Page) -> str:
    page.get_by_role("button", name="Create share link").click()
    wait_for_app(page)
    code = page.get_by_test_id("stCode").filter(has_text="/view?").first
    return code.inner_text().strip()


def test_the_link_carries_the_address_in_use_and_its_qr_code_reads_back(tmp_path):
    with streamlit_server(f"sqlite:///{tmp_path / 'app.db'}", public_url=False) as base, chromium() as browser:
        port = base.rsplit(":", 1)[1]
        page = browser.new_page()
        page.goto(f"http://localhost:{port}/report?pm={PM_ID}")  # another address than the server's own
        wait_for_app(page)
        url = share_link(page)
        assert re.fullmatch(rf"http://localhost:{port}/view\?pm={PM_ID}&token=[\w-]{{43}}", url), url
        image = page.get_by_test_id("stImage").locator("img").first
        png = requests.get(f"http://localhost:{port}" + image.get_attribute("src").removeprefix(
            f"http://localhost:{port}"), timeout=10).content
        [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        assert decoded.text == url
        assert requests.get(url, timeout=10).ok


def test_presentation_mode_pages_through_every_section_with_the_keyboard(tmp_path):
    with streamlit_server(f"sqlite:///{tmp_path / 'app.db'}") as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/report?pm={PM_ID}")
        wait_for_app(page)
        url = share_link(page)
        meeting = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        meeting.goto(url + "&present=1")
        wait_for_app(meeting)
        for n, title in enumerate(SLIDES, start=1):
            expect(meeting.get_by_role("heading", name=title, exact=True)).to_be_visible()
            expect(meeting.get_by_text(f"{n} / {len(SLIDES)}")).to_be_visible()
            assert meeting.get_by_role("textbox").count() == 0  # nothing to edit
            if n < len(SLIDES):
                meeting.keyboard.press("ArrowRight")
                wait_for_app(meeting)
        assert "slide=6" in meeting.url  # the place in the presentation is kept in the address
        meeting.keyboard.press("ArrowLeft")
        wait_for_app(meeting)
        expect(meeting.get_by_role("heading", name=SLIDES[4], exact=True)).to_be_visible()
        meeting.reload()
        wait_for_app(meeting)
        expect(meeting.get_by_role("heading", name=SLIDES[4], exact=True)).to_be_visible()
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()  # and on a phone
        phone.goto(url + "&present=1&slide=2")
        wait_for_app(phone)
        expect(phone.get_by_role("heading", name=SLIDES[1], exact=True)).to_be_visible()


def test_an_open_view_shows_a_saved_edit_within_seconds_without_reload(tmp_path):
    with streamlit_server(f"sqlite:///{tmp_path / 'app.db'}") as base, chromium() as browser:
        facilitator = browser.new_page()
        facilitator.goto(f"{base}/report?pm={PM_ID}")
        wait_for_app(facilitator)
        url = share_link(facilitator)
        viewer = browser.new_context().new_page()
        viewer.goto(url)
        wait_for_app(viewer)
        expect(viewer.get_by_text(re.compile(r"updated \d+ (s|min) ago"))).to_be_visible()
        box = facilitator.get_by_role("textbox", name="Lessons learned", exact=True)
        box.fill("Every connection pool gets an alert at 80 % use.")
        box.press("Control+Enter")
        wait_for_app(facilitator)
        expect(viewer.get_by_text("Every connection pool gets an alert at 80 % use.")).to_be_visible(timeout=5000)
