"""A newcomer walks the whole wizard in Chromium: from nothing to a published report and tracked action items.

One test, in the order a facilitator works: create the post-mortem, upload the demo telemetry, build the
timeline, analyse, write actions, write and publish the report (with a blaming sentence caught and fixed),
share it, then create the GitHub issues on a fake GitHub and download the review calendar. It runs against
`streamlit run` on a fresh, empty SQLite database and asserts on what the browser shows at every step.
A screenshot of each step lands in test-output/walkthrough/.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader
from pytest_httpserver import HTTPServer

from core.gates import GATES, GateKind
from core.models import Status
from core.steps import Step
from core.storage import engine
from tests.browser import ROOT, chromium, streamlit_server, wait_for_app
from tests.trackers.conftest import TOKEN, FakeGitHub

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "walkthrough"
TELEMETRY = ROOT / "demo" / "telemetry"
UPLOADS = ("nginx-access.log", "checkout-api.kubectl.log", "prometheus-query_range.json", "alerts-history.json",
           "pagerduty-log-entries.json", "app.jsonl")
PM_ID = "PM-2026-03-14"  # the id comes from the incident's start date
TIMEOUT = 30_000  # ms: generous for one rerun on a loaded 2-core machine, bounded so a hang fails fast
ROW_PX = 35  # glide-data-grid row height (and header height) in Streamlit's data editor

WHYS = (
    "Every checkout-api pod held its DB connections for seconds waiting on orders.recent_by_email.",
    "The query added in v2.3.0 scans the whole orders table.",
    "The index it needs only matters with production-sized data, which staging does not have.",
    "Load tests run against a small staging database, so the slow plan was never seen before release.",
    "There is no pre-deployment query-plan review for queries on large tables.",
)
REPORT = {
    "Summary": "For 17 minutes on 14 March 2026 checkout requests failed with 5xx errors after release v2.3.0 "
               "exhausted the checkout-api database connection pool. Rolling back to v2.2.4 restored service; "
               "no data was lost.",
    "Impact": "About 1,200 checkout requests failed, 488 of them at the edge during the peak burst; checkout was "
              "unavailable for 17 minutes.",
    "Root cause": "v2.3.0 added the orders.recent_by_email query, which scans the orders table. Each call held a "
                  "pooled connection for seconds, so the pool (max 20) ran dry and requests timed out.",
    "What went well": "The HighErrorRate alert paged within 2 minutes and the page was acknowledged in under 2 "
                      "minutes; the rollback was quick.",
}
BLAMING = "Bob caused the outage by shipping the query without a review."
BLAMELESS = ("A query can reach production without a query-plan review, and load tests on small data sets cannot "
             "show a slow plan.")


# --- what the browser shows ------------------------------------------------------------------------------


def shot(page: Page, name: str) -> None:
    """Save a screenshot of the whole page (Streamlit scrolls inside its own container, so grow the window)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 12000))})
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)
    page.wait_for_timeout(300)


def heading(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", name=text, exact=True)


def sidebar_step(page: Page, step: Step) -> Locator:
    """The sidebar's caption under ``step``: "done", what is still to do, or "blocked by an earlier step"."""
    return page.get_by_test_id("stSidebar").get_by_role("link", name=step.label).locator(
        "xpath=ancestor::*[@data-testid='stElementContainer'][1]/following-sibling::*[1]")


def expect_checklist_passes(page: Page, step: Step) -> None:
    """Every hard gate of ``step`` is listed as passed (no red item), and Next step is enabled."""
    expect(heading(page, "Checklist for this step")).to_be_visible()
    main = page.get_by_test_id("stMain")
    for gate in GATES:
        if gate.step is step and gate.kind is GateKind.HARD:
            expect(main.locator("p").filter(has_text=re.compile(rf"^check_circle {re.escape(gate.title)}$"))
                   ).to_be_visible()
    expect(main.get_by_test_id("stAlertContentError")).to_have_count(0)
    following = step.next()
    if following is not None:
        expect(page.get_by_role("button", name=f"Next step: {following.label} →")).to_be_enabled()


def next_step(page: Page, step: Step) -> None:
    """Press "Next step" and land on the following step's page."""
    following = step.next()
    assert following is not None
    page.get_by_role("button", name=f"Next step: {following.label} →").click()
    wait_for_app(page)
    expect(heading(page, following.label)).to_be_visible(timeout=TIMEOUT)
    assert f"/{following.value}?pm={PM_ID}" in page.url


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app(page)


def type_into(page: Page, label: str, text: str, *, key: str = "Tab") -> None:
    """Fill a text input or area and leave it, which sends the value to the app."""
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press(key)
    wait_for_app(page)


def type_date(page: Page, label: str, digits: str) -> None:
    """Type into Streamlit's segmented date(-time) field, segment by segment from the year, and leave it.

    The value is sent when focus leaves the widget: the first Tab only reaches its calendar button.
    """
    page.get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(digits)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")


# --- the data editor (glide-data-grid draws on a canvas; an accessible table mirrors the visible cells) ----


def cell(grid: Locator, row: int, col: int) -> Locator:
    """The accessible mirror of a visible cell; ``col`` counts the row-marker column of editable tables."""
    return grid.get_by_test_id(f"glide-cell-{col}-{row}")


def goto_cell(page: Page, grid: Locator, row: int, col: int, *, first_col: int = 1, x: int = 60) -> None:
    """Select a cell: click the row's first column, then walk right with the arrow keys.

    ``first_col`` is 1 when the table has a row-marker column (tables where rows can be added), else 0;
    ``x`` is a point inside the first column. The selection is checked on the accessible mirror.
    """
    first, target = cell(grid, row, first_col), cell(grid, row, col)
    for _ in range(4):
        wait_for_app(page)
        grid.evaluate("e => e.scrollIntoView({block: 'center'})")
        grid.locator(".dvn-scroller").evaluate("e => { e.scrollLeft = 0 }")
        page.wait_for_timeout(200)
        box = grid.get_by_test_id("data-grid-canvas").bounding_box()
        assert box is not None
        y = box["y"] + ROW_PX * (row + 1) + ROW_PX / 2
        if first_col == 1 and first.get_attribute("aria-selected") == "true":
            page.mouse.click(box["x"] + 15, y)  # select the row first: a click on a selected cell opens its editor
        page.mouse.click(box["x"] + x, y)
        try:
            expect(first).to_have_attribute("aria-selected", "true", timeout=2000)
        except AssertionError:
            continue  # the first click after an editor closed, or during a rerun, may only focus the grid
        for _ in range(col - first_col):
            page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
        if target.count():  # the mirror lags after the grid scrolls sideways; the keys themselves are reliable
            expect(target).to_have_attribute("aria-selected", "true")
        return
    raise AssertionError(f"could not select row {row}, column {col} of the table")


def open_editor(page: Page, grid: Locator, row: int, col: int, **where: int) -> Locator:
    """Open the cell editor (Enter) and return the overlay holding it."""
    goto_cell(page, grid, row, col, **where)
    page.keyboard.press("Enter")
    overlay = page.get_by_test_id("portal")
    expect(overlay.locator(".gdg-input, input")).to_have_count(1, timeout=5000)
    return overlay


def edit_text(page: Page, grid: Locator, row: int, col: int, text: str, **where: int) -> None:
    """Type a text cell; Tab commits it (Enter would move into the "add row" row and append one)."""
    box = open_editor(page, grid, row, col, **where).locator(".gdg-input")
    box.fill(text)
    box.press("Tab")
    wait_for_app(page)


def edit_date(page: Page, grid: Locator, row: int, col: int, day: str) -> None:
    picker = open_editor(page, grid, row, col).get_by_test_id("date-picker-cell")
    picker.fill(day)
    picker.press("Tab")
    wait_for_app(page)


def choose(page: Page, grid: Locator, row: int, col: int, *options: str) -> None:
    """Pick one option of a select cell, or several of a multiselect cell (Tab commits those)."""
    overlay = open_editor(page, grid, row, col)
    for n, option in enumerate(options):
        if n:
            page.keyboard.press("ArrowDown")  # the menu closes after each pick: open it again
        overlay.get_by_role("option", name=option, exact=True).click()
    if len(options) > 1 or overlay.locator(".gdg-input, input").count():
        page.keyboard.press("Tab")
    wait_for_app(page)


def toggle(page: Page, grid: Locator, row: int, col: int, **where: int) -> None:
    """Tick or untick a checkbox cell (Space on the selected cell)."""
    goto_cell(page, grid, row, col, **where)
    page.keyboard.press(" ")
    wait_for_app(page)


def add_row(page: Page, grid: Locator, rows: int) -> None:
    """Append a row to a table that has ``rows`` rows, by clicking the empty row at its bottom."""
    wait_for_app(page)
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    grid.locator(".dvn-scroller").evaluate("e => { e.scrollLeft = 0 }")
    page.wait_for_timeout(200)
    box = grid.get_by_test_id("data-grid-canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 60, box["y"] + ROW_PX * (rows + 1) + ROW_PX / 2)
    expect(grid.locator("tbody tr")).to_have_count(rows + 1)
    wait_for_app(page)


# --- the walk ------------------------------------------------------------------------------------------------


def create_postmortem(page: Page, base: str) -> None:
    page.goto(base)
    wait_for_app(page)
    expect(heading(page, "Postmortem Wizard")).to_be_visible()
    expect(page.get_by_text("There are no post-mortems yet.")).to_be_visible()
    type_into(page, "Your name or @handle", "@alice", key="Enter")

    page.get_by_test_id("stExpander").get_by_text("Start a new post-mortem").click()
    page.get_by_role("textbox", name="Incident title").fill("Checkout errors after release v2.3.0")
    type_date(page, "Incident start (UTC)", "202603141400")
    type_date(page, "Incident end (UTC)", "202603141530")
    page.get_by_role("combobox", name="Severity").click()
    page.get_by_role("option", name=re.compile(r"^P1 ")).click()
    page.get_by_role("combobox", name="Type").click()
    page.get_by_role("option", name="Outage", exact=True).click()
    page.get_by_role("textbox", name="Affected services (comma-separated)").fill("checkout, payments-db")
    shot(page, "1-home-new-postmortem")
    press(page, "Create post-mortem")

    expect(heading(page, Step.INCIDENT.label)).to_be_visible(timeout=TIMEOUT)
    assert f"/incident?pm={PM_ID}" in page.url
    expect(page.get_by_text(f"Post-mortem {PM_ID} created.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Incident title")).to_have_value("Checkout errors after release v2.3.0")
    expect(page.get_by_role("group", name="Start (UTC)")).to_contain_text("2026/03/14, 14:00")
    expect(page.get_by_role("group", name="End (UTC)")).to_contain_text("2026/03/14, 15:30")
    expect(page.get_by_text("Duration: 1 h 30 min.")).to_be_visible()
    expect(sidebar_step(page, Step.INCIDENT)).to_have_text("done")
    expect_checklist_passes(page, Step.INCIDENT)
    shot(page, "1-incident")
    next_step(page, Step.INCIDENT)


def upload(page: Page, name: str) -> None:
    """Upload one telemetry file through the file uploader and import it; the import message names it."""
    previous = page.get_by_test_id("stFileChipDeleteBtn")
    if previous.count():
        # remove the last file first: letting the uploader replace it sends its DELETE and the new PUT at
        # once, and about one time in five the uploader ends up empty (see the report)
        previous.click()
        expect(page.get_by_test_id("stFileChip")).to_have_count(0)
        wait_for_app(page)
    with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url and r.request.method == "PUT",
                              timeout=TIMEOUT):
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(TELEMETRY / name)
    expect(page.get_by_test_id("stFileChipName")).to_have_attribute("title", name)
    wait_for_app(page)
    press(page, "Import")
    notice = page.get_by_test_id("stAlertContentSuccess").filter(has_text=f"{name}: ")
    expect(notice).to_contain_text(re.compile(rf"^{re.escape(name)}: [\d,]+ records read"), timeout=60_000)


def gather(page: Page) -> None:
    expect(page.get_by_text("Logs, metrics and alerts are required")).to_be_visible()
    expect(page.get_by_text("No open candidates.")).to_be_visible()
    for name in UPLOADS:
        upload(page, name)
        expect(page.get_by_text(re.compile(rf"{re.escape(name)} — [\d,]+ records"))).to_be_visible()
    main = page.get_by_test_id("stMain")
    for required in ("Logs (required)", "Metrics (required)", "Alerts (required)", "Paging"):
        expect(main.locator("p").filter(has_text=re.compile(rf"^check_circle {re.escape(required)}$"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"pagerduty-log-entries\.json — 7 records"))).to_be_visible()

    expect(heading(page, "Candidate events from the logs")).to_be_visible()
    candidates = page.get_by_test_id("stDataFrame").filter(has_text="First seen (UTC)")
    expect(candidates).to_contain_text("main: Starting checkout-api v2.3.0")
    expect(candidates).to_contain_text("First error: db.pool: connection pool exhausted")
    wanted = ("main: Starting checkout-api v2.3.0", "First error: db.pool: connection pool exhausted")
    rows = [r for r in range(8) if cell(candidates, r, 2).inner_text().startswith(wanted)]
    assert len(rows) == 2, [cell(candidates, r, 2).inner_text() for r in range(8)]
    for n, row in enumerate(rows, start=1):  # no row markers here: the Pick checkbox is column 0
        toggle(page, candidates, row, 0, first_col=0, x=6)
        expect(page.get_by_role("button", name=f"Add {n} to the timeline")).to_be_enabled()
    shot(page, "2-gather-candidates-picked")
    press(page, "Add 2 to the timeline")
    expect(page.get_by_role("button", name="Add 0 to the timeline")).to_be_disabled()
    expect(candidates).not_to_contain_text("main: Starting checkout-api v2.3.0")
    expect(sidebar_step(page, Step.GATHER)).to_have_text("done")
    expect_checklist_passes(page, Step.GATHER)
    shot(page, "2-gather")
    next_step(page, Step.GATHER)


def build_timeline(page: Page) -> None:
    events = page.get_by_test_id("stDataFrame").filter(has_text="Time (UTC)")
    expect(events).to_contain_text("main: Starting checkout-api v2.3.0 (commit 9f3c2ab)")  # promoted in step 2
    expect(events).to_contain_text("HighErrorRate firing")  # from the alert history
    expect(page.get_by_test_id("stVegaLiteChart")).to_be_visible()
    suggested = page.get_by_text("Suggested milestones")
    expect(suggested).to_be_visible()
    for milestone in ("Impact start", "Detected", "Acknowledged", "Mitigated", "Resolved"):
        expect(page.get_by_test_id("stMain").get_by_text(re.compile(rf"^{milestone} at \d\d:\d\d:\d\d UTC"))
               ).to_be_visible()
    shot(page, "3-timeline-suggestions")
    press(page, "Accept these milestones")
    expect(suggested).to_have_count(0)
    for name in ("Time to detect:", "Time to acknowledge:", "Time to mitigate:", "Time to resolve:"):
        expect(page.get_by_text(name)).to_be_visible()
    expect(page.get_by_text("The problem was detected 1 min 58 s after impact began.")).to_be_visible()

    # star the deploy for the report, and rewrite an error signature in plain words
    events = page.get_by_test_id("stDataFrame").filter(has_text="Time (UTC)")
    expect(cell(events, 0, 2)).to_have_text(re.compile(r"^main: Starting checkout-api v2\.3\.0"))
    toggle(page, events, 0, 7)  # time, event, source, actor, milestone, kind, ★ In report (checked in the report)
    expect(cell(events, 1, 2)).to_have_text(re.compile(r"^First error: db\.pool"))
    edit_text(page, events, 1, 2, "First error: connection pool exhausted (max 20), requests waiting")
    expect(cell(events, 1, 2)).to_have_text("First error: connection pool exhausted (max 20), requests waiting")
    expect(sidebar_step(page, Step.TIMELINE)).to_have_text("done")
    expect_checklist_passes(page, Step.TIMELINE)
    shot(page, "3-timeline")
    next_step(page, Step.TIMELINE)


def analyse(page: Page) -> None:
    expect(page.get_by_text("Focus on systems, never on people.")).to_be_visible()
    type_into(page, "Immediate cause",
              "The checkout-api DB connection pool (max 20) was exhausted by a slow query shipped in v2.3.0.")

    factors = page.get_by_test_id("stDataFrame").first  # ID, Category, Factor, Evidence, …
    add_row(page, factors, 0)
    choose(page, factors, 0, 2, "Testing gap")
    edit_text(page, factors, 0, 3, "Load tests did not exercise the new orders.recent_by_email query.")
    expect(cell(factors, 0, 1)).to_have_text("F1")
    add_row(page, factors, 1)
    choose(page, factors, 1, 2, "Monitoring gap")
    edit_text(page, factors, 1, 3, "DB pool utilisation had no alert; only the 5xx ratio paged.")
    expect(cell(factors, 1, 1)).to_have_text("F2")
    expect(cell(factors, 1, 2)).to_have_text("Monitoring gap")
    page.get_by_text("Fishbone view: factors by category").click()
    fishbone = page.get_by_test_id("stExpander").filter(has_text="Fishbone view")
    expect(fishbone.get_by_text("Testing gap", exact=True)).to_be_visible()
    expect(fishbone.get_by_text("Monitoring gap", exact=True)).to_be_visible()

    type_into(page, "Starting question", "Why did checkout fail for 17 minutes?", key="Enter")
    asked = "Why did checkout fail for 17 minutes?"
    for n, answer in enumerate(WHYS, start=1):
        # each answer becomes the next question the page asks
        box = page.get_by_role("textbox", name=f"Why? ({n}) — {asked}", exact=True)
        expect(box).to_be_visible()
        box.fill(answer)
        box.press("Enter")
        wait_for_app(page)
        asked = answer
    expect(page.get_by_role("textbox", name=re.compile(r"^Why\? \(6\)"))).to_have_count(0)
    expect(page.get_by_role("textbox", name="Stopping before five? Say why")).to_have_count(0)

    systemic = page.get_by_test_id("stDataFrame").filter(has_text="Organisational or process gap")
    add_row(page, systemic, 0)
    edit_text(page, systemic, 0, 1, "No pre-deployment query-plan review for queries on large tables.")
    expect(cell(systemic, 0, 1)).to_have_text("No pre-deployment query-plan review for queries on large tables.")
    expect(sidebar_step(page, Step.FACTORS)).to_have_text("done")
    expect_checklist_passes(page, Step.FACTORS)
    shot(page, "4-factors")
    next_step(page, Step.FACTORS)


def plan_actions(page: Page, today: datetime) -> None:
    expect(page.get_by_text("Factors: F1 Testing gap")).to_be_visible()
    items = (  # action, owner, days to the deadline, priority, factors, done when
        ("Add a DB pool utilisation alert at 80 % to the checkout-api Prometheus rules", "@dan", 14, "High",
         ("F2",), "The alert fires in staging when the pool is held at 16 of 20 connections."),
        ("Run the checkout load test against a production-sized copy of the orders table before each release",
         "@maria", 28, "Medium", ("F1",), "The release pipeline fails when the load test's p99 exceeds 500 ms."),
        ("Add an EXPLAIN check for new queries on tables over 1 million rows to the checkout-api CI pipeline",
         "@sam", 42, "Medium", ("F1", "F2"), "CI rejects a sequential scan on the orders table."),
    )
    actions = page.get_by_test_id("stDataFrame").first  # ID, Action, Owner, Deadline, Priority, Type, Factors, Done
    for row, (action, owner, days, priority, factor_ids, done_when) in enumerate(items):
        add_row(page, actions, row)
        edit_text(page, actions, row, 2, action)
        expect(cell(actions, row, 1)).to_have_text(f"AI-00{row + 1}")  # numbered when saved
        edit_text(page, actions, row, 3, owner)
        edit_date(page, actions, row, 4, (today + timedelta(days=days)).date().isoformat())
        choose(page, actions, row, 5, priority)
        choose(page, actions, row, 7, *factor_ids)
        edit_text(page, actions, row, 8, done_when)
    for row, (action, owner, *_) in enumerate(items):
        expect(cell(actions, row, 2)).to_have_text(action)
        expect(cell(actions, row, 3)).to_have_text(owner)
    vague = page.get_by_test_id("stMain").get_by_test_id("stAlertContentWarning").filter(
        has_text=re.compile(r"AI-\d{3} “"))
    expect(vague).to_have_count(0)  # no "too vague" finding on any item
    expect(sidebar_step(page, Step.ACTIONS)).to_have_text("done")
    expect_checklist_passes(page, Step.ACTIONS)
    shot(page, "5-actions")
    next_step(page, Step.ACTIONS)


PREVENTION_LIVE = "Pool alerts at 80 % and a load test at twice the peak keep this from recurring."


def write_report(page: Page, browser: Browser, tmp_path: Path, today: datetime) -> None:
    press(page, "Draft from the data")  # a first Summary and Impact from the data, marked as a draft
    summary = page.get_by_role("textbox", name="Summary", exact=True)
    expect(summary).to_have_value(re.compile(r"^\[Draft from the data"))
    expect(summary).to_have_value(re.compile(r"from 14:0\d to 14:\d\d UTC"))
    expect(page.get_by_text("Where each number comes from").first).to_be_visible()
    shot(page, "6-report-draft")
    for label, text in REPORT.items():
        type_into(page, label, text)
    type_into(page, "Lessons learned", BLAMING)
    finding = page.get_by_test_id("stMain").get_by_text(re.compile(r"^Lessons learned: “…Bob caused…” — It names a "
                                                                   r"person as the cause"))
    expect(finding).to_be_visible()
    expect(page.get_by_role("button", name="Dismiss this finding")).to_be_visible()
    expect(page.get_by_text("Blameless language — 1 blameless-language finding(s)")).to_be_visible()
    shot(page, "6-report-blaming-finding")
    type_into(page, "Lessons learned", BLAMELESS)
    expect(finding).to_have_count(0)
    expect(page.get_by_text("No blaming or hindsight wording found in the post-mortem.")).to_be_visible()

    type_into(page, "Reviewer(s), comma-separated", "@maria, @sam", key="Enter")
    type_date(page, "Review date", today.strftime("%Y%m%d"))
    wait_for_app(page)
    expect(page.get_by_role("group", name="Review date")).to_contain_text(today.strftime("%Y/%m/%d"))
    expect_checklist_passes(page, Step.REPORT)
    press(page, "Publish the report")
    expect(page.get_by_text("The report is published. Next: track the action items.")).to_be_visible(
        timeout=90_000)
    expect(page.get_by_text(re.compile(r"^Published on \d{4}-\d\d-\d\d \d\d:\d\d UTC"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Version 1 published"))).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Status: Published")

    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Download PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == f"{PM_ID}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Checkout errors after release v2.3.0" in text and "AI-003" in text and "Bob caused" not in text

    press(page, "Create share link")
    link = page.get_by_test_id("stCode").filter(has_text="/view?pm=").inner_text().strip()
    assert link.startswith(f"{page.url.split('/report')[0]}/view?pm={PM_ID}&token=")
    shot(page, "6-report")
    guest_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    guest_context.route("https://**/*", lambda route: route.abort())
    guest = guest_context.new_page()
    guest.goto(link)
    wait_for_app(guest)
    expect(guest.get_by_text(f"Read-only view of {PM_ID}")).to_be_visible()
    for section in ("Summary", "Impact", "Root Cause", "Action Items", "Lessons Learned"):
        expect(heading(guest, section)).to_be_visible()
    expect(guest.get_by_text(BLAMELESS)).to_be_visible()
    timeline = guest.get_by_role("table").filter(has_text="Starting checkout-api v2.3.0")  # starred in step 3
    expect(timeline).to_be_visible()
    expect(timeline).not_to_contain_text("Notified Maria Lopez by SMS")  # neither starred nor a milestone
    expect(guest.get_by_text("Bob caused")).to_have_count(0)
    assert guest.get_by_role("textbox").count() == 0
    assert guest.get_by_role("button", name=re.compile("Publish|Next step")).count() == 0
    shot(guest, "6-shared-view")
    qr_src = page.get_by_test_id("stImage").locator("img").first.get_attribute("src")  # the link's QR code
    qr_png = page.request.get(qr_src if qr_src.startswith("http") else page.url.split("/report")[0] + qr_src).body()
    assert [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png)))] == [link]
    type_into(page, "Prevention", PREVENTION_LIVE)  # the open view follows the facilitator, no reload
    expect(guest.get_by_text(PREVENTION_LIVE)).to_be_visible(timeout=5000)
    guest.goto(link + "&present=1")  # presentation mode for the meeting-room screen
    wait_for_app(guest)
    expect(guest.get_by_role("heading", name="What happened", exact=True)).to_be_visible()
    guest.keyboard.press("ArrowRight")
    wait_for_app(guest)
    expect(guest.get_by_role("heading", name="The incident at a glance", exact=True)).to_be_visible()
    expect(guest.get_by_text("2 / 6")).to_be_visible()
    shot(guest, "6-presentation")
    press(page, "Create public share link")  # the version for people outside the company
    public_link = page.get_by_test_id("stCode").filter(has_text="/view?pm=").inner_text().strip()
    assert public_link != link
    guest.goto(link)
    wait_for_app(guest)
    expect(guest.get_by_text("@dan").first).to_be_visible()  # an action owner, in the internal view
    guest.goto(public_link)
    wait_for_app(guest)
    expect(guest.get_by_text(f"Public version of {PM_ID}")).to_be_visible()
    expect(heading(guest, "Action Items")).to_be_visible()
    expect(guest.get_by_text("@dan")).to_have_count(0)  # people become roles
    shot(guest, "6-public-view")
    guest_context.close()
    next_step(page, Step.REPORT)


def track(page: Page, github: FakeGitHub, tmp_path: Path) -> None:
    expect(heading(page, "Tickets")).to_be_visible()
    type_into(page, "Repository (owner/repo)", "acme/shop", key="Enter")
    press(page, "Create or update the issues")
    created = page.get_by_test_id("stAlertContentSuccess").filter(has_text="AI-001: created")
    expect(created).to_contain_text("AI-001: created (https://github.com/acme/shop/issues/1)", timeout=TIMEOUT)
    expect(created).to_contain_text("AI-003: created (https://github.com/acme/shop/issues/3)")
    assert sorted(i["title"][:6] for i in github.issues.values()) == ["AI-001", "AI-002", "AI-003"]
    assert [s.method for s in github.writes()] == ["POST"] * 3
    assert all(s.headers["Authorization"] == f"Bearer {TOKEN}" for s in github.seen)
    tickets = page.get_by_test_id("stDataFrame").first
    expect(tickets).to_contain_text("https://github.com/acme/shop/issues/2")

    with page.expect_download(timeout=TIMEOUT) as download:
        page.get_by_role("button", name="Download the review calendar (.ics)").click()
    calendar = tmp_path / "reviews.ics"
    download.value.save_as(calendar)
    assert download.value.suggested_filename == f"{PM_ID}-reviews.ics"
    assert "RRULE:FREQ=WEEKLY" in calendar.read_text(encoding="utf-8")
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Calendar issued on \d{4}-\d\d-\d\d: weekly review"))).to_be_visible()
    expect(page.get_by_text("Every step is complete. Thank you for closing the loop on this incident.")
           ).to_be_visible()
    expect_checklist_passes(page, Step.TRACK)
    for step in Step:
        expect(sidebar_step(page, step)).to_have_text("done")
    shot(page, "7-track")


@pytest.fixture
def github(httpserver: HTTPServer) -> FakeGitHub:
    fake = FakeGitHub()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def test_a_newcomer_walks_from_nothing_to_a_published_report_and_tracked_actions(
        browser, github, httpserver, monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)  # the operator's GitHub server: the fake one, on loopback
    monkeypatch.setenv("GITHUB_API_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("GITHUB_ALLOW_HTTP", "1")
    (SHOTS / "failure.png").unlink(missing_ok=True)
    today = datetime.now(UTC)
    database = f"sqlite:///{tmp_path / 'app.db'}"
    with streamlit_server(database, seed_demo=False) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                      timezone_id="Europe/Berlin")  # times are typed and shown in UTC anyway
        context.route("https://**/*", lambda route: route.abort())  # nothing leaves the machine
        context.set_default_timeout(TIMEOUT)
        page = context.new_page()
        try:
            create_postmortem(page, base)
            gather(page)
            build_timeline(page)
            analyse(page)
            plan_actions(page, today)
            write_report(page, browser, tmp_path, today)
            track(page, github, tmp_path)
        except Exception:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "failure.png"))
            raise
        finally:
            context.close()

    # what the browser showed was stored
    repo = engine.open_repository(database)
    pm = repo.get(PM_ID)
    repo.close()
    assert pm.status is Status.PUBLISHED and pm.authors == ("@alice",)
    assert [f.id for f in pm.factors] == ["F1", "F2"] and len(pm.why_chains[0].answers) == 5
    assert [(a.id, a.factor_ids) for a in pm.actions] == [("AI-001", ("F2",)), ("AI-002", ("F1",)),
                                                          ("AI-003", ("F1", "F2"))]
    assert all(a.ticket_url.startswith("https://github.com/acme/shop/issues/") for a in pm.actions)
    assert pm.report.lessons == BLAMELESS and pm.reviewers == ("@maria", "@sam")
    assert [e.event for e in pm.events if e.starred] == ["main: Starting checkout-api v2.3.0 (commit 9f3c2ab)"]
