"""The report as Markdown, in the template order of the method (DESIGN §10).

Every piece of user text goes through ``escape`` (or ``escape_lines`` where it starts a line), so
"**x**", "[a](javascript:…)", "<script>" or "|" show literally: no emphasis, link, HTML or broken table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from core.export import report_model
from core.export.report_model import ReportModel, TimelineRow, report_events
from core.models import PostMortem, TimelineEvent
from core.public import public_version

__all__ = ["escape", "escape_lines", "render", "render_model", "report_events", "timeline_table"]

_SPECIAL = re.compile(r"[\\`*\[\]|~$]|(?<![^\W_])_|_(?![^\W_])")  # "_" only where it could start emphasis
# a marker indented by four spaces or a tab is a code block or a continuation line: nothing to escape there
_LINE_START = re.compile(r"^( {0,3})([#+=-]|\d{1,9}(?=[.)]))", re.MULTILINE)
_LIST_ITEM = re.compile(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)")
_URL_UNSAFE = re.compile(r"[\s()<>|\\]")


def render(pm: PostMortem, *, now: datetime, public: bool = False) -> str:
    """Return the whole report as Markdown; ``now`` dates the checklist so output is reproducible.

    ``public`` renders ``core.public.public_version(pm)``: internal parts out, people as roles, details masked.
    """
    if public:
        return render_model(report_model.build(public_version(pm), now=now, public=True))
    return render_model(report_model.build(pm, now=now))


def render_model(m: ReportModel) -> str:
    """Return the report model as Markdown."""
    out: list[str] = [f"# {escape(m.heading)}", ""]
    out += _header(m)
    out += _section(report_model.SUMMARY, m.summary)
    out += _section(report_model.IMPACT, m.impact)
    out += _section(report_model.ROOT_CAUSE, m.root_cause)
    out += [f"## {report_model.TIMELINE}", ""]
    out += _timeline_lines(m.timeline)
    out += [f"## {report_model.FACTORS}", "", "### Immediate Cause", "", _block(m.immediate_cause), ""]
    out += ["### Contributing Factors", ""]
    if m.factors:
        for n, f in enumerate(m.factors, start=1):
            risk = f" *(accepted risk: {escape(f.accepted_reason)})*" if f.accepted_reason is not None else ""
            out.append(f"{n}. **{f.category}** ({escape(f.id)}): {escape(f.text)}{risk}")
        out.append("")
    else:
        out += [f"_{report_model.NONE_RECORDED}_", ""]
    for n, chain in enumerate(m.why_chains, start=1):
        out += [f"### Five Whys {n}: {escape(chain.question)}", ""]
        out += [f"{i}. Why? {escape(a)}" for i, a in enumerate(chain.answers, start=1)]
        if chain.stop_reason:
            out.append(f"\n_Stopped here because: {escape(chain.stop_reason)}_")
        out.append("")
    out += ["### Systemic Issues", ""]
    out += [f"- {escape_lines(s)}" for s in m.systemic_issues] or [f"_{report_model.NONE_RECORDED}_"]
    out += ["", f"## {report_model.ACTIONS}", ""]
    out += _actions(m)
    out += _section(report_model.WENT_WELL, m.went_well)
    out += _section(report_model.LESSONS, m.lessons)
    out += _section(report_model.PREVENTION, m.prevention)
    out += [f"## {report_model.DATA_GAPS}", ""]
    gaps = [f"- **{g.source}**: {escape(g.reason)} — consider longer retention." for g in m.gaps]
    out += gaps or [f"_{report_model.NO_GAPS}_"]
    out += ["", f"## {report_model.CHECKLIST}", "", "| Check | Status | Note |", "|---|---|---|"]
    for r in m.checklist:
        out.append(f"| {r.title} (`{r.gate_id}`) | {report_model.STATUS_MARKS[r.status]} | {_cell(r.note)} |")
    out.append("")
    return "\n".join(out)


def _header(m: ReportModel) -> list[str]:
    fields = {f.label: f.value for f in m.header}
    lines = [f"**{f.label}:** {escape(f.value)}  " for f in m.header if f.label not in ("Status", "ID")]
    return [*lines, f"**Status:** {fields['Status']} · **ID:** {escape(fields['ID'])}", ""]


def _section(title: str, text: str) -> list[str]:
    return [f"## {title}", "", _block(text), ""]


def timeline_table(events: Sequence[TimelineEvent]) -> list[str]:
    """Return the Markdown table lines of ``events`` (Time | Event | Source | Actor), hidden ones left out."""
    return _timeline_lines([report_model.timeline_row(e) for e in events if not e.hidden])


def _timeline_lines(timeline: Sequence[TimelineRow]) -> list[str]:
    if not timeline:
        return [f"_{report_model.NO_EVENTS}_", ""]
    rows = ["| Time | Event | Source | Actor |", "|---|---|---|---|"]
    for e in timeline:
        milestone = f" **[{e.milestone}]**" if e.milestone else ""
        rows.append(f"| {e.time:%H:%M:%S} | {_cell(e.event)}{milestone} | {_cell(e.source)} | {_cell(e.actor)} |")
    return [*rows, ""]


def _actions(m: ReportModel) -> list[str]:
    if not m.actions:
        return [f"_{report_model.NO_ACTIONS}_", ""]
    rows = ["| ID | Action | Owner | Deadline | Priority | Ticket |", "|---|---|---|---|---|---|"]
    for a in m.actions:
        # only a web address becomes a link: javascript:, data: or file: stay visible text
        ticket = f"[link]({_url(a.ticket_url)})" if a.ticket_url.startswith(("https://", "http://")) else None
        rows.append(f"| {_cell(a.id)} | {_cell(a.action)} | {_cell(a.owner)} | {a.deadline} | {a.priority} | "
                    f"{ticket or _cell(a.ticket_url or a.ticket)} |")
    return [*rows, ""]


def _block(text: str) -> str:
    """Return free text escaped line by line; the writer's "- " and "1. " list markers stay lists."""
    if not text:
        return f"_{report_model.NOT_WRITTEN}_"
    lines = []
    for line in text.split("\n"):
        item = _LIST_ITEM.match(line)
        lines.append(item.group(1) + escape_lines(line[item.end():]) if item else escape_lines(line))
    return "\n".join(lines)


def _cell(text: str) -> str:
    return escape(text)  # "|" included: a table cell is never cut short


def _url(url: str) -> str:
    """Return ``url`` safe as a link destination inside a table: no space, bracket, pipe or backslash."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(), safe=""), url)


def escape(text: str) -> str:
    """Return user ``text`` escaped for use inside a line of Markdown: it shows literally.

    ``<``, ``>`` and ``&`` become entities (no HTML, no autolink); Markdown's inline specials get a
    backslash (no emphasis, link, image, code, strikethrough, math or table break). An underscore
    between two letters or digits is left alone: it cannot start emphasis ("db_pool_size" stays as typed).
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(lambda m: "\\" + m.group(), text)


def escape_lines(text: str) -> str:
    """Return ``escape(text)`` whose lines cannot start a heading, list, rule or setext underline either."""
    return _LINE_START.sub(_escape_marker, escape(text))


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker = match.groups()
    # "1." is defused at its dot ("1\."), "#", "-", "+" and "=" before themselves ("\#")
    return indent + (marker + "\\" if marker.isdigit() else "\\" + marker)
