"""Similar past incidents: what counts as similar, the order, and the action items' outcomes."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from core import similar
from core.models import (
    ActionItem,
    ActionStatus,
    AlertInterval,
    ContributingFactor,
    FactorCategory,
    FollowUpReview,
    ItemOutcome,
    Outcome,
)
from tests.apptest import by_label, open_app
from tests.factories import END, NOW, START, complete_postmortem, make_postmortem


def earlier(pm_id: str, days: int, **overrides):
    return make_postmortem(id=pm_id, start=START - timedelta(days=days), end=END - timedelta(days=days),
                           created_at=NOW - timedelta(days=days), **overrides)


def test_earlier_postmortems_sharing_services_categories_or_alerts_are_found_most_in_common_first():
    pm = complete_postmortem(services=("checkout",), alerts=(AlertInterval("HighErrorRate", "critical", START),))
    by_service = earlier("PM-2026-01-10", 63, services=("Checkout",))
    by_all = earlier("PM-2025-12-01", 103, services=("checkout",),
                     factors=(ContributingFactor("F1", FactorCategory.MONITORING_GAP, "No pool alert"),),
                     alerts=(AlertInterval("HighErrorRate", "critical", START - timedelta(days=103)),))
    unrelated = earlier("PM-2026-02-01", 41, services=("search",))
    later = dataclasses.replace(by_all, id="PM-2026-04-01", start=START + timedelta(days=18),
                                end=END + timedelta(days=18))
    found = similar.similar_incidents(pm, [by_service, by_all, unrelated, later, pm])
    assert [m.pm_id for m in found] == ["PM-2025-12-01", "PM-2026-01-10"]
    assert found[0].reasons == "services: checkout; factor categories: Monitoring gap; alerts: HighErrorRate"
    assert found[1].services == ("Checkout",)


def test_action_items_show_the_follow_up_outcome_and_whether_it_worked():
    actions = (ActionItem("AI-001", "Alert on pool use"), ActionItem("AI-002", "Load test", status=ActionStatus.DONE),
               ActionItem("AI-003", "Runbook", status=ActionStatus.IN_PROGRESS))
    past = earlier("PM-2026-01-10", 63, services=("checkout",), actions=actions,
                   follow_up=FollowUpReview(date(2026, 2, 10), outcomes=(
                       ItemOutcome("AI-001", Outcome.DONE, "yes"), ItemOutcome("AI-002", Outcome.DONE, "no"))))
    found = similar.similar_incidents(complete_postmortem(), [past])
    assert [a.outcome for a in found[0].actions] == ["done — did it work? yes", "done — did it work? no",
                                                     "in progress"]


def test_the_factors_step_lists_similar_incidents_when_asked(app_db):
    app_db.add(earlier("PM-2026-01-10", 63, title="Checkout slow", services=("checkout",),
                       actions=(ActionItem("AI-001", "Add a pool alert", status=ActionStatus.DONE),)),
               actor="t", now=NOW)
    pm = app_db.add(complete_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "factors")
    by_label(app.toggle, "Show similar past incidents").set_value(True).run()
    assert not app.exception
    text = "\n".join(m.value for m in app.markdown)
    assert "Checkout slow" in text and "services: checkout" in text and "Add a pool alert" in text
    assert "**done**" in text
