"""The report as Markdown, in the template order of the method (DESIGN §10)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core import gates, report_text
from core.models import PostMortem, TimelineEvent


def render(pm: PostMortem, *, now: datetime) -> str:
    """Return the whole report as Markdown; ``now`` dates the checklist so output is reproducible."""
    out: list[str] = [f"# Post-Mortem: {_inline(pm.title) or 'Untitled incident'} ({pm.start:%Y-%m-%d})", ""]
    out += _header(pm)
    out += _section("Summary", pm.report.summary)
    out += _section("Impact", pm.report.impact)
    out += _section("Root Cause", pm.report.root_cause)
    out += ["## Timeline (all times UTC)", ""]
    out += _timeline(report_events(pm))
    out += ["## Contributing Factors", "", "### Immediate Cause", "", _block(pm.immediate_cause), ""]
    out += ["### Contributing Factors", ""]
    if pm.factors:
        for n, f in enumerate(pm.factors, start=1):
            risk = f" *(accepted risk: {_inline(f.accepted_reason)})*" if f.accepted_risk else ""
            out.append(f"{n}. **{f.category.value}** ({f.id}): {_inline(f.text)}{risk}")
        out.append("")
    else:
        out += ["_None recorded._", ""]
    for n, chain in enumerate(pm.why_chains, start=1):
        out += [f"### Five Whys {n}: {_inline(chain.question)}", ""]
        out += [f"{i}. Why? {_inline(a)}" for i, a in enumerate(chain.answers, start=1) if a.strip()]
        if chain.stop_reason.strip():
            out.append(f"\n_Stopped here because: {_inline(chain.stop_reason)}_")
        out.append("")
    out += ["### Systemic Issues", ""]
    out += [f"- {_inline(s.text)}" for s in pm.systemic_issues if s.text.strip()] or ["_None recorded._"]
    out += ["", "## Action Items", ""]
    out += _actions(pm)
    out += _section("What Went Well", pm.report.went_well)
    out += _section("Lessons Learned", pm.report.lessons)
    prevention = pm.report.prevention.strip() or (
        "See the action items above." if pm.actions else ""
    )
    out += _section("Prevention", prevention)
    out += ["## Data Gaps", ""]
    if pm.gaps:
        for g in pm.gaps:
            out.append(f"- **{g.source.value}**: {_inline(g.reason)} — consider longer retention.")
    else:
        out.append("_No gaps: logs, metrics and alerts cover the incident window._")
    out += ["", "## Checklist", "", "| Check | Status | Note |", "|---|---|---|"]
    for r in gates.evaluate(pm, now=now):
        mark = {"pass": "✓ pass", "fail": "✗ fail", "warn": "! warn"}[r.status]
        note = "" if r.passed else _cell(r.message)
        out.append(f"| {r.gate.title} (`{r.gate.id}`) | {mark} | {note} |")
    out.append("")
    return "\n".join(out)


def report_events(pm: PostMortem) -> list[TimelineEvent]:
    """Return the events the report shows: the starred ones, or every visible one when none is starred."""
    visible = [e for e in pm.events if not e.hidden]
    starred = [e for e in visible if e.starred or e.milestone is not None]
    return starred if any(e.starred for e in visible) else visible


def _header(pm: PostMortem) -> list[str]:
    duration = report_text.format_duration(pm.end - pm.start)
    span = f"{pm.start:%H:%M}–{pm.end:%H:%M} UTC"
    if pm.end.date() != pm.start.date():
        span = f"{pm.start:%Y-%m-%d %H:%M} – {pm.end:%Y-%m-%d %H:%M} UTC"
    reviewed = pm.reviewed_at.isoformat() if pm.reviewed_at else "not yet"
    if pm.reviewers:
        reviewed += " by " + ", ".join(_inline(r) for r in pm.reviewers)
    lines = [
        f"**Date:** {pm.start:%Y-%m-%d}  ",
        f"**Duration:** {duration} ({span})  ",
        f"**Severity:** {pm.severity.label if pm.severity else 'not set'}  ",
        f"**Type:** {pm.type.value if pm.type else 'not set'}  ",
        f"**Services:** {', '.join(_inline(s) for s in pm.services) or 'not set'}  ",
        f"**Authors:** {', '.join(_inline(a) for a in pm.authors) or 'not set'}  ",
        f"**Reviewed:** {reviewed}  ",
        f"**Status:** {pm.status.value} · **ID:** {pm.id}",
        "",
    ]
    return lines


def _section(title: str, text: str) -> list[str]:
    return [f"## {title}", "", _block(text), ""]


def _timeline(events: Sequence[TimelineEvent]) -> list[str]:
    if not events:
        return ["_No events yet._", ""]
    rows = ["| Time | Event | Source | Actor |", "|---|---|---|---|"]
    for e in events:
        milestone = f" **[{e.milestone.label}]**" if e.milestone else ""
        rows.append(f"| {e.time:%H:%M:%S} | {_cell(e.event)}{milestone} | {_cell(e.source)} | {_cell(e.actor)} |")
    return [*rows, ""]


def _actions(pm: PostMortem) -> list[str]:
    if not pm.actions:
        return ["_No action items yet._", ""]
    rows = ["| ID | Action | Owner | Deadline | Priority | Ticket |", "|---|---|---|---|---|---|"]
    for a in pm.actions:
        ticket = f"[link]({a.ticket_url})" if a.ticket_url else ("in app" if a.tracked_in_app else "-")
        rows.append(
            f"| {a.id} | {_cell(a.action)} | {_cell(a.owner) or '-'} | "
            f"{a.deadline.isoformat() if a.deadline else '-'} | {a.priority.value if a.priority else '-'} | {ticket} |"
        )
    return [*rows, ""]


def _block(text: str) -> str:
    return text.strip() or "_Not written yet._"


def _inline(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


