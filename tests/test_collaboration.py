"""Two people editing one post-mortem at once, in two real browsers (Debian's Chromium).

Different fields from the same version both land, and each page shows the other's change with who made it;
the same field is refused naming it, with both texts, and nothing is lost.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.storage import engine
from tests.browser import chromium, streamlit_server, wait_for_app

PM_ID = "PM-2026-03-14"  # the demo incident
pytestmark = pytest.mark.browser


def type_area(page: Page, label: str, text: str) -> None:
    """Replace a text area's text and send it (Ctrl+Enter), as a person finishing an edit does."""
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Control+Enter")
    wait_for_app(page)


def name_myself(page: Page, name: str) -> None:
    box = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Your name or @handle")
    box.fill(name)
    box.press("Enter")
    wait_for_app(page)


def test_two_browsers_edit_different_fields_then_the_same_one(tmp_path):
    database = f"sqlite:///{tmp_path / 'app.db'}"
    with streamlit_server(database, seed_demo=True) as base, chromium() as browser:
        alice_context, bob_context = browser.new_context(), browser.new_context()
        alice, bob = alice_context.new_page(), bob_context.new_page()
        alice.goto(f"{base}/report?pm={PM_ID}")
        bob.goto(f"{base}/gather?pm={PM_ID}")
        for page, name in ((alice, "@alice"), (bob, "@bob")):
            wait_for_app(page)
            name_myself(page, name)

        # different fields from the same version: both land, and each page then shows the other's
        type_area(alice, "Lessons learned", "Connection pools need an alert before they run out.")
        type_area(bob, "Runbook used during the response (link or text)", "https://runbooks.example/db-pool")
        expect(bob.get_by_text("Updated with changes saved meanwhile: @alice changed Lessons learned")).to_be_visible()
        repo = engine.open_repository(database)
        stored = repo.get(PM_ID)
        assert stored.report.lessons == "Connection pools need an alert before they run out."
        assert stored.runbook == "https://runbooks.example/db-pool"

        # the same field from the same version: the second is refused naming it, with both texts
        bob.goto(f"{base}/report?pm={PM_ID}")
        wait_for_app(bob)
        type_area(alice, "Prevention", "Alice: pool alert at 80 % and a load test at twice the peak.")
        type_area(bob, "Prevention", "Bob: size the pool from measured peak traffic.")
        expect(bob.get_by_text("Two people changed the same thing.")).to_be_visible()
        expect(bob.get_by_text("Prevention was changed by @alice at")).to_be_visible()
        texts = bob.get_by_test_id("stText")
        expect(texts.filter(has_text="Alice: pool alert at 80 % and a load test at twice the peak.")).to_be_visible()
        expect(texts.filter(has_text="Bob: size the pool from measured peak traffic.")).to_be_visible()
        # what Bob typed is still in his box too: nothing is lost while he decides
        expect(bob.get_by_role("textbox", name="Prevention", exact=True)).to_have_value(
            "Bob: size the pool from measured peak traffic.")
        assert repo.get(PM_ID).report.prevention.startswith("Alice:")
        bob.get_by_role("button", name="Put mine in place of theirs").click()
        wait_for_app(bob)
        expect(bob.get_by_role("textbox", name="Prevention", exact=True)).to_have_value(
            "Bob: size the pool from measured peak traffic.")
        final = repo.get(PM_ID)
        assert final.report.prevention.startswith("Bob:") and final.runbook == "https://runbooks.example/db-pool"
        assert final.report.lessons.startswith("Connection pools")
        repo.close()
        alice_context.close()
        bob_context.close()
