"""Edits merge by field and by list item: only a change to the same thing is a conflict."""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from core import changes
from core.changes import DELETED, Change
from core.export import document
from core.models import ActionItem, ContributingFactor, FactorCategory, Report, TimelineEvent
from tests.factories import at, complete_postmortem

BASE = complete_postmortem()


def data(pm):
    return document.to_data(pm)


def edited(**fields):
    return data(dataclasses.replace(BASE, **fields))


def paths(found):
    return [c.path for c in found]


def test_a_report_section_is_its_own_field():
    after = edited(report=dataclasses.replace(BASE.report, lessons="Alerts need owners."))
    assert changes.diff(data(BASE), after) == [Change(("report", "lessons"), "Alerts need owners.")]


def test_list_items_with_ids_change_one_by_one():
    first, second = BASE.events[0], BASE.events[1]
    after = edited(events=(dataclasses.replace(first, event="Edited"), *BASE.events[2:]))
    found = changes.diff(data(BASE), after)
    assert paths(found) == [("events", first.id), ("events", second.id)]
    assert found[0].value["event"] == "Edited" and found[1].value is DELETED


def test_two_edits_of_different_fields_from_the_same_base_both_land():
    base = data(BASE)
    bob = changes.diff(base, edited(report=dataclasses.replace(BASE.report, lessons="Bob's lessons")))
    alice = changes.diff(base, edited(runbook="https://runbooks.example/checkout"))
    latest = changes.apply(base, bob)
    merged, conflicts = changes.merge(base, alice, latest, paths(bob))
    assert conflicts == []
    assert merged["report"]["lessons"] == "Bob's lessons" and merged["runbook"] == "https://runbooks.example/checkout"


def test_the_same_field_from_the_same_base_is_a_conflict_that_keeps_both_texts():
    base = data(BASE)
    bob = changes.diff(base, edited(report=dataclasses.replace(BASE.report, lessons="Bob's lessons")))
    alice = changes.diff(base, edited(report=dataclasses.replace(BASE.report, lessons="Alice's lessons")))
    latest = changes.apply(base, bob)
    merged, conflicts = changes.merge(base, alice, latest, paths(bob))
    assert conflicts == [changes.Conflict(("report", "lessons"), "Alice's lessons", "Bob's lessons")]
    assert merged["report"]["lessons"] == "Bob's lessons"  # theirs stays stored; mine is handed back, not lost
    assert changes.label(conflicts[0].path) == "Lessons learned"


def test_the_same_change_made_twice_is_no_conflict():
    base = data(BASE)
    same = changes.diff(base, edited(title="Checkout down"))
    merged, conflicts = changes.merge(base, same, changes.apply(base, same), paths(same))
    assert conflicts == [] and merged["title"] == "Checkout down"


def test_edits_of_different_events_and_a_deletion_all_land():
    base = data(BASE)
    e1, e2, e3 = BASE.events[:3]
    bob = changes.diff(base, edited(events=tuple(dataclasses.replace(e, starred=True) if e == e1 else e
                                                  for e in BASE.events)))
    alice = changes.diff(base, edited(events=tuple(dataclasses.replace(e, actor="@alice") if e == e2 else e
                                                    for e in BASE.events if e != e3)))
    merged, conflicts = changes.merge(base, alice, changes.apply(base, bob), paths(bob))
    assert conflicts == []
    by_id = {e["id"]: e for e in merged["events"]}
    assert by_id[e1.id]["starred"] and by_id[e2.id]["actor"] == "@alice" and e3.id not in by_id


def test_items_added_at_once_under_the_same_id_are_both_kept_and_references_follow():
    base = data(BASE)
    number = BASE.next_action_number
    new_id = f"AI-{number:03d}"
    factor = ContributingFactor("F9", FactorCategory.CAPACITY_PLANNING, "Pool sized for last year's traffic")
    event = TimelineEvent(f"E{len(BASE.events) + 1:03d}", at(14, 20), "Pool resized", "manual", "@bob")
    bob_item = ActionItem(new_id, "Alert at 80 % pool use", owner="@bob", deadline=date(2026, 4, 1))
    alice_item = ActionItem(new_id, "Load-test checkout at 2x peak", owner="@alice", factor_ids=("F9",))
    bob = changes.diff(base, edited(actions=(*BASE.actions, bob_item), next_action_number=number + 1,
                                    events=(*BASE.events, event)))
    alice_event = dataclasses.replace(event, event="Traffic drained to eu-west", actor="@alice")
    alice = changes.diff(base, edited(actions=(*BASE.actions, alice_item), next_action_number=number + 1,
                                      factors=(*BASE.factors, dataclasses.replace(factor, evidence_event_ids=(
                                          alice_event.id,))), events=(*BASE.events, alice_event)))
    merged, conflicts = changes.merge(base, alice, changes.apply(base, bob), paths(bob))
    assert conflicts == []
    actions = {a["id"]: a["action"] for a in merged["actions"]}
    assert actions[new_id] == bob_item.action and actions[f"AI-{number + 1:03d}"] == alice_item.action
    assert merged["next_action_number"] == number + 1  # both raised it to the same value
    events = {e["id"]: e["event"] for e in merged["events"]}
    renamed = next(i for i, text in events.items() if text == "Traffic drained to eu-west")
    assert renamed != event.id and events[event.id] == "Pool resized"
    assert next(f for f in merged["factors"] if f["id"] == "F9")["evidence_event_ids"] == [renamed]
    assert document.from_data(merged).action(new_id) is not None  # still a valid post-mortem


def test_a_merged_document_is_a_valid_postmortem():
    base = data(BASE)
    bob = changes.diff(base, edited(report=Report(summary="S", impact="2,300 failed checkouts")))
    alice = changes.diff(base, edited(services=("checkout", "payments-db", "edge")))
    merged, _ = changes.merge(base, alice, changes.apply(base, bob), paths(bob))
    pm = document.from_data(merged)
    assert pm.report.impact == "2,300 failed checkouts" and pm.services == ("checkout", "payments-db", "edge")


FIELDS = {
    "title": st.text(min_size=1, max_size=20),
    "runbook": st.text(max_size=20),
    "immediate_cause": st.text(max_size=20),
    "lessons": st.text(max_size=20),
    "summary": st.text(max_size=20),
}


def _apply_edit(name, value):
    if name in ("lessons", "summary"):
        return edited(report=dataclasses.replace(BASE.report, **{name: value}))
    return edited(**{name: value})


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(FIELDS)), st.sampled_from(sorted(FIELDS)), st.data())
def test_edits_of_disjoint_fields_merge_the_same_whoever_saves_first(first, second, drawn):
    base = data(BASE)
    a = changes.diff(base, _apply_edit(first, drawn.draw(FIELDS[first])))
    b = changes.diff(base, _apply_edit(second, drawn.draw(FIELDS[second])))
    ab, conflicts_ab = changes.merge(base, b, changes.apply(base, a), paths(a))
    ba, conflicts_ba = changes.merge(base, a, changes.apply(base, b), paths(b))
    if set(paths(a)).isdisjoint(paths(b)):
        assert conflicts_ab == conflicts_ba == [] and ab == ba
    else:
        assert bool(conflicts_ab) == bool(conflicts_ba) == (changes.apply(base, a) != changes.apply(base, b))
