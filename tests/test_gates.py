"""Every gate of the registry, passing and failing, on data with known answers."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from core import gates
from core.models import (
    ActionItem,
    ContributingFactor,
    DataGap,
    Dismissal,
    FactorCategory,
    FollowUpReview,
    ItemOutcome,
    Milestone,
    Outcome,
    Priority,
    Report,
    SourceImport,
    SourceKind,
    SystemicIssue,
    TimeWindow,
    WhyChain,
)
from core.steps import Step
from tests.factories import END, EVENTS, NOW, START, at, complete_postmortem, make_event, make_postmortem


def status(pm, gate_id, now=NOW):
    result = gates.gate_or_raise(gate_id).check(pm, now)
    return result


def test_complete_postmortem_passes_every_hard_gate_of_steps_one_to_six():
    pm = complete_postmortem()
    for step in list(Step)[:6]:
        assert gates.failed_gates(pm, step, now=NOW) == [], step


def _drop_milestone(milestone):
    return tuple(dataclasses.replace(e, milestone=None) if e.milestone is milestone else e for e in EVENTS)


FAILING = {
    "incident.details": {"services": ()},
    "incident.window": {"end": START - timedelta(minutes=5)},
    "gather.sources": {"gaps": ()},
    "timeline.milestones": {"events": _drop_milestone(Milestone.DETECTED)},
    "timeline.ordered": {
        "events": tuple(dataclasses.replace(e, time=at(14, 1)) if e.milestone is Milestone.ACKNOWLEDGED else e
                     for e in EVENTS)},
    "timeline.attributed": {"events": (*EVENTS, make_event("E099", at(14, 10), "Restarted pods", source=""))},
    "factors.immediate": {"immediate_cause": "  "},
    "factors.multiple": {"factors": (ContributingFactor("F1", FactorCategory.MONITORING_GAP, "No pool metric"),)},
    "factors.depth": {"why_chains": (WhyChain("Why?", ("a", "b", "c")),)},
    "factors.not-human-error": {"why_chains": (WhyChain("Why?", ("a", "b", "c", "d", "It was human error")),)},
    "factors.systemic": {"systemic_issues": ()},
    "actions.complete": {"actions": (ActionItem("AI-001", "Add a pool alert at 80% for 5 minutes on checkout",
                                                 owner="", deadline=date(2026, 3, 20), priority=Priority.HIGH,
                                                 factor_ids=("F1", "F2")),)},
    "actions.specific": {"actions": (ActionItem("AI-001", "Improve monitoring", owner="@bob",
                                                 deadline=date(2026, 3, 20), priority=Priority.HIGH,
                                                 factor_ids=("F1", "F2")),)},
    "actions.cover-factors": {"actions": complete_postmortem().actions[:1]},
    "report.sections": {"report": Report(summary="s", impact="many users", root_cause="r", went_well="w",
                                          lessons="l")},
    "report.blameless": {"report": dataclasses.replace(complete_postmortem().report,
                                                        root_cause="Bob caused the outage by a careless deploy.")},
    "report.reviewed": {"reviewed_at": None},
}


@pytest.mark.parametrize("gate_id", sorted(FAILING))
def test_hard_gate_fails_with_a_message_saying_how_to_fix(gate_id):
    good = complete_postmortem()
    assert status(good, gate_id) is None
    bad = dataclasses.replace(good, **FAILING[gate_id])
    message = status(bad, gate_id)
    assert message and len(message) > 20
    gate = gates.gate_or_raise(gate_id)
    assert [r.gate.id for r in gates.failed_gates(bad, gate.step, now=NOW)] == [gate_id]


def test_incident_details_names_every_missing_field():
    pm = make_postmortem(title="", services=(), severity=None, type=None)
    message = status(pm, "incident.details")
    for word in ("title", "service", "severity", "type"):
        assert word in message


def test_gather_sources_accepts_an_import_or_a_gap_per_required_kind():
    pm = make_postmortem()
    assert "logs, metrics and alerts" in status(pm, "gather.sources")
    window = TimeWindow(START, END)
    pm = make_postmortem(
        imports=(SourceImport(SourceKind.LOGS, "a.log", START, covered=window),),
        gaps=(DataGap(SourceKind.METRICS, "no Prometheus"), DataGap(SourceKind.ALERTS, "no Alertmanager")),
    )
    assert status(pm, "gather.sources") is None


def test_gather_coverage_warns_about_uncovered_stretches():
    half = TimeWindow(START, START + timedelta(minutes=45))
    pm = make_postmortem(imports=(SourceImport(SourceKind.LOGS, "a.log", START, covered=half),))
    message = status(pm, "gather.coverage")
    assert "logs miss 45 min" in message
    results = {r.gate.id: r.status for r in gates.evaluate(pm, now=NOW, step=Step.GATHER)}
    assert results["gather.coverage"] == "warn"
    full = make_postmortem(imports=(SourceImport(SourceKind.LOGS, "a.log", START, covered=TimeWindow(START, END)),))
    assert status(full, "gather.coverage") is None


def test_optional_milestones_may_be_marked_not_applicable():
    events = _drop_milestone(Milestone.ACKNOWLEDGED)
    pm = complete_postmortem(events=events)
    assert "acknowledged" in status(pm, "timeline.milestones")
    pm = complete_postmortem(events=events, not_applicable=(Milestone.ACKNOWLEDGED,))
    assert status(pm, "timeline.milestones") is None


def test_clock_skew_flags_a_source_shifted_by_whole_hours():
    shifted = tuple(make_event(f"S{n}", at(16 + n // 60, n % 60), "app error", source="payments-app")
                    for n in range(0, 40, 5))
    pm = complete_postmortem(events=(*EVENTS, *shifted))
    result = next(r for r in gates.evaluate(pm, now=NOW, step=Step.TIMELINE) if r.gate.id == "timeline.clock-skew")
    assert result.status == "warn"
    assert "payments-app" in result.message and "1 h ahead" in result.message
    assert status(complete_postmortem(), "timeline.clock-skew") is None


def test_human_error_in_a_factor_is_refused_with_the_question_to_ask():
    pm = complete_postmortem(factors=(
        ContributingFactor("F1", FactorCategory.PROCESS, "Operator error during the deploy"),
        ContributingFactor("F2", FactorCategory.TESTING_GAP, "Load tests missed the query"),
    ))
    assert "What made this possible?" in status(pm, "factors.not-human-error")


def test_a_chain_may_stop_early_with_a_recorded_reason():
    pm = complete_postmortem(why_chains=(WhyChain("Why?", ("a", "b"), stop_reason="Vendor bug; out of our hands"),))
    assert status(pm, "factors.depth") is None


def test_actions_need_a_deadline_after_the_incident():
    late = complete_postmortem().actions[0]
    pm = complete_postmortem(actions=(dataclasses.replace(late, deadline=date(2026, 3, 1)),
                                      complete_postmortem().actions[1]))
    assert "AI-001 needs a deadline after the incident" in status(pm, "actions.complete")


def test_a_factor_accepted_as_risk_needs_no_action():
    factors = (*complete_postmortem().factors,
               ContributingFactor("F3", FactorCategory.DEPENDENCY, "Cloud DB failover takes 60 s",
                                  accepted_risk=True, accepted_reason="Within the SLO"))
    assert status(complete_postmortem(factors=factors), "actions.cover-factors") is None


def test_a_dismissed_blameless_finding_no_longer_blocks():
    report = dataclasses.replace(complete_postmortem().report, lessons="Bob broke the pool settings.")
    pm = complete_postmortem(report=report)
    assert "Bob broke" in status(pm, "report.blameless")
    pm = dataclasses.replace(pm, dismissals=(Dismissal("Lessons learned", "Bob broke", "quoted from the chat"),))
    assert status(pm, "report.blameless") is None


def test_publication_clock_warns_when_late_and_when_stale():
    pm = complete_postmortem()
    assert status(pm, "report.published-48h", now=END + timedelta(hours=47)) is None
    assert "goal: 48 h" in status(pm, "report.published-48h", now=END + timedelta(hours=60))
    assert "stale" in status(pm, "report.published-48h", now=END + timedelta(days=9))
    published = complete_postmortem(published_at=END + timedelta(hours=20))
    assert status(published, "report.published-48h", now=END + timedelta(days=30)) is None


def test_track_gates_need_tickets_a_weekly_review_and_a_followup():
    pm = complete_postmortem()
    assert "AI-001" in status(pm, "track.tickets")
    assert status(pm, "track.weekly-review")
    assert "Publish the report first" in status(pm, "track.followup-4w")
    actions = tuple(dataclasses.replace(a, ticket_url=f"https://github.com/acme/shop/issues/{n}")
                    for n, a in enumerate(pm.actions, start=1))
    published = END + timedelta(hours=20)
    pm = complete_postmortem(actions=actions, published_at=published, weekly_review_issued_at=published,
                             follow_up=FollowUpReview(scheduled_for=(published + timedelta(weeks=4)).date()))
    assert [r.gate.id for r in gates.failed_gates(pm, Step.TRACK, now=NOW)] == []


def test_followup_review_needs_outcomes_and_a_sponsor_for_stalled_high_items():
    published = END + timedelta(hours=20)
    held = FollowUpReview(scheduled_for=(published + timedelta(weeks=4)).date(), held_on=date(2026, 4, 12),
                          outcomes=(ItemOutcome("AI-001", Outcome.STALLED),))
    pm = complete_postmortem(published_at=published, follow_up=held)
    assert "AI-002" in status(pm, "track.followup-4w")
    held = dataclasses.replace(held, outcomes=(*held.outcomes, ItemOutcome("AI-002", Outcome.DONE, "yes")))
    pm = complete_postmortem(published_at=published, follow_up=held)
    assert "executive sponsor" in status(pm, "track.followup-4w")
    sponsored = (dataclasses.replace(pm.actions[0], sponsor="@cto"), pm.actions[1])
    assert status(dataclasses.replace(pm, actions=sponsored), "track.followup-4w") is None
    early = FollowUpReview(scheduled_for=(published + timedelta(days=7)).date())
    assert "four weeks" in status(complete_postmortem(published_at=published, follow_up=early), "track.followup-4w")


def test_first_blocked_step_points_back_to_the_earliest_unfinished_step():
    pm = complete_postmortem(systemic_issues=(SystemicIssue(""),))
    assert gates.first_blocked_step(pm, now=NOW) is Step.FACTORS
    assert gates.first_blocked_step(pm, now=NOW, before=Step.FACTORS) is None
    assert gates.first_blocked_step(pm, now=NOW, before=Step.REPORT) is Step.FACTORS


def test_gate_ids_are_unique_and_every_step_has_gates():
    ids = [g.id for g in gates.GATES]
    assert len(ids) == len(set(ids))
    assert {g.step for g in gates.GATES} == set(Step)
    with pytest.raises(KeyError):
        gates.gate_or_raise("no.such-gate")


def test_a_high_priority_item_due_after_thirty_days_is_questioned():
    pm = complete_postmortem()
    assert status(pm, "actions.timely") is None
    slow = dataclasses.replace(pm.actions[0], deadline=date(2026, 5, 1))
    message = status(complete_postmortem(actions=(slow, pm.actions[1])), "actions.timely")
    assert "AI-001" in message and "30 days" in message
