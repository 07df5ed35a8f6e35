"""JSON merge patches of the document (RFC 7396), merged like every other edit."""

from __future__ import annotations

import pytest

from core import changes, postmortem_service
from core.errors import ConflictError, InvalidInputError
from tests.factories import NOW, complete_postmortem


def test_the_merge_patch_rules_of_rfc_7396():
    # the examples of RFC 7396, appendix A
    cases = [
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"a": "foo"}, "bar", "bar"),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ]
    for target, patch, expected in cases:
        assert changes.merge_patch(target, patch) == expected, (target, patch)


def test_patches_of_different_fields_from_the_same_version_both_apply(repo):
    pm = repo.add(complete_postmortem(), actor="t", now=NOW)
    postmortem_service.apply_patch(pm.id, {"report": {"lessons": "Pools need alerts."}}, base_version=1,
                                   actor="@bob", now=NOW, repo=repo)
    stored = postmortem_service.apply_patch(pm.id, {"runbook": "https://runbooks.example/db"}, base_version=1,
                                            actor="@alice", now=NOW, repo=repo)
    assert (stored.report.lessons, stored.runbook, stored.version) == ("Pools need alerts.",
                                                                        "https://runbooks.example/db", 3)
    assert stored.report.summary == pm.report.summary  # a patch changes only what it names


def test_the_same_field_from_the_same_version_is_refused_naming_it(repo):
    pm = repo.add(complete_postmortem(), actor="t", now=NOW)
    postmortem_service.apply_patch(pm.id, {"report": {"lessons": "Bob's"}}, base_version=1, actor="@bob", now=NOW,
                                   repo=repo)
    with pytest.raises(ConflictError, match="Lessons learned was changed by @bob") as refused:
        postmortem_service.apply_patch(pm.id, {"report": {"lessons": "Alice's"}}, base_version=1, actor="@alice",
                                       now=NOW, repo=repo)
    assert [(c.mine, c.theirs) for c in refused.value.conflicts] == [("Alice's", "Bob's")]
    assert repo.get(pm.id).report.lessons == "Bob's"
    # without a base version the patch is made on the current one, and lands
    assert postmortem_service.apply_patch(pm.id, {"report": {"lessons": "Alice's"}}, base_version=None,
                                          actor="@alice", now=NOW, repo=repo).report.lessons == "Alice's"


def test_one_timeline_event_patched_while_another_is_edited(repo):
    pm = repo.add(complete_postmortem(), actor="t", now=NOW)
    first, second = pm.events[0], pm.events[1]
    events = [{"id": e.id, "time": f"{e.time:%Y-%m-%dT%H:%M:%SZ}", "event": e.event, "source": e.source,
               "actor": e.actor, "kind": e.kind.value, "milestone": e.milestone.value if e.milestone else None}
              for e in pm.events]
    postmortem_service.set_runbook(pm, "edited meanwhile", actor="@bob", now=NOW, repo=repo)
    events[1] = {**events[1], "event": "Second event, corrected"}
    stored = postmortem_service.apply_patch(pm.id, {"events": events}, base_version=1, actor="@alice", now=NOW,
                                            repo=repo)
    by_id = {e.id: e.event for e in stored.events}
    assert by_id[second.id] == "Second event, corrected" and by_id[first.id] == first.event
    assert stored.runbook == "edited meanwhile"


@pytest.mark.parametrize(("patch", "message"), [
    ({"severity": "P9"}, "field severity"),
    ({"id": "PM-2026-01-01"}, "may not change id"),
    ({"version": 7}, "may not change version"),
    (["not", "an", "object"], "must be a JSON object"),
    ({"events": [{"id": "E1"}]}, "field events.0"),
])
def test_a_bad_patch_is_refused_naming_the_field_and_nothing_changes(repo, patch, message):
    pm = repo.add(complete_postmortem(), actor="t", now=NOW)
    with pytest.raises(InvalidInputError, match=message):
        postmortem_service.apply_patch(pm.id, patch, base_version=None, actor="t", now=NOW, repo=repo)
    assert repo.get(pm.id) == pm


def test_a_base_version_that_does_not_exist_is_refused(repo):
    pm = repo.add(complete_postmortem(), actor="t", now=NOW)
    with pytest.raises(InvalidInputError, match="--base-version 5 is not a version"):
        postmortem_service.apply_patch(pm.id, {"runbook": "x"}, base_version=5, actor="t", now=NOW, repo=repo)
