"""The report's content in template order (DESIGN §10): one model, rendered as Markdown and as PDF.

The model holds the user's text as plain text: blocks keep their line breaks, single-line values have
their whitespace collapsed, control characters are dropped. Each renderer escapes it for its format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core import gates, report_text
from core.models import ActionItem, PostMortem, TimelineEvent

SUMMARY = "Summary"
IMPACT = "Impact"
ROOT_CAUSE = "Root Cause"
TIMELINE = "Timeline (all times UTC)"
FACTORS = "Contributing Factors"
ACTIONS = "Action Items"
WENT_WELL = "What Went Well"
LESSONS = "Lessons Learned"
PREVENTION = "Prevention"
DATA_GAPS = "Data Gaps"
CHECKLIST = "Checklist"

SECTIONS: tuple[str, ...] = (
    SUMMARY, IMPACT, ROOT_CAUSE, TIMELINE, FACTORS, ACTIONS, WENT_WELL, LESSONS, PREVENTION, DATA_GAPS, CHECKLIST,
)
"""The top-level section headings, in template order."""

NOT_WRITTEN = "Not written yet."
NONE_RECORDED = "None recorded."
NO_EVENTS = "No events yet."
NO_ACTIONS = "No action items yet."
NO_GAPS = "No gaps: logs, metrics and alerts cover the incident window."

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

STATUS_MARKS = {"pass": "✓ pass", "fail": "✗ fail", "warn": "! warn"}
"""A checklist status as shown: a symbol and the word, so it reads without colour."""


@dataclass(frozen=True)
class HeaderField:
    """One line of the header block, e.g. ("Severity", "P1 (Critical: …)")."""

    label: str
    value: str


@dataclass(frozen=True)
class TimelineRow:
    """One row of the timeline table; ``milestone`` is the milestone's label or ""."""

    time: datetime
    event: str
    source: str
    actor: str
    milestone: str


@dataclass(frozen=True)
class FactorEntry:
    """One categorised contributing factor; ``accepted_reason`` is set when it is an accepted risk."""

    id: str
    category: str
    text: str
    accepted_reason: str | None


@dataclass(frozen=True)
class WhyChainEntry:
    """A five-whys chain with its non-blank answers."""

    question: str
    answers: tuple[str, ...]
    stop_reason: str


@dataclass(frozen=True)
class ActionRow:
    """One row of the action-items table; ``ticket`` is "in app" or "-" when there is no ``ticket_url``."""

    id: str
    action: str
    owner: str
    deadline: str
    priority: str
    ticket_url: str
    ticket: str


@dataclass(frozen=True)
class GapEntry:
    """A data gap: which source, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class CheckRow:
    """One gate of the checklist appendix; ``note`` is empty when the gate passes."""

    title: str
    gate_id: str
    status: str
    note: str


@dataclass(frozen=True)
class ReportModel:
    """Everything the report shows, in template order."""

    pm_id: str
    heading: str
    header: tuple[HeaderField, ...]
    summary: str
    impact: str
    root_cause: str
    timeline: tuple[TimelineRow, ...]
    immediate_cause: str
    factors: tuple[FactorEntry, ...]
    why_chains: tuple[WhyChainEntry, ...]
    systemic_issues: tuple[str, ...]
    actions: tuple[ActionRow, ...]
    went_well: str
    lessons: str
    prevention: str
    gaps: tuple[GapEntry, ...]
    checklist: tuple[CheckRow, ...]


PUBLIC_NOTE = "Public version: people are named by their role; internal details are masked or left out."
"""The header line that marks a public report."""


def build(pm: PostMortem, *, now: datetime, public: bool = False) -> ReportModel:
    """Return the report of ``pm``; ``now`` dates the checklist so the output is reproducible.

    ``public`` marks the header as the public version; ``pm`` is then already ``core.public.public_version``'s.
    """
    r = pm.report
    header = _header(pm)
    if public:
        header = (*header[:-2], HeaderField("Version", PUBLIC_NOTE), *header[-2:])
    return ReportModel(
        pm_id=pm.id,
        heading=f"Post-Mortem: {inline(pm.title) or 'Untitled incident'} ({pm.start:%Y-%m-%d})",
        header=header,
        summary=block(r.summary),
        impact=block(r.impact),
        root_cause=block(r.root_cause),
        timeline=tuple(timeline_row(e) for e in report_events(pm)),
        immediate_cause=block(pm.immediate_cause),
        factors=tuple(
            FactorEntry(f.id, f.category.value, inline(f.text), inline(f.accepted_reason) if f.accepted_risk else None)
            for f in pm.factors
        ),
        why_chains=tuple(
            WhyChainEntry(inline(c.question), tuple(inline(a) for a in c.answers if a.strip()), inline(c.stop_reason))
            for c in pm.why_chains
        ),
        systemic_issues=tuple(inline(s.text) for s in pm.systemic_issues if s.text.strip()),
        actions=tuple(_action_row(a) for a in pm.actions),
        went_well=block(r.went_well),
        lessons=block(r.lessons),
        prevention=block(r.prevention) or ("See the action items above." if pm.actions else ""),
        gaps=tuple(GapEntry(g.source.value, inline(g.reason)) for g in pm.gaps),
        checklist=tuple(
            CheckRow(res.gate.title, res.gate.id, res.status, "" if res.passed else inline(res.message))
            for res in gates.evaluate(pm, now=now)
        ),
    )


def report_events(pm: PostMortem) -> list[TimelineEvent]:
    """Return the events the report shows: the starred ones, or every visible one when none is starred."""
    visible = [e for e in pm.events if not e.hidden]
    starred = [e for e in visible if e.starred or e.milestone is not None]
    return starred if any(e.starred for e in visible) else visible


def timeline_row(e: TimelineEvent) -> TimelineRow:
    """Return the table row of one timeline event."""
    milestone = e.milestone.label if e.milestone else ""
    return TimelineRow(e.time, inline(e.event), inline(e.source), inline(e.actor), milestone)


def inline(text: str) -> str:
    """Return ``text`` on one line: runs of whitespace collapsed to one space, control characters dropped."""
    return " ".join(_CONTROL.sub(" ", text).split())


def block(text: str) -> str:
    """Return multi-line ``text`` trimmed, with Unix line breaks and no control characters but tabs."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _header(pm: PostMortem) -> tuple[HeaderField, ...]:
    span = f"{pm.start:%H:%M}–{pm.end:%H:%M} UTC"
    if pm.end.date() != pm.start.date():
        span = f"{pm.start:%Y-%m-%d %H:%M} – {pm.end:%Y-%m-%d %H:%M} UTC"
    reviewed = pm.reviewed_at.isoformat() if pm.reviewed_at else "not yet"
    if pm.reviewers:
        reviewed += " by " + ", ".join(inline(r) for r in pm.reviewers)
    return (
        HeaderField("Date", f"{pm.start:%Y-%m-%d}"),
        HeaderField("Duration", f"{report_text.format_duration(pm.end - pm.start)} ({span})"),
        HeaderField("Severity", pm.severity.label if pm.severity else "not set"),
        HeaderField("Type", pm.type.value if pm.type else "not set"),
        HeaderField("Services", ", ".join(inline(s) for s in pm.services) or "not set"),
        HeaderField("Authors", ", ".join(inline(a) for a in pm.authors) or "not set"),
        HeaderField("Reviewed", reviewed),
        HeaderField("Status", pm.status.value),
        HeaderField("ID", pm.id),
    )


def _action_row(a: ActionItem) -> ActionRow:
    ticket = inline(a.ticket_url)
    return ActionRow(
        id=a.id,
        action=inline(a.action),
        owner=inline(a.owner) or "-",
        deadline=a.deadline.isoformat() if a.deadline else "-",
        priority=a.priority.value if a.priority else "-",
        ticket_url=ticket,
        ticket="" if ticket else ("in app" if a.tracked_in_app else "-"),
    )
