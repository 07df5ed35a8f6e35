"""The gate registry: every checklist rule of every step, as data.

The pages, the CLI ``check``, the report's checklist appendix and the tests all read ``GATES``.
A gate's ``check`` returns None when it passes, or a plain-words message saying what is missing
and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from core import coverage, language, report_text, timeline
from core.models import Milestone, PostMortem, Priority, SourceKind
from core.steps import Step


class GateKind(Enum):
    """A hard gate blocks the next step; an advisory gate only warns."""

    HARD = "hard"
    ADVISORY = "advisory"


@dataclass(frozen=True)
class Gate:
    """One checklist rule of a step."""

    id: str
    step: Step
    kind: GateKind
    title: str
    check: Callable[[PostMortem, datetime], str | None]


@dataclass(frozen=True)
class GateResult:
    """A gate evaluated on a post-mortem: ``status`` is "pass", "fail" (hard) or "warn" (advisory)."""

    gate: Gate
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """Return True when the gate passes."""
        return self.status == "pass"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- step 1: incident -------------------------------------------------------------------------


def _incident_details(pm: PostMortem, _now: datetime) -> str | None:
    missing = []
    if not pm.title.strip():
        missing.append("a title")
    if not pm.services:
        missing.append("at least one affected service")
    if pm.severity is None:
        missing.append("a severity (P1–P4)")
    if pm.type is None:
        missing.append("the incident type (outage, degradation, near miss or recurring)")
    if not missing:
        return None
    return f"Add {_join(missing)} in the Incident step."


def _incident_window(pm: PostMortem, _now: datetime) -> str | None:
    if pm.end <= pm.start:
        return "The incident end must be after its start: correct the start or end time (UTC)."
    return None


# --- step 2: gather -----------------------------------------------------------------------------


def _gather_sources(pm: PostMortem, _now: datetime) -> str | None:
    missing = [
        kind.value
        for kind in SourceKind
        if kind.required
        and not any(i.kind is kind for i in pm.imports)
        and not any(g.source is kind for g in pm.gaps)
    ]
    if not missing:
        return None
    return (
        f"No {_join(missing)} yet: import them, or record a data gap saying why they cannot be had "
        "(for example \"logs rotated after 7 days\")."
    )


def _gather_coverage(pm: PostMortem, _now: datetime) -> str | None:
    problems = []
    for kind in SourceKind:
        imports = [i for i in pm.imports if i.kind is kind]
        if not kind.required or not imports or any(g.source is kind and not g.automatic for g in pm.gaps):
            continue
        if all(i.covered is None for i in imports):
            problems.append(f"the {kind.value} imported do not say which times they cover")
            continue
        missing = sum((h.end - h.start for h in coverage.uncovered(pm, kind)), timedelta(0))
        if missing:
            problems.append(f"the {kind.value} miss {report_text.format_duration(missing)} of the window")
    if not problems:
        return None
    return "Coverage: " + "; ".join(problems) + ". Each stretch is recorded as a data gap: add why it is missing, " \
        "and consider longer retention."


# --- step 3: timeline ---------------------------------------------------------------------------


def _timeline_milestones(pm: PostMortem, _now: datetime) -> str | None:
    missing = []
    for m in Milestone:
        if pm.milestone_time(m) is None and not (m.optional and m in pm.not_applicable):
            missing.append(m.label.lower() + (" (or mark it not applicable)" if m.optional else ""))
    if not missing:
        return None
    return f"Mark the {_join(missing)} milestone(s) on timeline events."


def _timeline_ordered(pm: PostMortem, _now: datetime) -> str | None:
    present = [(m, t) for m in Milestone if (t := pm.milestone_time(m)) is not None]
    for (m1, t1), (m2, t2) in zip(present, present[1:], strict=False):
        if t2 < t1:
            return (
                f"The {m2.label.lower()} milestone ({t2:%H:%M:%S} UTC) comes before {m1.label.lower()} "
                f"({t1:%H:%M:%S} UTC). Milestones must run impact start ≤ detected ≤ acknowledged ≤ "
                "mitigated ≤ resolved: check the times, or which event carries each milestone."
            )
    return None


def _timeline_attributed(pm: PostMortem, _now: datetime) -> str | None:
    if not pm.events:
        return "The timeline is empty: add the events of the incident."
    bad = [
        f"{e.time:%H:%M:%S}"
        for e in pm.events
        if not e.event.strip() or not e.source.strip() or not e.actor.strip()
    ]
    if not bad:
        return None
    return (
        f"{len(bad)} event(s) lack an event text, source or actor (first at {bad[0]} UTC). Every event needs "
        "what happened, where the fact came from, and an actor: \"-\" for something observed, \"System\" "
        "for automation, or a person."
    )


def _timeline_clock_skew(pm: PostMortem, _now: datetime) -> str | None:
    skews = timeline.detect_skew(pm)
    if not skews:
        return None
    return "Clock skew: " + " ".join(s.reason for s in skews) + " Check the source's time zone and shift its events."


# --- step 4: factors ----------------------------------------------------------------------------


def _factors_immediate(pm: PostMortem, _now: datetime) -> str | None:
    if pm.immediate_cause.strip():
        return None
    return "Write the immediate cause: the direct technical trigger (e.g. \"DB connection pool exhausted\")."


def _factors_multiple(pm: PostMortem, _now: datetime) -> str | None:
    factors = [f for f in pm.factors if f.text.strip()]
    if len(factors) >= 2:
        return None
    return (
        f"There {'is' if len(factors) == 1 else 'are'} {len(factors)} contributing factor(s); incidents have "
        "several. Add at least two, each with a category (Monitoring gap, Testing gap, Runbook gap, …)."
    )


def _factors_depth(pm: PostMortem, _now: datetime) -> str | None:
    if not pm.why_chains:
        return "Ask \"why?\" five times: start a five-whys chain from the immediate cause."
    shallow = [c for c in pm.why_chains if len([a for a in c.answers if a.strip()]) < 5 and not c.stop_reason.strip()]
    if not shallow:
        return None
    return (
        f"{len(shallow)} five-whys chain(s) stop before five answers: ask \"why?\" again, or record why the "
        "chain stops there."
    )


def _factors_not_human_error(pm: PostMortem, _now: datetime) -> str | None:
    texts = [f.text for f in pm.factors]
    texts += [next((a for a in reversed(c.answers) if a.strip()), "") for c in pm.why_chains]
    texts.append(pm.immediate_cause)
    context = report_text.language_context(pm)
    blamed = [t for t in texts if t.strip() and language.is_blame_ending(t, context=context)]
    if not blamed:
        return None
    return (
        f"\"{blamed[0][:80]}\" stops at a person or at human error. What made this possible? "
        "What would have caught it? Write that instead."
    )


def _factors_systemic(pm: PostMortem, _now: datetime) -> str | None:
    if any(s.text.strip() for s in pm.systemic_issues):
        return None
    return (
        "Name at least one systemic issue: an organisational or process gap behind the factors "
        "(e.g. \"no pre-deployment query-plan review\")."
    )


# --- step 5: actions ----------------------------------------------------------------------------


def _actions_complete(pm: PostMortem, _now: datetime) -> str | None:
    if not pm.actions:
        return "Add action items: each contributing factor needs at least one improvement (or an accepted risk)."
    problems = []
    for a in pm.actions:
        missing = []
        if not a.owner.strip():
            missing.append("an owner")
        if a.deadline is None:
            missing.append("a deadline")
        elif a.deadline <= pm.end.date():
            missing.append("a deadline after the incident")
        if a.priority is None:
            missing.append("a priority (High/Medium/Low)")
        if missing:
            problems.append(f"{a.id} needs {_join(missing)}")
    if not problems:
        return None
    return "; ".join(problems) + "."


def _actions_specific(pm: PostMortem, _now: datetime) -> str | None:
    vague = [a.id for a in pm.actions
             if any(f.rule in language.ACTION_RULES and f.confident for f in language.check_action(a.action))]
    if not vague:
        return None
    return (
        f"{_join(vague)} {'is' if len(vague) == 1 else 'are'} too vague to be done or checked. Name the concrete "
        "thing to change and a verifiable end state: \"add metric X to dashboard Y\", not \"improve monitoring\"."
    )


def _actions_cover_factors(pm: PostMortem, _now: datetime) -> str | None:
    covered = {fid for a in pm.actions for fid in a.factor_ids}
    open_factors = [f.id for f in pm.factors if f.id not in covered and not f.accepted_risk]
    if not open_factors:
        return None
    return (
        f"Factor(s) {_join(open_factors)} have no action item: link an action to each, or accept it as a risk "
        "with a reason."
    )


def _actions_timely(pm: PostMortem, _now: datetime) -> str | None:
    late = [
        a.id
        for a in pm.actions
        if a.priority is Priority.HIGH and a.deadline is not None and a.deadline > pm.end.date() + timedelta(days=30)
    ]
    if not late:
        return None
    return (
        f"High-priority {_join(late)} {'is' if len(late) == 1 else 'are'} due more than 30 days after the incident. "
        "Is it really high priority? Bring the deadline forward, or lower the priority."
    )


# --- step 6: report -----------------------------------------------------------------------------


def _report_sections(pm: PostMortem, _now: datetime) -> str | None:
    r = pm.report
    missing = [
        name
        for name, text in (
            ("Summary", r.summary),
            ("Impact", r.impact),
            ("Root cause", r.root_cause),
            ("What went well", r.went_well),
            ("Lessons learned", r.lessons),
        )
        if not text.strip()
    ]
    problems = []
    if missing:
        problems.append(f"Fill in {_join(missing)}.")
    from core import report_drafts  # here: it reads the chart's series descriptions, which only drafting needs

    drafts = [name for name, text in (("Summary", r.summary), ("Impact", r.impact)) if report_drafts.is_draft(text)]
    if drafts:
        problems.append(f"{_join(drafts)} {'is' if len(drafts) == 1 else 'are'} still a draft from the data: read "
                        "it, correct what is wrong, then press “Accept the draft” (or remove its first line).")
    if r.impact.strip() and not any(ch.isdigit() for ch in r.impact):
        problems.append("Give the impact at least one number (failed requests, users affected, minutes down).")
    return " ".join(problems) or None


def _report_blameless(pm: PostMortem, _now: datetime) -> str | None:
    # Only confident findings block publishing; the others are shown on the report step as advice.
    open_findings = [(field, f) for field, f in report_text.open_findings(pm) if f.confident]
    if not open_findings:
        return None
    field, finding = open_findings[0]
    return (
        f"{len(open_findings)} blameless-language finding(s), first in {field}: \"{finding.text}\". "
        f"{finding.suggestion} Rewrite it, or dismiss the finding with a reason."
    )


def _report_reviewed(pm: PostMortem, _now: datetime) -> str | None:
    missing = []
    if not pm.reviewers:
        missing.append("the reviewer(s)")
    if pm.reviewed_at is None:
        missing.append("the review date")
    if not missing:
        return None
    return f"Record {_join(missing)} before publishing."


def _report_published_48h(pm: PostMortem, now: datetime) -> str | None:
    moment = pm.published_at or now
    delay = moment - pm.end
    if delay <= timedelta(hours=48):
        return None
    verb = "was published" if pm.published_at else "is still unpublished"
    if delay > timedelta(weeks=1):
        return (
            f"The report {verb} {report_text.format_duration(delay)} after the incident ended: over a week, the "
            "insights are going stale. Give it priority."
        )
    return f"The report {verb} {report_text.format_duration(delay)} after the incident ended (goal: 48 h)."


# --- step 7: track ------------------------------------------------------------------------------


def _track_tickets(pm: PostMortem, _now: datetime) -> str | None:
    if not pm.actions:
        return "There are no action items to track yet."
    untracked = [a.id for a in pm.actions if not a.ticket_url.strip() and not a.tracked_in_app]
    if not untracked:
        return None
    return f"{_join(untracked)}: link a tracker issue (GitHub/Jira URL) or mark it tracked in the app."


def _track_weekly_review(pm: PostMortem, _now: datetime) -> str | None:
    if pm.weekly_review_issued_at is not None:
        return None
    return "Add the weekly review of open action items to the team calendar (download the calendar file)."


def _track_followup_4w(pm: PostMortem, _now: datetime) -> str | None:
    if pm.published_at is None:
        return "Publish the report first: the follow-up review is scheduled four weeks after publication."
    if pm.follow_up is None:
        return "Schedule the follow-up review four weeks after publication."
    earliest = pm.published_at.date() + timedelta(weeks=4)
    if pm.follow_up.scheduled_for < earliest - timedelta(days=3):
        return f"Schedule the follow-up review about four weeks after publication (around {earliest:%Y-%m-%d})."
    if pm.follow_up.held_on is None:
        return None
    recorded = {o.action_id: o for o in pm.follow_up.outcomes}
    missing = [a.id for a in pm.actions if a.id not in recorded]
    if missing:
        return f"Record the outcome of {_join(missing)} at the follow-up review."
    stalled = [
        a.id
        for a in pm.actions
        if a.priority is Priority.HIGH and recorded[a.id].outcome.value == "stalled" and not a.sponsor.strip()
    ]
    if stalled:
        return f"High-priority {_join(stalled)} stalled: name an executive sponsor for each."
    return None


GATES: tuple[Gate, ...] = (
    Gate("incident.details", Step.INCIDENT, GateKind.HARD, "Incident details complete", _incident_details),
    Gate("incident.window", Step.INCIDENT, GateKind.HARD, "Incident window valid (UTC)", _incident_window),
    Gate("gather.sources", Step.GATHER, GateKind.HARD, "Logs, metrics and alerts imported or explained",
         _gather_sources),
    Gate("gather.coverage", Step.GATHER, GateKind.ADVISORY, "Sources cover the whole window", _gather_coverage),
    Gate("timeline.milestones", Step.TIMELINE, GateKind.HARD, "Key milestones marked", _timeline_milestones),
    Gate("timeline.ordered", Step.TIMELINE, GateKind.HARD, "Milestones in order", _timeline_ordered),
    Gate("timeline.attributed", Step.TIMELINE, GateKind.HARD, "Every event has time, text, source and actor",
         _timeline_attributed),
    Gate("timeline.clock-skew", Step.TIMELINE, GateKind.ADVISORY, "No source with a skewed clock",
         _timeline_clock_skew),
    Gate("factors.immediate", Step.FACTORS, GateKind.HARD, "Immediate cause written", _factors_immediate),
    Gate("factors.multiple", Step.FACTORS, GateKind.HARD, "Several categorised contributing factors",
         _factors_multiple),
    Gate("factors.depth", Step.FACTORS, GateKind.HARD, "Five whys asked", _factors_depth),
    Gate("factors.not-human-error", Step.FACTORS, GateKind.HARD, "Analysis does not stop at a person",
         _factors_not_human_error),
    Gate("factors.systemic", Step.FACTORS, GateKind.HARD, "Systemic issue named", _factors_systemic),
    Gate("actions.complete", Step.ACTIONS, GateKind.HARD, "Every action has owner, deadline and priority",
         _actions_complete),
    Gate("actions.specific", Step.ACTIONS, GateKind.HARD, "Actions are specific", _actions_specific),
    Gate("actions.cover-factors", Step.ACTIONS, GateKind.HARD, "Every factor addressed", _actions_cover_factors),
    Gate("actions.timely", Step.ACTIONS, GateKind.ADVISORY, "High priority means soon", _actions_timely),
    Gate("report.sections", Step.REPORT, GateKind.HARD, "Report sections filled", _report_sections),
    Gate("report.blameless", Step.REPORT, GateKind.HARD, "Blameless language", _report_blameless),
    Gate("report.reviewed", Step.REPORT, GateKind.HARD, "Reviewed", _report_reviewed),
    Gate("report.published-48h", Step.REPORT, GateKind.ADVISORY, "Published within 48 hours",
         _report_published_48h),
    Gate("track.tickets", Step.TRACK, GateKind.HARD, "Every action tracked", _track_tickets),
    Gate("track.weekly-review", Step.TRACK, GateKind.HARD, "Weekly review reminder issued", _track_weekly_review),
    Gate("track.followup-4w", Step.TRACK, GateKind.HARD, "Follow-up review in 4 weeks", _track_followup_4w),
)


def gate_or_raise(gate_id: str) -> Gate:
    """Return the gate with ``gate_id``; raise KeyError for an unknown id."""
    for gate in GATES:
        if gate.id == gate_id:
            return gate
    raise KeyError(gate_id)


def evaluate(pm: PostMortem, *, now: datetime, step: Step | None = None) -> list[GateResult]:
    """Evaluate every gate (or those of ``step``) in registry order."""
    results = []
    for gate in _gates_of(step):
        message = gate.check(pm, now)
        if message is None:
            results.append(GateResult(gate, "pass", "OK"))
        else:
            results.append(GateResult(gate, "fail" if gate.kind is GateKind.HARD else "warn", message))
    return results


def failed_gates(pm: PostMortem, step: Step, *, now: datetime) -> list[GateResult]:
    """Return the failing hard gates of ``step``: what blocks the next step."""
    return [r for r in evaluate(pm, now=now, step=step) if r.status == "fail"]


def step_passes(pm: PostMortem, step: Step, *, now: datetime) -> bool:
    """Return True when every hard gate of ``step`` passes."""
    return not failed_gates(pm, step, now=now)


def first_blocked_step(pm: PostMortem, *, now: datetime, before: Step | None = None) -> Step | None:
    """Return the first step whose hard gates fail (only steps before ``before`` when given)."""
    for step in Step:
        if before is not None and step.number >= before.number:
            return None
        if not step_passes(pm, step, now=now):
            return step
    return None


def _gates_of(step: Step | None) -> Iterator[Gate]:
    return (g for g in GATES if step is None or g.step is step)
