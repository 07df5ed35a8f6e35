"""The report as PDF (fpdf2, A4): the Markdown report's template order, plus the timeline chart.

Text is set in DejaVu Sans, shipped in ``core/fonts`` so names such as "Zoë" or "Łukasz" and signs
such as "→" or "≥" render on any deployment. Meaning never rests on colour alone (statuses are spelled
out, fills are light grey), so the report reads the same printed in black and white. User text is
always set as plain text: fpdf2's markdown is never switched on, so "**" or "<b>" stay literal.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableCellFillMode, VAlign, XPos, YPos
from fpdf.fonts import TTFFont
from fpdf.table import Table

from core.export import report_model
from core.export.report_model import ReportModel
from core.models import PostMortem
from core.public import public_version

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
"""The vendored DejaVu Sans TTFs and their licence."""

_FAMILY = "DejaVu"
_FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
_MARGIN = 15.0  # mm; A4 leaves 180 mm of text width
_LINE = 5.0  # mm per line of 10 pt body text
_HEADING_FILL = (220, 220, 220)
_ROW_FILL = (245, 245, 245)
_LINK_COLOR = (0, 0, 140)  # dark enough to print as black; links are also underlined
_CHART_MAX_HEIGHT = 175.0  # mm: four panels at full width; a taller chart is scaled down to fit one page
_PAGE_TOTAL = "{nb}"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BULLET = re.compile(r"^\s*[-*•]\s+")


class _ReportPDF(FPDF):
    """An A4 document whose pages carry a small running header and a numbered footer."""

    def __init__(self, running_head: str, generated: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.running_head = running_head
        self.generated = generated
        # The page-total alias is live only while the footer is drawn: fpdf2 would otherwise replace
        # a "{nb}" typed by a user with the page count.
        self.str_alias_nb_pages = ""

    def header(self) -> None:
        """Draw the post-mortem id and title, small, above a rule (not on the title page)."""
        if self.page_no() == 1:
            return
        # _MARGIN, not l_margin: a list item may have moved the left margin when the page broke
        width = self.w - 2 * _MARGIN
        self.set_font(_FAMILY, "", 8)
        self.set_xy(_MARGIN, 8)
        self.cell(width, 4, _fit(self, self.running_head, width))
        self.line(_MARGIN, 13, self.w - _MARGIN, 13)
        self.set_y(_MARGIN + 2)

    def footer(self) -> None:
        """Draw when the PDF was generated and "Page N/total"."""
        previous, self.str_alias_nb_pages = self.str_alias_nb_pages, _PAGE_TOTAL
        self.set_font(_FAMILY, "", 8)
        self.set_xy(_MARGIN, -12)
        half = (self.w - 2 * _MARGIN) / 2
        self.cell(half, 4, self.generated)
        self.cell(half, 4, f"Page {self.page_no()}/{_PAGE_TOTAL}", align=Align.R)
        self.str_alias_nb_pages = previous

    def to_bytes(self) -> bytes:
        """Close the document and return it, the page-total alias replaced in every footer."""
        self.str_alias_nb_pages = _PAGE_TOTAL  # the substitution at output() only runs while an alias is set
        return bytes(self.output())

    def close_fonts(self) -> None:
        """Close the TTF files: fpdf2 reads them lazily and leaves them open (a ResourceWarning at exit)."""
        for font in self.fonts.values():
            if isinstance(font, TTFFont):
                font.ttfont.close()


def render(pm: PostMortem, *, now: datetime, chart_png: bytes | None = None, author: str = "",
           public: bool = False) -> bytes:
    """Return the report as PDF bytes; ``now`` dates the checklist and the document, so output is reproducible.

    Args:
        pm: the post-mortem.
        now: the generation time (UTC); also the PDF's creation date.
        chart_png: the timeline chart as PNG, shown full width at the top of the timeline section (for a public
            report, the chart of ``core.public.public_version(pm)``).
        author: the document's author metadata; the post-mortem's authors when empty (ignored when public).
        public: render the public version: internal parts out, people as roles, internal details masked.
    """
    if public:
        pm, author = public_version(pm), ""
    model = report_model.build(pm, now=now, public=public)
    stamp = now.astimezone(UTC)
    pdf = _ReportPDF(f"{model.pm_id} · {report_model.inline(pm.title)}", f"Generated {stamp:%Y-%m-%d %H:%M} UTC")
    try:
        for style, file_name in _FONT_FILES.items():
            pdf.add_font(_FAMILY, style, FONT_DIR / file_name)
        _set_up_document(pdf, model, pm, author=author, stamp=stamp)
        pdf.add_page()
        _write_report(pdf, model, chart_png)
        return pdf.to_bytes()
    finally:
        pdf.close_fonts()


def _set_up_document(pdf: FPDF, model: ReportModel, pm: PostMortem, *, author: str, stamp: datetime) -> None:
    """Set margins, page breaks and the document metadata (title, author, subject, creation date)."""
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(model.heading)
    pdf.set_author(report_model.inline(author) or ", ".join(report_model.inline(a) for a in pm.authors))
    pdf.set_subject(f"Blameless post-mortem {pm.id}")
    pdf.set_keywords(", ".join(("post-mortem", *pm.services)))
    pdf.set_creator("Postmortem Wizard")
    pdf.set_creation_date(stamp)
    pdf.set_lang("en")


def _write_report(pdf: FPDF, model: ReportModel, chart_png: bytes | None) -> None:
    pdf.set_font(_FAMILY, "B", 16)
    pdf.multi_cell(0, 8, model.heading, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    _header_block(pdf, model.header)
    _section(pdf, report_model.SUMMARY, model.summary)
    _section(pdf, report_model.IMPACT, model.impact)
    _section(pdf, report_model.ROOT_CAUSE, model.root_cause)
    if chart_png is None:
        _heading(pdf, report_model.TIMELINE)
    else:
        width, height = _chart_size(pdf, chart_png)
        _heading(pdf, report_model.TIMELINE, keep_with=height + 8)
        _chart(pdf, chart_png, width, height)
    _timeline(pdf, model.timeline)
    _factors(pdf, model)
    _heading(pdf, report_model.ACTIONS)
    _actions(pdf, model.actions)
    _section(pdf, report_model.WENT_WELL, model.went_well)
    _section(pdf, report_model.LESSONS, model.lessons)
    _section(pdf, report_model.PREVENTION, model.prevention)
    _heading(pdf, report_model.DATA_GAPS)
    if model.gaps:
        for gap in model.gaps:
            _item(pdf, "•", [("B", gap.source), ("", f": {gap.reason} — consider longer retention.")])
    else:
        _note(pdf, report_model.NO_GAPS)
    _heading(pdf, report_model.CHECKLIST)
    _checklist(pdf, model.checklist)


def _header_block(pdf: FPDF, fields: Sequence[report_model.HeaderField]) -> None:
    pdf.set_font(_FAMILY, "", 10)
    label_style = FontFace(emphasis="BOLD", fill_color=_HEADING_FILL)
    with pdf.table(col_widths=(28, 152), first_row_as_headings=False, line_height=_LINE,
                   text_align=(Align.L, Align.L), borders_layout="HORIZONTAL_LINES") as table:
        for field in fields:
            row = table.row()
            row.cell(field.label, style=label_style)
            row.cell(field.value)


def _section(pdf: FPDF, title: str, text: str) -> None:
    _heading(pdf, title)
    _text(pdf, text)


def _heading(pdf: FPDF, title: str, *, level: int = 0, keep_with: float = 12) -> None:
    """Start a bookmarked section; a new page first unless ``keep_with`` mm fit under the heading."""
    if pdf.will_page_break(keep_with + 12):
        pdf.add_page()
    pdf.start_section(title, level=level)
    pdf.ln(3 if level else 5)
    pdf.set_font(_FAMILY, "B", 11 if level else 13)
    pdf.multi_cell(0, 6 if level else 7, title, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not level:
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1.5)


def _text(pdf: FPDF, text: str) -> None:
    """Set free text line by line: line breaks kept, "- " lines as bullets, blank lines as a gap."""
    if not text:
        _note(pdf, report_model.NOT_WRITTEN)
        return
    pdf.set_font(_FAMILY, "", 10)
    for line in text.expandtabs(4).split("\n"):
        if not line.strip():
            pdf.ln(_LINE / 2)
        elif bullet := _BULLET.match(line):
            _item(pdf, "•", [("", line[bullet.end():])])
        else:
            pdf.multi_cell(0, _LINE, line.rstrip(), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _item(pdf: FPDF, marker: str, parts: Sequence[tuple[str, str]], *, indent: float = 6) -> None:
    """Set one list item with a hanging indent: ``marker`` in the margin, then styled text parts."""
    left = pdf.l_margin
    pdf.set_font(_FAMILY, "", 10)
    indent = max(indent, pdf.get_string_width(marker) + 2)  # "10." needs more room than "•"
    pdf.set_x(left)
    pdf.cell(indent, _LINE, marker)
    # write() wraps at the left margin, so moving the margin gives the hanging indent
    pdf.set_left_margin(left + indent)
    for style, text in parts:
        pdf.set_font(_FAMILY, style, 10)
        pdf.write(_LINE, text)
    pdf.set_left_margin(left)
    pdf.ln(_LINE)
    pdf.set_font(_FAMILY, "", 10)


def _note(pdf: FPDF, text: str) -> None:
    pdf.set_font(_FAMILY, "I", 10)
    pdf.multi_cell(0, _LINE, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "", 10)


def _chart_size(pdf: FPDF, png: bytes) -> tuple[float, float]:
    """Return the chart's (width, height) in mm: full text width, or less for a tall chart."""
    width_px, height_px = _png_size(png)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    height = width * height_px / width_px
    if height > _CHART_MAX_HEIGHT:
        width, height = width * _CHART_MAX_HEIGHT / height, _CHART_MAX_HEIGHT
    return width, height


def _chart(pdf: FPDF, png: bytes, width: float, height: float) -> None:
    pdf.image(io.BytesIO(png), x=(pdf.w - width) / 2, w=width, h=height,
              alt_text="Timeline chart: the series that changed most around impact, each in its own panel and unit, "
                       "under the milestones and alerts (UTC)")
    _note_small(pdf, "The series that changed most around impact, one panel each in its own unit; milestones as "
                     "rules (solid: impact start and resolved), alerts as bars on top, incident window shaded (UTC).",
                align=Align.C)
    pdf.ln(2)


def _png_size(png: bytes) -> tuple[int, int]:
    """Return (width, height) in pixels from the PNG header; raise ValueError for anything else."""
    if len(png) < 24 or not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("chart_png is not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    if not width or not height:
        raise ValueError("chart_png has no pixels")
    return int(width), int(height)


def _data_table(pdf: FPDF, col_widths: tuple[float, ...]) -> AbstractContextManager[Table]:
    """Open a table whose grey heading row repeats on every page and whose rows are lightly banded."""
    return pdf.table(
        col_widths=col_widths,
        text_align=(Align.L,) * len(col_widths),
        v_align=VAlign.T,
        padding=(0.8, 1.2),
        line_height=4.2,
        repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEADING_FILL),
        cell_fill_color=_ROW_FILL,
        cell_fill_mode=TableCellFillMode.ROWS,
    )


def _timeline(pdf: FPDF, rows: Sequence[report_model.TimelineRow]) -> None:
    if not rows:
        _note(pdf, report_model.NO_EVENTS)
        return
    multi_day = len({r.time.date() for r in rows}) > 1
    milestone_style = FontFace(emphasis="BOLD")
    pdf.set_font(_FAMILY, "", 9)
    with _data_table(pdf, (24 if multi_day else 20, 100 if multi_day else 104, 33, 23)) as table:
        table.row(("Time", "Event", "Source", "Actor"))
        for r in rows:
            when = f"{r.time:%Y-%m-%d}\n{r.time:%H:%M:%S}" if multi_day else f"{r.time:%H:%M:%S}"
            event = f"[{r.milestone}] {r.event}" if r.milestone else r.event
            table.row((when, event, r.source, r.actor), style=milestone_style if r.milestone else None)
    if any(r.milestone for r in rows):
        _note_small(pdf, "Rows in bold, with the milestone in [brackets], mark the key moments of the incident.")


def _note_small(pdf: FPDF, text: str, *, align: Align = Align.L) -> None:
    pdf.set_font(_FAMILY, "I", 8)
    pdf.multi_cell(0, 4, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "", 10)


def _factors(pdf: FPDF, model: ReportModel) -> None:
    _heading(pdf, report_model.FACTORS)
    _heading(pdf, "Immediate Cause", level=1)
    _text(pdf, model.immediate_cause)
    _heading(pdf, "Contributing Factors", level=1)
    for n, f in enumerate(model.factors, start=1):
        parts = [("B", f"{f.category} ({f.id}): "), ("", f.text)]
        if f.accepted_reason is not None:
            parts.append(("I", f" (accepted risk: {f.accepted_reason})"))
        _item(pdf, f"{n}.", parts)
    if not model.factors:
        _note(pdf, report_model.NONE_RECORDED)
    for n, chain in enumerate(model.why_chains, start=1):
        _heading(pdf, f"Five Whys {n}: {chain.question}", level=1)
        for i, answer in enumerate(chain.answers, start=1):
            _item(pdf, f"{i}.", [("B", "Why? "), ("", answer)])
        if chain.stop_reason:
            _note(pdf, f"Stopped here because: {chain.stop_reason}")
    _heading(pdf, "Systemic Issues", level=1)
    for issue in model.systemic_issues:
        _item(pdf, "•", [("", issue)])
    if not model.systemic_issues:
        _note(pdf, report_model.NONE_RECORDED)


def _actions(pdf: FPDF, rows: Sequence[report_model.ActionRow]) -> None:
    if not rows:
        _note(pdf, report_model.NO_ACTIONS)
        return
    link_style = FontFace(emphasis="UNDERLINE", color=_LINK_COLOR)
    pdf.set_font(_FAMILY, "", 9)
    with _data_table(pdf, (17, 78, 21, 22, 17, 25)) as table:
        table.row(("ID", "Action", "Owner", "Deadline", "Priority", "Ticket"))
        for a in rows:
            row = table.row()
            for value in (a.id, a.action, a.owner, a.deadline, a.priority):
                row.cell(value)
            if a.ticket_url.startswith(("https://", "http://")):
                row.cell(a.ticket_url.split("://", 1)[1], style=link_style, link=a.ticket_url)
            else:
                # any other scheme (javascript:, file:) is shown but never made clickable
                row.cell(a.ticket_url or a.ticket)


def _checklist(pdf: FPDF, rows: Sequence[report_model.CheckRow]) -> None:
    flagged = FontFace(emphasis="BOLD")
    pdf.set_font(_FAMILY, "", 9)
    with _data_table(pdf, (78, 18, 84)) as table:
        table.row(("Check", "Status", "Note"))
        for r in rows:
            row = table.row()
            row.cell(f"{r.title} ({r.gate_id})")
            row.cell(report_model.STATUS_MARKS[r.status], style=None if r.status == "pass" else flagged)
            row.cell(r.note)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Return ``text`` cut with "…" to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
