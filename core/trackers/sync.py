"""Turn a post-mortem's action items into tracker tickets, and read the tickets' status back.

Items are handled one by one: a failure is recorded for its item and the others go on, so the new
post-mortem value keeps every ticket URL that was created even when later items fail. A failure that
would repeat for every item (a rejected token, an unknown repository) stops the run; the remaining
items are reported as not tried. The caller saves the returned post-mortem.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from core.errors import InvalidInputError
from core.models import ActionItem, ActionStatus, PostMortem
from core.trackers.base import (
    MANAGED_LABEL,
    FactorRef,
    ItemResult,
    Ticket,
    TicketOutcome,
    TicketState,
    Tracker,
    TrackerError,
    category_label,
)

MAX_TITLE = 250  # Jira caps a summary at 255 characters; the full action is in the body either way

Step = Callable[[ActionItem], tuple[ActionItem, ItemResult]]


def ticket_for(pm: PostMortem, item: ActionItem, *, pm_url: str, logins: Mapping[str, str]) -> Ticket:
    """Return the ticket ``item`` should have: title, facts, factor labels and the mapped assignee."""
    factors = tuple(FactorRef(f.id, f.category, f.text) for f in pm.factors if f.id in item.factor_ids)
    labels = (MANAGED_LABEL, *dict.fromkeys(category_label(f.category) for f in factors))
    title = f"{item.id}: {item.action.strip()}"
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    return Ticket(
        item_id=item.id, title=title, action=item.action.strip(), pm_id=pm.id, pm_title=pm.title, pm_url=pm_url,
        owner=item.owner, deadline=item.deadline, priority=item.priority, end_state=item.end_state,
        factors=factors, labels=labels, assignee=logins.get(item.owner.strip()) or None,
    )


def create_tickets(
    pm: PostMortem, tracker: Tracker, *, pm_url: str, logins: Mapping[str, str], now: datetime
) -> tuple[PostMortem, list[ItemResult]]:
    """Create a ticket for each item without one and update the ones it already has; never create twice.

    Args:
        pm_url: the post-mortem's web address, linked from every ticket.
        logins: wizard owner → tracker user (GitHub login, Jira accountId); unmapped owners get no assignee.

    Returns:
        The post-mortem with ``ticket_url`` set on created items, and one result per action item.
    """
    if not pm_url.startswith(("http://", "https://")):
        raise InvalidInputError(f"The post-mortem link {pm_url!r} must be a full web address (https://…).")

    def step(item: ActionItem) -> tuple[ActionItem, ItemResult]:
        if item.ticket_url and not tracker.owns(item.ticket_url):
            return item, _result(item, TicketOutcome.SKIPPED, now, reason=f"tracked elsewhere ({item.ticket_url})")
        if not item.ticket_url and item.status in (ActionStatus.DONE, ActionStatus.DROPPED):
            return item, _result(item, TicketOutcome.SKIPPED, now, reason=f"already {item.status.value}")
        ticket = ticket_for(pm, item, pm_url=pm_url, logins=logins)
        if item.ticket_url:
            changed = tracker.update(item.ticket_url, ticket)
            outcome = TicketOutcome.UPDATED if changed else TicketOutcome.UNCHANGED
            return item, _result(item, outcome, now, url=item.ticket_url)
        url = tracker.create(ticket)
        return dataclasses.replace(item, ticket_url=url), _result(item, TicketOutcome.CREATED, now, url=url)

    return _run(pm, step, now)


def sync_status(pm: PostMortem, tracker: Tracker, *, now: datetime) -> tuple[PostMortem, list[ItemResult]]:
    """Read each ticket's state back: closed means done on its closing date, reopened means open again.

    The owner is left as it is; the tracker's assignee is reported in the item's result.
    """

    def step(item: ActionItem) -> tuple[ActionItem, ItemResult]:
        if not item.ticket_url or not tracker.owns(item.ticket_url):
            return item, _result(item, TicketOutcome.SKIPPED, now, url=item.ticket_url,
                                 reason=f"no {tracker.name} ticket")
        state = tracker.fetch(item.id, item.ticket_url)
        after = apply_state(item, state, now=now)
        outcome = TicketOutcome.UNCHANGED if after == item else TicketOutcome.UPDATED
        return after, _result(item, outcome, now, url=item.ticket_url, assignee=state.assignee)

    return _run(pm, step, now)


def apply_state(item: ActionItem, state: TicketState, *, now: datetime) -> ActionItem:
    """Return ``item`` with the status the tracker reports (done with its date; open keeps "in progress")."""
    if state.status is ActionStatus.DONE:
        kept = item.done_at if item.status is ActionStatus.DONE else None
        done_at = state.closed_on or kept or now.astimezone(UTC).date()
        return dataclasses.replace(item, status=ActionStatus.DONE, done_at=done_at)
    status = state.status
    if status is ActionStatus.OPEN and item.status is ActionStatus.IN_PROGRESS:
        status = ActionStatus.IN_PROGRESS  # an open ticket says nothing against work having started
    return dataclasses.replace(item, status=status, done_at=None)


def _run(pm: PostMortem, step: Step, now: datetime) -> tuple[PostMortem, list[ItemResult]]:
    actions: list[ActionItem] = []
    results: list[ItemResult] = []
    stop: TrackerError | None = None
    for item in pm.actions:
        if stop is not None:
            actions.append(item)
            results.append(_result(item, TicketOutcome.FAILED, now, url=item.ticket_url,
                                   reason=f"not tried: {stop.reason}"))
            continue
        try:
            after, result = step(item)
        except TrackerError as exc:
            after, result = item, _result(item, TicketOutcome.FAILED, now, url=item.ticket_url, reason=exc.reason)
            stop = exc if exc.fatal else None
        actions.append(after)
        results.append(result)
    return dataclasses.replace(pm, actions=tuple(actions)), results


def _result(
    item: ActionItem, outcome: TicketOutcome, now: datetime, *, url: str = "", reason: str = "", assignee: str = ""
) -> ItemResult:
    return ItemResult(item.id, outcome, now, ticket_url=url, reason=reason, assignee=assignee)
