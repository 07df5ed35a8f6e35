"""The PDF report: checked through its extracted text, images, links and metadata, with a pinned date."""

from __future__ import annotations

import dataclasses
import io
import re
import struct
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from core import gates
from core.export import document, markdown, pdf, report_model
from core.models import (
    ActionItem,
    ContributingFactor,
    EventKind,
    FactorCategory,
    Milestone,
    PostMortem,
    TimelineEvent,
)
from tests.factories import END, NOW, START, complete_postmortem, make_event, make_postmortem

DEMO = Path(__file__).resolve().parent.parent / "demo" / "postmortem.json"


@pytest.fixture(scope="module")
def demo() -> PostMortem:
    return document.loads(DEMO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chart() -> bytes:
    image = Image.new("RGB", (800, 300), "white")
    ImageDraw.Draw(image).line([(0, 250), (300, 50), (800, 200)], fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def demo_pdf(demo, chart) -> bytes:
    return pdf.render(demo, now=NOW, chart_png=chart)


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in read(data).pages]


def flat(text: str) -> str:
    """Return text with every run of whitespace as one space: table cells and paragraphs wrap."""
    return " ".join(text.split())


def full_text(data: bytes) -> str:
    return flat(" ".join(page_texts(data)))


def test_the_demo_report_is_a_pdf_with_every_section_in_template_order(demo, demo_pdf):
    assert demo_pdf.startswith(b"%PDF-")
    assert isinstance(demo_pdf, bytes)
    text = full_text(demo_pdf)
    headings = [f"Post-Mortem: {flat(demo.title)} (2026-03-14)", "Date", "Duration", "Severity", "Type", "Services",
                "Authors", "Reviewed", "Status", *report_model.SECTIONS]
    positions = [text.find(heading) for heading in headings]
    assert -1 not in positions, [h for h, p in zip(headings, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_the_demo_report_carries_the_key_content(demo, demo_pdf):
    text = full_text(demo_pdf)
    assert "1 h 30 min (14:00–15:30 UTC)" in text
    assert "P1 (Critical: service down or data at risk for many users)" in text
    for event in markdown.report_events(demo):
        assert f"{event.time:%H:%M:%S}" in text
        assert flat(event.event) in text
    assert "[Detected]" in text
    assert "AI-001" in text and "@dan" in text and "2026-03-19" in text
    assert "Monitoring gap (F1):" in text and "Capacity planning (F4):" in text
    assert "Five Whys 1:" in text and "Why? Requests waited 5 s" in text
    assert flat(demo.systemic_issues[0].text) in text
    assert "chat: No chat record before #inc-checkout" in text
    for gate in gates.GATES:
        assert f"({gate.id})" in text
    assert "✓ pass" in text and "✗ fail" in text


def test_a_gate_that_fails_shows_its_status_word_and_message(demo, demo_pdf):
    text = full_text(demo_pdf)
    failing = [r for r in gates.evaluate(demo, now=NOW) if not r.passed]
    assert failing
    for result in failing:
        assert f"({result.gate.id}) {report_model.STATUS_MARKS[result.status]} {flat(result.message)}" in text


def test_unicode_names_and_signs_are_kept(demo):
    pm = dataclasses.replace(demo, authors=("Zoë Łukasz",),
                             report=dataclasses.replace(demo.report, summary="Zoë Łukasz → ≥ 5"))
    data = pdf.render(pm, now=NOW)
    assert "Zoë Łukasz → ≥ 5" in full_text(data)
    assert read(data).metadata.author == "Zoë Łukasz"


def test_the_chart_is_embedded_when_given_and_absent_otherwise(demo, demo_pdf):
    with_chart = read(demo_pdf)
    assert sum(len(page.images) for page in with_chart.pages) == 1
    timeline_page = next(p for p in with_chart.pages if "Timeline (all times UTC)" in p.extract_text())
    assert len(timeline_page.images) == 1
    without = read(pdf.render(demo, now=NOW))
    assert sum(len(page.images) for page in without.pages) == 0


def test_a_tall_chart_is_scaled_down_to_share_the_page_with_the_timeline_heading(demo):
    buffer = io.BytesIO()
    Image.new("L", (300, 1200), 255).save(buffer, format="PNG")
    pages = read(pdf.render(demo, now=NOW, chart_png=buffer.getvalue())).pages
    timeline_page = next(p for p in pages if "Timeline (all times UTC)" in p.extract_text())
    assert len(timeline_page.images) == 1


@pytest.mark.parametrize(
    ("png", "message"),
    [
        (b"<svg/>", "not a PNG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 0, 300), "no pixels"),
    ],
)
def test_a_chart_that_is_not_a_png_is_refused(demo, png, message):
    with pytest.raises(ValueError, match=message):
        pdf.render(demo, now=NOW, chart_png=png)


def test_the_demo_report_has_a_sane_page_count_header_and_footer(demo, demo_pdf):
    pages = page_texts(demo_pdf)
    assert 2 <= len(pages) <= 15
    for number, text in enumerate(pages, start=1):
        assert f"Page {number}/{len(pages)}" in text
        assert "Generated 2026-03-15 12:00 UTC" in text
    assert all(text.lstrip().startswith(demo.id) for text in pages[1:])  # running head from page 2


def test_a_long_title_is_cut_in_the_running_head():
    pm = complete_postmortem(title="Checkout errors after release v2.3.0 " * 8)
    second_page = page_texts(pdf.render(pm, now=NOW))[1]
    assert second_page.splitlines()[0].startswith("PM-2026-03-14 · Checkout errors")
    assert second_page.splitlines()[0].endswith("…")


def test_the_metadata_names_title_author_and_creation_date(demo, demo_pdf):
    meta = read(demo_pdf).metadata
    assert meta.title == f"Post-Mortem: {demo.title} (2026-03-14)"
    assert meta.author == "@maria"
    assert meta.subject == "Blameless post-mortem PM-2026-03-14"
    assert meta.creation_date.replace(tzinfo=None) == NOW.replace(tzinfo=None)
    assert read(pdf.render(demo, now=NOW, author="Łukasz (exported)")).metadata.author == "Łukasz (exported)"


def test_the_sections_are_bookmarked(demo_pdf):
    titles = [entry["/Title"] for entry in read(demo_pdf).outline if not isinstance(entry, list)]
    assert titles == list(report_model.SECTIONS)


def test_the_same_inputs_give_the_same_bytes(demo, chart, demo_pdf):
    assert pdf.render(demo, now=NOW, chart_png=chart) == demo_pdf
    assert pdf.render(demo, now=NOW + timedelta(minutes=1), chart_png=chart) != demo_pdf


def test_markup_in_user_text_is_shown_literally():
    text = "**bold** <b>x</b> --u-- __i__ `code` [link](https://example.com) {nb}"
    pm = complete_postmortem(report=dataclasses.replace(complete_postmortem().report, summary=text),
                             events=(make_event("E1", START, text, Milestone.IMPACT_START),))
    extracted = full_text(pdf.render(pm, now=NOW))
    assert extracted.count(text) == 2


def test_line_breaks_and_bullets_of_free_text_are_kept():
    summary = "First line.\r\nSecond line.\n\n- a bullet\n* another\n\tindented\x07 text"
    pm = complete_postmortem(report=dataclasses.replace(complete_postmortem().report, summary=summary))
    page = page_texts(pdf.render(pm, now=NOW))[0]
    lines = [line.strip() for line in page.splitlines()]
    assert lines[lines.index("First line."):][:5] == ["First line.", "Second line.", "• a bullet", "• another",
                                                       "indented text"]


def test_the_timeline_shows_the_same_events_as_the_markdown_report():
    events = (
        make_event("E1", START + timedelta(minutes=2), "Starred first 502s", Milestone.IMPACT_START, starred=True),
        make_event("E2", START + timedelta(minutes=3), "Unstarred noise line"),
        make_event("E3", START + timedelta(minutes=4), "Hidden starred line", starred=True, hidden=True),
        make_event("E4", START + timedelta(minutes=5), "Alert fired", Milestone.DETECTED, kind=EventKind.ALERT),
    )
    pm = complete_postmortem(events=events)
    assert report_model.report_events(pm) == markdown.report_events(pm)
    text = full_text(pdf.render(pm, now=NOW))
    assert "[Impact start] Starred first 502s" in text and "[Detected] Alert fired" in text
    assert "Unstarred noise line" not in text and "Hidden starred line" not in text


def test_a_long_timeline_spans_pages_and_repeats_its_heading_row():
    events = tuple(
        TimelineEvent(id=f"E{i:03d}", time=START + timedelta(seconds=10 * i), event=f"Event number {i:03d} logged",
                      source="nginx", actor="-")
        for i in range(500)
    )
    data = pdf.render(complete_postmortem(events=events), now=NOW)
    pages = page_texts(data)
    timeline_pages = [text for text in pages if re.search(r"Event number \d{3} logged", text)]
    assert len(timeline_pages) >= 5
    for text in timeline_pages:
        assert re.search(r"Time\s+Event\s+Source\s+Actor", text)
    text = full_text(data)
    assert "Event number 000 logged" in text and "Event number 499 logged" in text
    assert len(pages) < 40


def test_an_incident_over_midnight_dates_its_timeline_rows():
    pm = complete_postmortem(end=END + timedelta(days=1),
                             events=(make_event("E1", START, "Before midnight"),
                                     make_event("E2", START + timedelta(days=1), "After midnight")))
    text = full_text(pdf.render(pm, now=NOW))
    assert "2026-03-14 14:00:00 Before midnight" in text and "2026-03-15 14:00:00 After midnight" in text


def test_an_accepted_risk_says_why():
    factors = (ContributingFactor("F1", FactorCategory.CAPACITY_PLANNING, "Pool sized in 2024.", accepted_risk=True,
                                  accepted_reason="Traffic is flat until the autumn sale."),)
    text = full_text(pdf.render(complete_postmortem(factors=factors), now=NOW))
    assert "1. Capacity planning (F1): Pool sized in 2024. (accepted risk: Traffic is flat until the autumn sale.)" \
        in text


def test_only_web_tickets_become_links():
    actions = (
        ActionItem("AI-001", "Add a pool alert", owner="@bob", ticket_url="https://github.com/acme/app/issues/7"),
        ActionItem("AI-002", "Add a load test", owner="@carol", ticket_url="javascript:alert(1)"),
        ActionItem("AI-003", "Write the runbook", owner="@dan", tracked_in_app=True),
    )
    data = pdf.render(complete_postmortem(actions=actions), now=NOW)
    uris = {
        annotation.get_object()["/A"]["/URI"]
        for page in read(data).pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }
    assert uris == {"https://github.com/acme/app/issues/7"}
    text = full_text(data)
    assert "github.com/acme/app/issues/7" in text.replace(" ", "")  # narrow column: the URL wraps
    assert "javascript:alert(1)" in text.replace(" ", "") and "in app" in text


def test_an_empty_postmortem_renders_with_placeholders():
    text = full_text(pdf.render(make_postmortem(), now=NOW))
    for placeholder in (report_model.NOT_WRITTEN, report_model.NO_EVENTS, report_model.NO_ACTIONS,
                        report_model.NONE_RECORDED, report_model.NO_GAPS):
        assert placeholder in text
