"""Real-browser tests of the public version, the drafts and similar incidents on the demo post-mortem."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.browser import chromium, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser-public") / "app.db"
    with streamlit_server(f"sqlite:///{db}") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def test_the_public_pdf_names_people_by_role(server, browser, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{server}/report?pm=PM-2026-03-14")
    wait_for_app(page)
    page.get_by_text("Review and download the public version").click()
    wait_for_app(page)
    expect(page.get_by_text("replacements to review")).to_be_visible(timeout=30000)
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Download public PDF").click()
    saved = tmp_path / "public.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "PM-2026-03-14-public.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages)
    assert "on-call engineer" in text and "@maria" not in text and "@dan" not in text
    context.close()


def test_an_emptied_summary_is_drafted_from_the_data_and_accepted(server, browser):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{server}/report?pm=PM-2026-03-14")
    wait_for_app(page)
    summary = page.get_by_role("textbox", name="Summary", exact=True)
    summary.fill("")
    summary.press("Control+Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Draft from the data").click()
    wait_for_app(page)
    expect(page.get_by_role("textbox", name="Summary", exact=True)).to_have_value(
        re.compile(r"On Saturday 14 March, from 14:02 to 14:19 UTC \(17 min\), up to 56 %"),
        timeout=30000)
    page.get_by_text("Where each number comes from").click()
    expect(page.get_by_text("impact start milestone: event E005", exact=False)).to_be_visible()
    page.get_by_role("button", name="Accept the draft").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Accept the draft")).to_have_count(0, timeout=30000)
    page.context.close()


def test_the_factors_step_looks_for_similar_incidents(server, browser):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{server}/factors?pm=PM-2026-03-14")
    wait_for_app(page)
    page.get_by_text("Show similar past incidents").click()
    wait_for_app(page)
    expect(page.get_by_text("No earlier post-mortem shares")).to_be_visible(timeout=30000)
    page.context.close()
