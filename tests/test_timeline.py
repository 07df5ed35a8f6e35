"""Timeline logic on known answers: merging and folding, milestone suggestions, durations, clock skew."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta
from pathlib import Path

import pytest

from core import timeline
from core.export import document
from core.ingest import logs
from core.models import AlertInterval, Candidate, EventKind, Milestone, TimeWindow
from tests.factories import EVENTS, at, complete_postmortem, make_event, make_postmortem

DEMO = Path(__file__).resolve().parent.parent / "demo" / "postmortem.json"
HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def demo():
    return document.loads(DEMO.read_text(encoding="utf-8"))


def without_milestones(pm):
    return dataclasses.replace(pm, events=tuple(dataclasses.replace(e, milestone=None) for e in pm.events))


# --- merge_events -------------------------------------------------------------------------------

AM_FIRING = make_event("am-1", at(14, 4, 2), "HighErrorRate firing", source="Alertmanager", actor="System",
                       kind=EventKind.ALERT, evidence="service=checkout")
HISTORY_FIRING = make_event("prom-1", at(14, 4, 15), "HighErrorRate firing", source="Prometheus", actor="System",
                            kind=EventKind.ALERT)
PD_TRIGGER = make_event("pd-1", at(14, 4, 32), "Page triggered: [FIRING:1] HighErrorRate checkout (critical)",
                        source="PagerDuty", actor="System", kind=EventKind.PAGE, evidence="PagerDuty log entry 1")
AM_LATENCY = make_event("am-2", at(14, 4, 32), "HighLatency firing", source="Alertmanager", actor="System",
                        kind=EventKind.ALERT)
PD_PUSH = make_event("pd-2", at(14, 4, 33), "Notified Maria Lopez by push notification", source="PagerDuty",
                     actor="System", kind=EventKind.PAGE)
PD_SMS = make_event("pd-3", at(14, 4, 34), "Notified Maria Lopez by SMS", source="PagerDuty", actor="System",
                    kind=EventKind.PAGE)


def test_merge_orders_by_time_then_id():
    a = make_event("B", at(14, 5), "second")
    b = make_event("A", at(14, 5), "first at the same time", source="kubectl")
    c = make_event("C", at(14, 1), "earliest", source="slack", kind=EventKind.CHAT)
    assert [e.id for e in timeline.merge_events([a], [c, b])] == ["C", "A", "B"]


def test_the_same_alert_from_alertmanager_history_and_pagerduty_is_one_event():
    merged = timeline.merge_events([AM_FIRING, AM_LATENCY], [HISTORY_FIRING, PD_TRIGGER, PD_PUSH, PD_SMS])
    assert [e.id for e in merged] == ["am-1", "am-2", "pd-2", "pd-3"]
    folded = merged[0]
    assert folded.source == "Alertmanager + Prometheus + PagerDuty"
    assert folded.time == at(14, 4, 2) and folded.event == "HighErrorRate firing"
    assert folded.evidence == "service=checkout | PagerDuty log entry 1"
    # "[FIRING:1] HighErrorRate" shares only "firing" with "HighLatency firing": they stay apart
    assert merged[1].source == "Alertmanager"


def test_a_fold_keeps_the_earlier_time_the_person_and_the_milestone():
    kept = make_event("E1", at(14, 6, 30), "Page acknowledged", Milestone.ACKNOWLEDGED, source="Slack #inc",
                      actor="-", kind=EventKind.PAGE)
    new = make_event("pd-9", at(14, 6, 5), "Acknowledged: page", source="PagerDuty", actor="Maria Lopez",
                     kind=EventKind.PAGE, starred=True)
    (folded,) = timeline.merge_events([kept], [new])
    assert (folded.id, folded.time, folded.actor) == ("E1", at(14, 6, 5), "Maria Lopez")
    assert folded.milestone is Milestone.ACKNOWLEDGED and folded.starred


def test_identical_time_and_text_fold_whatever_the_kind():
    a = make_event("E1", at(14, 2, 17), "First 502 at the edge", source="nginx")
    b = make_event("c-1", at(14, 2, 17), "first 502  at the edge", source="manual notes", kind=EventKind.MANUAL)
    (folded,) = timeline.merge_events([a], [b])
    assert folded.source == "nginx + manual notes"


def test_what_stays_apart():
    firing = make_event("a", at(14, 4), "HighErrorRate firing", source="Prometheus", kind=EventKind.ALERT)
    resolved = make_event("b", at(14, 4, 40), "HighErrorRate resolved", source="Alertmanager", kind=EventKind.ALERT)
    late = dataclasses.replace(HISTORY_FIRING, id="c", time=at(14, 5, 3))  # 61 s after the first
    chat = make_event("d", at(14, 4, 10), "HighErrorRate firing, looking", source="Slack", kind=EventKind.CHAT)
    wordless = make_event("e", at(14, 4, 20), "!", source="Alertmanager", kind=EventKind.ALERT)
    assert len(timeline.merge_events([firing], [resolved, late, chat, wordless])) == 5
    pod_a = make_event("f", at(14, 6), "Pod checkout-x2kqp OOMKilled", source="kubectl")
    pod_b = make_event("g", at(14, 6, 5), "Pod checkout-r7hjn OOMKilled", source="k8s events")
    assert len(timeline.merge_events([pod_a], [pod_b])) == 2


def test_merging_again_adds_nothing():
    once = timeline.merge_events([AM_FIRING], [HISTORY_FIRING, PD_TRIGGER, PD_PUSH, PD_SMS, AM_LATENCY])
    assert timeline.merge_events(once, [HISTORY_FIRING, PD_TRIGGER, PD_PUSH, PD_SMS, AM_LATENCY]) == once
    assert timeline.merge_events(once, once) == once
    assert timeline.merge_events((), [PD_PUSH, PD_PUSH]) == (PD_PUSH,)


def test_an_event_whose_id_is_there_is_left_as_the_user_edited_it():
    edited = dataclasses.replace(PD_PUSH, event="Maria paged (push)", starred=True)
    assert timeline.merge_events([edited], [PD_PUSH]) == (edited,)


# --- milestones ---------------------------------------------------------------------------------


def test_suggestions_on_the_demo_find_its_own_milestone_events(demo):
    suggestions = timeline.suggest_milestones(without_milestones(demo))
    for milestone in Milestone:
        expected = next(e for e in demo.events if e.milestone is milestone)
        found = suggestions[milestone]
        assert found is not None, milestone
        assert found.event_id == expected.id, (milestone, found)
        assert abs(found.time - expected.time) <= timedelta(seconds=60)
        assert found.source == expected.source and found.reason


def test_accepting_the_suggestions_restores_the_demo_timeline(demo):
    bare = without_milestones(demo)
    accepted = timeline.accept_milestones(bare, timeline.suggest_milestones(bare))
    assert accepted.events == demo.events


def test_nothing_to_suggest_on_an_empty_timeline():
    assert set(timeline.suggest_milestones(make_postmortem()).values()) == {None}


def test_impact_start_comes_from_a_burst_candidate_when_no_event_says_5xx():
    burst = Candidate("c-burst", at(14, 2, 20), "5xx burst starts: 48/min, up from 1/min", "nginx access log",
                      count=1200, example='1.2.3.4 - - "GET /checkout" 502')
    stray = Candidate("c-old", at(12, 0), "First 503 on GET /health", "nginx access log")
    pm = make_postmortem(candidates=(burst, stray), events=(
        make_event("E1", at(14, 1, 50), "connection pool exhausted (max 20)", source="kubectl"),
        make_event("E2", at(14, 4), "HighErrorRate firing", source="Prometheus", kind=EventKind.ALERT),
    ))
    impact = timeline.suggest_milestones(pm)[Milestone.IMPACT_START]
    assert impact is not None
    assert (impact.time, impact.event_id, impact.source) == (at(14, 2, 20), None, "nginx access log")
    assert "1,200" in impact.reason
    accepted = timeline.accept_milestones(pm, {Milestone.IMPACT_START: impact})
    added = next(e for e in accepted.events if e.milestone is Milestone.IMPACT_START)
    assert (added.id, added.event, added.kind, added.evidence) == ("E003", burst.event, EventKind.LOG, burst.example)


def test_impact_falls_back_to_the_earliest_error_but_not_to_a_reassuring_line():
    pm = make_postmortem(events=(
        make_event("E1", at(14, 1), "capture batch: 31 captured, 0 failed", source="worker"),
        make_event("E2", at(14, 3), "checkout-api: connection pool exhausted", source="kubectl"),
        make_event("E3", at(14, 5), "HighErrorRate firing", source="Prometheus", kind=EventKind.ALERT),
    ))
    impact = timeline.suggest_milestones(pm)[Milestone.IMPACT_START]
    assert impact is not None and impact.event_id == "E2"


def test_fallbacks_alert_intervals_and_recovery():
    pm = make_postmortem(
        alerts=(AlertInterval("HighErrorRate", "critical", at(14, 4), at(14, 30)),),
        events=(make_event("E1", at(14, 20), "Error rate back to normal", source="Grafana", kind=EventKind.METRIC),),
    )
    found = timeline.suggest_milestones(pm)
    detected, mitigated, resolved = found[Milestone.DETECTED], found[Milestone.MITIGATED], found[Milestone.RESOLVED]
    assert detected is not None and (detected.time, detected.event_id) == (at(14, 4), None)
    assert mitigated is not None and mitigated.event_id == "E1"
    assert resolved is not None and (resolved.time, resolved.event) == (at(14, 30), "HighErrorRate resolved")
    assert found[Milestone.ACKNOWLEDGED] is None


def test_mitigated_is_the_first_fix_when_its_completion_is_not_reported():
    pm = make_postmortem(events=(
        make_event("E1", at(14, 4), "HighErrorRate firing", source="Prometheus", kind=EventKind.ALERT),
        make_event("E2", at(14, 10), "Restarted the checkout pods", source="ops notes", kind=EventKind.MANUAL),
        make_event("E3", at(14, 30), "HighErrorRate resolved", source="Prometheus", kind=EventKind.ALERT),
    ))
    found = timeline.suggest_milestones(pm)
    assert found[Milestone.MITIGATED] is not None and found[Milestone.MITIGATED].event_id == "E2"
    assert found[Milestone.RESOLVED] is not None and found[Milestone.RESOLVED].event_id == "E3"


def test_accepting_moves_a_milestone_and_adds_a_manual_event_where_none_is():
    pm = complete_postmortem(not_applicable=(Milestone.ACKNOWLEDGED,))
    moved = timeline.Suggestion(at(14, 5), "PagerDuty", "E003", "First page")
    new = timeline.Suggestion(at(14, 6, 30), "Slack #inc", None, "Acked in chat", "Maria acknowledges in Slack")
    accepted = timeline.accept_milestones(pm, {Milestone.DETECTED: moved, Milestone.ACKNOWLEDGED: new,
                                               Milestone.RESOLVED: None})
    marked = {e.milestone: e for e in accepted.events if e.milestone}
    assert marked[Milestone.DETECTED].id == "E003"
    assert next(e for e in accepted.events if e.id == "E002").milestone is None
    added = marked[Milestone.ACKNOWLEDGED]
    assert (added.id, added.time, added.kind, added.event) == ("E007", at(14, 6, 30), EventKind.MANUAL,
                                                              "Maria acknowledges in Slack")
    assert marked[Milestone.RESOLVED].id == "E006"
    assert accepted.not_applicable == ()
    assert [e.time for e in accepted.events] == sorted(e.time for e in accepted.events)


def test_an_added_event_takes_the_next_free_number():
    pm = make_postmortem(events=(make_event("E001", at(14, 1), "a"), make_event("E003", at(14, 2), "b")))
    accepted = timeline.accept_milestones(pm, {Milestone.RESOLVED: timeline.Suggestion(at(15, 0), "PagerDuty", None,
                                                                                        "resolved")})
    assert [e.id for e in accepted.events] == ["E001", "E003", "E004"]
    assert accepted.events[-1].event == "Resolved"


# --- durations ----------------------------------------------------------------------------------


def test_durations_of_the_demo(demo):
    found = {d.name: d for d in timeline.durations(demo)}
    assert found["Time to detect"].span == timedelta(minutes=1, seconds=45)
    assert found["Time to acknowledge"].sentence == "Someone acknowledged it 2 min 3 s after detection."
    assert found["Time to mitigate"].span == timedelta(minutes=17, seconds=35)
    assert found["Time to resolve"].sentence == "The incident was resolved 1 h 1 min after impact began."


def test_durations_skip_milestones_not_marked():
    pm = complete_postmortem(events=tuple(dataclasses.replace(e, milestone=None) if e.id == "E004" else e
                                          for e in EVENTS))
    assert [d.name for d in timeline.durations(pm)] == ["Time to detect", "Time to mitigate", "Time to resolve"]


# --- clock skew ---------------------------------------------------------------------------------


def test_the_demo_has_no_skew(demo):
    assert timeline.detect_skew(demo) == []
    assert timeline.detect_skew(complete_postmortem()) == []


def test_an_app_log_written_at_plus_one_hour_is_one_hour_behind_and_one_click_fixes_it(demo):
    # the payment worker writes local time (+01:00); converted the wrong way, its events land 1 h early
    skewed = timeline.shift_source(demo, "payment-worker log", -HOUR)
    (skew,) = timeline.detect_skew(skewed)
    assert (skew.source, skew.offset) == ("payment-worker log", HOUR)
    assert "1 h behind" in skew.reason and "first error comes 1 h before the first alert" in skew.reason
    fixed = timeline.shift_source(skewed, skew.source, skew.offset)
    assert fixed.events == demo.events
    assert timeline.detect_skew(fixed) == []


def test_pagerduty_an_hour_early_acknowledges_before_the_alert(demo):
    skewed = timeline.shift_source(demo, "PagerDuty", -HOUR)
    (skew,) = timeline.detect_skew(skewed)  # not "Prometheus alerts", whose events sit with all the others
    assert (skew.source, skew.offset) == ("PagerDuty", HOUR)
    assert "before the first alert fired at 14:04:02 UTC" in skew.reason


def test_a_source_one_hour_late_is_one_hour_ahead():
    late = tuple(make_event(f"S{n}", at(16 + n // 60, n % 60), "payment capture error", source="payments-app")
                 for n in range(0, 40, 5))
    pm = complete_postmortem(events=(*EVENTS, *late))
    (skew,) = timeline.detect_skew(pm)
    assert (skew.source, skew.offset) == ("payments-app", -HOUR)
    assert "1 h ahead" in skew.reason
    assert timeline.detect_skew(timeline.shift_source(pm, "payments-app", -HOUR)) == []


def test_early_warnings_and_old_deploys_are_not_skew():
    pm = complete_postmortem(events=(
        *EVENTS,
        make_event("W1", at(13, 20), "slow query warning", source="kubectl"),
        make_event("W2", at(14, 3), "pool exhausted error", source="kubectl"),
        make_event("W3", at(14, 10), "pool exhausted error", source="kubectl"),
        make_event("D1", at(11, 0), "Deploy v2.3.0", source="GitHub deployments", kind=EventKind.DEPLOY),
        make_event("X1", at(18, 0), "Customer follow-up", source="Slack #support", kind=EventKind.CHAT),
    ))
    assert timeline.detect_skew(pm) == []


def test_an_ack_before_the_page_of_the_same_source_is_no_clock_skew():
    events = tuple(dataclasses.replace(e, time=at(14, 1)) if e.id == "E004" else e for e in EVENTS)
    assert timeline.detect_skew(complete_postmortem(events=events)) == []


def test_shift_source_moves_its_candidates_too():
    candidate = Candidate("c-1", at(13, 2), "error burst starts", "worker", last_time=at(13, 20))
    other = Candidate("c-2", at(14, 2), "First 502", "nginx")
    shifted = timeline.shift_source(make_postmortem(candidates=(candidate, other)), "worker", HOUR)
    assert [(c.time, c.last_time) for c in shifted.candidates] == [(at(14, 2), at(14, 20)), (at(14, 2), None)]


# --- clock skew from the data: per-minute error rates aligned across sources ---------------------


@pytest.fixture(scope="module")
def two_logs(demo):
    """The demo's nginx and kubectl logs imported over a two-hour window, with the demo's alerts."""
    window = TimeWindow(demo.start, demo.start + 2 * HOUR)
    series = []
    for name in ("nginx-access.log", "checkout-api.kubectl.log"):
        path = DEMO.parent / "telemetry" / name
        result = logs.import_log(io.BytesIO(path.read_bytes()), origin=name, window=window, now=demo.start)
        series += result.series
    return dataclasses.replace(demo, end=window.end, series=(*demo.series, *series))


def test_logs_that_agree_with_each_other_and_the_alerts_have_no_skew(two_logs):
    assert timeline.detect_skew(two_logs) == []


@pytest.mark.parametrize("offset", [HOUR, -HOUR, timedelta(minutes=7)])
def test_a_kubectl_log_shifted_is_flagged_from_its_error_rate_and_one_click_fixes_it(two_logs, offset):
    skewed = timeline.shift_source(two_logs, "checkout-api", offset)
    (skew,) = timeline.detect_skew(skewed)
    # alerts and 5-minute rates lag a log by a minute or two: an offset of minutes is found to within that
    assert skew.source == "checkout-api" and abs(skew.offset + offset) <= timedelta(minutes=3)
    assert skew.offset == -offset or offset % HOUR
    assert "errors and warnings per minute line up with" in skew.reason and "similarity" in skew.reason
    assert timeline.detect_skew(timeline.shift_source(skewed, skew.source, skew.offset)) == []


def test_two_logs_without_alerts_that_disagree_are_still_flagged(two_logs):
    alone = timeline.shift_source(dataclasses.replace(two_logs, alerts=()), "checkout-api", HOUR)
    skews = timeline.detect_skew(alone)
    assert skews and all(abs(s.offset) == HOUR for s in skews)


def test_a_release_seen_in_a_log_before_its_deploy_began_is_skew():
    deploy = make_event("D1", at(14, 0), "Deploy checkout-api v2.3.0 started", source="GitHub deployments",
                        kind=EventKind.DEPLOY)
    early = (make_event("L1", at(13, 1), "Starting checkout-api v2.3.0 (commit 9f3c2ab)", source="checkout-api"),
             make_event("L2", at(13, 3), "pool exhausted on the v2.3.0 pods", source="checkout-api"))
    pm = complete_postmortem(events=(*EVENTS, deploy, *early))
    (skew,) = timeline.detect_skew(pm)
    assert (skew.source, skew.offset) == ("checkout-api", HOUR)
    assert "before the deploy of 2.3.0 began at 14:00:00 UTC" in skew.reason
