"""Similar past incidents: earlier post-mortems that share services, factor categories or alert names.

Shown on the Factors step with the action items those incidents produced and how they turned out, so the
review meeting sees whether this has happened before and what was tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.models import ActionItem, PostMortem

LIMIT = 5
"""How many similar incidents are shown at most."""


@dataclass(frozen=True)
class ActionOutcome:
    """An earlier incident's action item and how it turned out, in words ("done — did it work? yes")."""

    id: str
    action: str
    outcome: str


@dataclass(frozen=True)
class SimilarIncident:
    """An earlier post-mortem and what it has in common with this one."""

    pm_id: str
    title: str
    start: datetime
    services: tuple[str, ...]
    categories: tuple[str, ...]
    alerts: tuple[str, ...]
    actions: tuple[ActionOutcome, ...]

    @property
    def shared(self) -> int:
        """Return how many services, categories and alert names it shares."""
        return len(self.services) + len(self.categories) + len(self.alerts)

    @property
    def reasons(self) -> str:
        """Return what it shares in words, e.g. "services: checkout; alerts: HighErrorRate"."""
        parts = [(label, values) for label, values in
                 (("services", self.services), ("factor categories", self.categories), ("alerts", self.alerts))
                 if values]
        return "; ".join(f"{label}: {', '.join(values)}" for label, values in parts)


def similar_incidents(pm: PostMortem, others: Sequence[PostMortem], *, limit: int = LIMIT) -> list[SimilarIncident]:
    """Return the earlier post-mortems sharing something with ``pm``, most in common first, then most recent."""
    services = {s.casefold() for s in pm.services}
    categories = {f.category.value for f in pm.factors}
    alerts = {a.name for a in pm.alerts}
    found = []
    for other in others:
        if other.id == pm.id or other.start >= pm.start:
            continue
        match = SimilarIncident(
            pm_id=other.id,
            title=other.title,
            start=other.start,
            services=tuple(s for s in other.services if s.casefold() in services),
            categories=tuple(dict.fromkeys(f.category.value for f in other.factors if f.category.value in categories)),
            alerts=tuple(dict.fromkeys(a.name for a in other.alerts if a.name in alerts)),
            actions=tuple(ActionOutcome(a.id, a.action, outcome(other, a)) for a in other.actions),
        )
        if match.shared:
            found.append(match)
    found.sort(key=lambda m: (-m.shared, -m.start.timestamp()))
    return found[:limit]


def outcome(pm: PostMortem, action: ActionItem) -> str:
    """Return how ``action`` turned out: the follow-up review's outcome and whether it worked, else its status."""
    recorded = next((o for o in pm.follow_up.outcomes if o.action_id == action.id), None) if pm.follow_up else None
    if recorded is None:
        return action.status.value
    worked = f" — did it work? {recorded.worked}" if recorded.worked.strip() else ""
    return f"{recorded.outcome.value}{worked}"
