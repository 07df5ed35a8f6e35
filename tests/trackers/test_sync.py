"""The sync runs over the in-memory tracker: the per-item rules, without HTTP."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from core.models import ActionStatus
from core.trackers import sync
from core.trackers.base import TicketOutcome, TicketState, TrackerError
from tests.trackers.conftest import NOW, PM_URL, InMemoryTracker, six_item_postmortem


def test_the_in_memory_tracker_keeps_tickets_and_a_fatal_error_stops_the_run():
    tracker = InMemoryTracker(refuse={"AI-002": TrackerError("AI-002", "no space left", fatal=True)})
    pm, results = sync.create_tickets(six_item_postmortem(), tracker, pm_url=PM_URL, logins={"@dan": "dan"}, now=NOW)
    assert [r.outcome for r in results] == [TicketOutcome.CREATED] + [TicketOutcome.FAILED] * 5
    assert [r.reason for r in results[1:3]] == ["no space left", "not tried: no space left"]
    assert pm.actions[0].ticket_url == "memory://1" and tracker.tickets["memory://1"].assignee == "dan"
    assert all(r.at == NOW for r in results)

    tracker.refuse.clear()
    done, results = sync.create_tickets(pm, tracker, pm_url=PM_URL, logins={"@dan": "dan"}, now=NOW)
    assert [r.outcome for r in results] == [TicketOutcome.UNCHANGED] + [TicketOutcome.CREATED] * 5
    assert len(tracker.tickets) == 6 and all(a.ticket_url for a in done.actions)


@pytest.mark.parametrize(
    ("before", "before_done", "reported", "after", "after_done"),
    [
        (ActionStatus.OPEN, None, TicketState(ActionStatus.DONE, date(2026, 3, 20), ""), ActionStatus.DONE,
         date(2026, 3, 20)),
        (ActionStatus.DONE, date(2026, 3, 18), TicketState(ActionStatus.DONE, None, ""), ActionStatus.DONE,
         date(2026, 3, 18)),
        (ActionStatus.OPEN, None, TicketState(ActionStatus.DONE, None, ""), ActionStatus.DONE, NOW.date()),
        (ActionStatus.DONE, date(2026, 3, 18), TicketState(ActionStatus.OPEN, None, ""), ActionStatus.OPEN, None),
        (ActionStatus.IN_PROGRESS, None, TicketState(ActionStatus.OPEN, None, ""), ActionStatus.IN_PROGRESS, None),
        (ActionStatus.OPEN, None, TicketState(ActionStatus.IN_PROGRESS, None, ""), ActionStatus.IN_PROGRESS, None),
        (ActionStatus.OPEN, None, TicketState(ActionStatus.DROPPED, None, ""), ActionStatus.DROPPED, None),
    ],
)
def test_the_tracker_state_decides_the_item_status(before, before_done, reported, after, after_done):
    item = dataclasses.replace(six_item_postmortem().actions[0], status=before, done_at=before_done)
    result = sync.apply_state(item, reported, now=NOW)
    assert (result.status, result.done_at) == (after, after_done)
    assert result.owner == item.owner
