"""Confidence and the gates: only confident findings block; advice is shown; a dismissal with a reason stays."""

from __future__ import annotations

import dataclasses

from core import gates, report_text
from core.models import Dismissal
from tests.factories import NOW, complete_postmortem


def with_lessons(text):
    return complete_postmortem(report=dataclasses.replace(complete_postmortem().report, lessons=text))


def blameless_failure(pm):
    return [r for r in gates.evaluate(pm, now=NOW) if r.gate.id == "report.blameless" and r.status == "fail"]


def test_advice_is_listed_on_the_report_step_but_does_not_block_publishing():
    pm = with_lessons("Obviously the pool was too small for the traffic.")
    assert [f.rule for _, f in report_text.open_findings(pm)] == ["hindsight"]
    assert blameless_failure(pm) == []


def test_a_confident_finding_blocks_until_dismissed_with_a_reason():
    pm = with_lessons("Bob broke the pool settings.")
    assert blameless_failure(pm)
    pm = dataclasses.replace(pm, dismissals=(Dismissal("Lessons learned", "Bob broke", "quoted from the chat"),))
    assert blameless_failure(pm) == []


def test_the_post_mortems_own_people_and_systems_decide_who_a_name_is():
    pm = complete_postmortem()
    context = report_text.language_context(pm)
    for service in pm.services:
        assert context.is_system(service)
    for owner in {a.owner for a in pm.actions if a.owner}:
        assert context.is_person(owner)
