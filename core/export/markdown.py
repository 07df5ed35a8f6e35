"""The report as Markdown, in the template order of the method (DESIGN §10)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.export import report_model
from core.export.report_model import ReportModel, TimelineRow, report_events
from core.models import PostMortem, TimelineEvent

__all__ = ["render", "render_model", "report_events", "timeline_table"]


def render(pm: PostMortem, *, now: datetime) -> str:
    """Return the whole report as Markdown; ``now`` dates the checklist so output is reproducible."""
    return render_model(report_model.build(pm, now=now))


def render_model(m: ReportModel) -> str:
    """Return the report model as Markdown."""
    out: list[str] = [f"# {m.heading}", ""]
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
            risk = f" *(accepted risk: {f.accepted_reason})*" if f.accepted_reason is not None else ""
            out.append(f"{n}. **{f.category}** ({f.id}): {f.text}{risk}")
        out.append("")
    else:
        out += [f"_{report_model.NONE_RECORDED}_", ""]
    for n, chain in enumerate(m.why_chains, start=1):
        out += [f"### Five Whys {n}: {chain.question}", ""]
        out += [f"{i}. Why? {a}" for i, a in enumerate(chain.answers, start=1)]
        if chain.stop_reason:
            out.append(f"\n_Stopped here because: {chain.stop_reason}_")
        out.append("")
    out += ["### Systemic Issues", ""]
    out += [f"- {s}" for s in m.systemic_issues] or [f"_{report_model.NONE_RECORDED}_"]
    out += ["", f"## {report_model.ACTIONS}", ""]
    out += _actions(m)
    out += _section(report_model.WENT_WELL, m.went_well)
    out += _section(report_model.LESSONS, m.lessons)
    out += _section(report_model.PREVENTION, m.prevention)
    out += [f"## {report_model.DATA_GAPS}", ""]
    gaps = [f"- **{g.source}**: {g.reason} — consider longer retention." for g in m.gaps]
    out += gaps or [f"_{report_model.NO_GAPS}_"]
    out += ["", f"## {report_model.CHECKLIST}", "", "| Check | Status | Note |", "|---|---|---|"]
    for r in m.checklist:
        out.append(f"| {r.title} (`{r.gate_id}`) | {report_model.STATUS_MARKS[r.status]} | {_cell(r.note)} |")
    out.append("")
    return "\n".join(out)


def _header(m: ReportModel) -> list[str]:
    fields = {f.label: f.value for f in m.header}
    lines = [f"**{f.label}:** {f.value}  " for f in m.header if f.label not in ("Status", "ID")]
    return [*lines, f"**Status:** {fields['Status']} · **ID:** {fields['ID']}", ""]


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
        ticket = f"[link]({a.ticket_url})" if a.ticket_url else a.ticket
        rows.append(f"| {a.id} | {_cell(a.action)} | {_cell(a.owner)} | {a.deadline} | {a.priority} | {ticket} |")
    return [*rows, ""]


def _block(text: str) -> str:
    return text or f"_{report_model.NOT_WRITTEN}_"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
