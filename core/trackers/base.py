"""What every tracker offers (the ``Tracker`` protocol), the values it exchanges, and its error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Protocol

from core.errors import PostmortemError
from core.models import ActionStatus, FactorCategory, Priority

MANAGED_LABEL = "post-mortem"
"""The label every ticket made from an action item carries."""


def category_label(category: FactorCategory) -> str:
    """Return the label slug of a factor category, e.g. "monitoring-gap"."""
    return "-".join(category.value.lower().split())


MANAGED_LABELS = frozenset({MANAGED_LABEL, *(category_label(c) for c in FactorCategory)})
"""Labels the wizard sets and may replace on update; any other label on a ticket is left alone."""


class TrackerError(PostmortemError):
    """Raised when a tracker refuses or fails a request about one action item; the message names the item."""

    def __init__(self, item_id: str, reason: str, *, fatal: bool = False) -> None:
        super().__init__(f"{item_id}: {reason}")
        self.item_id = item_id
        self.reason = reason
        self.fatal = fatal  # the same failure awaits every other item (bad token, unknown repository…)


class TicketOutcome(Enum):
    """What happened to one action item's ticket."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class FactorRef:
    """A contributing factor an action item addresses, as cited in its ticket."""

    id: str
    category: FactorCategory
    text: str


@dataclass(frozen=True)
class Ticket:
    """The ticket an action item should have, whatever the tracker."""

    item_id: str
    title: str
    action: str
    pm_id: str
    pm_title: str
    pm_url: str
    owner: str
    deadline: date | None
    priority: Priority | None
    end_state: str
    factors: tuple[FactorRef, ...]
    labels: tuple[str, ...]
    assignee: str | None  # the tracker's user id (GitHub login, Jira accountId); None leaves it unassigned

    def facts(self) -> tuple[tuple[str, str], ...]:
        """Return the (label, value) lines every ticket body shows, in order."""
        rows = [
            ("Action", self.action),
            ("Owner", self.owner or "not set"),
            ("Deadline", self.deadline.isoformat() if self.deadline else "not set"),
            ("Priority", self.priority.value if self.priority else "not set"),
        ]
        rows += [("Addresses", f"{f.category.value} ({f.id}): {f.text}") for f in self.factors]
        rows.append(("Done when", self.end_state or "not set"))
        return tuple(rows)


@dataclass(frozen=True)
class TicketState:
    """A ticket's state as the tracker reports it."""

    status: ActionStatus
    closed_on: date | None
    assignee: str


@dataclass(frozen=True)
class ItemResult:
    """The outcome for one action item of a tracker run."""

    item_id: str
    outcome: TicketOutcome
    at: datetime
    ticket_url: str = ""
    reason: str = ""
    assignee: str = ""

    @property
    def message(self) -> str:
        """Return one plain line, e.g. "AI-003: failed: GitHub rejected the issue: …"."""
        detail = f": {self.reason}" if self.reason else ""
        url = f" ({self.ticket_url})" if self.ticket_url else ""
        return f"{self.item_id}: {self.outcome.value}{url}{detail}"


class Tracker(Protocol):
    """An issue tracker: create and update an action item's ticket, and read its state back."""

    @property
    def name(self) -> str:
        """Return the tracker's name as users know it ("GitHub", "Jira")."""
        ...

    def owns(self, url: str) -> bool:
        """Return True if ``url`` is a ticket of this tracker (same repository or site)."""
        ...

    def create(self, ticket: Ticket) -> str:
        """Create the ticket and return its web URL."""
        ...

    def update(self, url: str, ticket: Ticket) -> bool:
        """Bring the ticket at ``url`` in line with ``ticket``; return True if anything had to change."""
        ...

    def fetch(self, item_id: str, url: str) -> TicketState:
        """Return the state of the ticket at ``url`` (``item_id`` names the item in errors)."""
        ...
