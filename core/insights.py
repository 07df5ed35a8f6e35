"""Trends across post-mortems: how many and how bad, what recurs, how fast reports and fixes follow.

Pure functions over a list of ``PostMortem`` values (and ``now`` where age matters). Spreads are given as
median, p75 and p90, never as means: one incident that lasted a weekend would drag a mean far from the
typical case. Each result comes with tidy rows (one observation per row) that the UI can chart as they are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from core.models import ActionStatus, FactorCategory, Milestone, PostMortem, Severity

NOT_SET = "Not set"
PUBLISH_TARGET = timedelta(hours=48)
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–7 days", 0, 7),
    ("8–30 days", 8, 30),
    ("31–90 days", 31, 90),
    (">90 days", 91, None),
)
"""Overdue ageing buckets: label, first and last day overdue (None: no upper end)."""

MEASURES: tuple[tuple[str, Milestone, Milestone], ...] = (
    ("MTTD", Milestone.IMPACT_START, Milestone.DETECTED),
    ("MTTA", Milestone.DETECTED, Milestone.ACKNOWLEDGED),
    ("MTTM", Milestone.IMPACT_START, Milestone.MITIGATED),
    ("MTTR", Milestone.IMPACT_START, Milestone.RESOLVED),
)
"""The response measures and the milestones they span, as in ``core.timeline``."""


@dataclass(frozen=True)
class MonthCount:
    """A tidy row: how many post-mortems of ``month`` (YYYY-MM) have ``key`` (a severity or factor category)."""

    month: str
    key: str
    count: int


@dataclass(frozen=True)
class Recurrence:
    """A factor category or service found in several post-mortems."""

    name: str
    count: int
    pm_ids: tuple[str, ...]


@dataclass(frozen=True)
class Distribution:
    """Median, p75 and p90 of some values (None when there are none)."""

    count: int
    median: float | None
    p75: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Iterable[float]) -> Distribution:
        """Return the distribution of ``values`` (percentiles interpolated linearly between ranks)."""
        ordered = sorted(values)
        if not ordered:
            return cls(0, None, None, None)
        return cls(len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.75), percentile(ordered, 0.9))


@dataclass(frozen=True)
class Publishing:
    """How fast reports were published after the incident ended."""

    hours: Distribution
    published: int
    within_48h: int
    overdue_unpublished: int
    pending: int
    share_within_48h: float | None  # of the published and the unpublished already past 48 h


@dataclass(frozen=True)
class AgeBucket:
    """A tidy row: how many unfinished action items are overdue by a span of days."""

    label: str
    count: int


@dataclass(frozen=True)
class ActionFollowThrough:
    """How many action items got done, and how long the unfinished ones are overdue."""

    total: int  # dropped items are decisions, not failures: they count in neither total nor done
    done: int
    dropped: int
    completion_rate: float | None
    overdue: int
    ageing: tuple[AgeBucket, ...]


@dataclass(frozen=True)
class ResponseRow:
    """A tidy row: one statistic of one response measure, in minutes."""

    measure: str
    statistic: str
    minutes: float


@dataclass(frozen=True)
class ResponseTimes:
    """Minutes to detect, acknowledge, mitigate and resolve, over the post-mortems that mark both milestones."""

    detect: Distribution
    acknowledge: Distribution
    mitigate: Distribution
    resolve: Distribution

    def rows(self) -> list[ResponseRow]:
        """Return the median, p75 and p90 of each measure that has data, as tidy rows."""
        rows = []
        for (name, _, _), spread in zip(MEASURES, (self.detect, self.acknowledge, self.mitigate, self.resolve),
                                        strict=True):
            for statistic in ("median", "p75", "p90"):
                value: float | None = getattr(spread, statistic)
                if value is not None:
                    rows.append(ResponseRow(name, statistic, value))
        return rows


@dataclass(frozen=True)
class Insights:
    """Everything the insights page shows, for the post-mortems that passed the filters."""

    count: int
    by_severity: tuple[MonthCount, ...]
    by_category: tuple[MonthCount, ...]
    recurring_categories: tuple[Recurrence, ...]
    recurring_services: tuple[Recurrence, ...]
    publishing: Publishing
    actions: ActionFollowThrough
    response: ResponseTimes


def summarize(
    pms: Sequence[PostMortem],
    *,
    now: datetime,
    services: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
) -> Insights:
    """Return every insight over the post-mortems matching the service and period filters."""
    chosen = select(pms, services=services, since=since, until=until)
    return Insights(
        count=len(chosen),
        by_severity=tuple(counts_by_severity(chosen)),
        by_category=tuple(counts_by_category(chosen)),
        recurring_categories=tuple(recurring_categories(chosen)),
        recurring_services=tuple(recurring_services(chosen)),
        publishing=publishing(chosen, now=now),
        actions=action_follow_through(chosen, now=now),
        response=response_times(chosen),
    )


def select(
    pms: Sequence[PostMortem], *, services: Sequence[str] = (), since: date | None = None, until: date | None = None
) -> list[PostMortem]:
    """Return the post-mortems touching any of ``services`` (all if empty) whose incident started in the period.

    ``since`` and ``until`` are inclusive UTC dates; None leaves that end open.
    """
    wanted = set(services)
    return [
        pm for pm in pms
        if (not wanted or wanted & set(pm.services))
        and (since is None or _day(pm.start) >= since)
        and (until is None or _day(pm.start) <= until)
    ]


def counts_by_severity(pms: Sequence[PostMortem]) -> list[MonthCount]:
    """Return how many post-mortems each month had of each severity (P1 first; unset last)."""
    order = [s.value for s in Severity] + [NOT_SET]
    return _monthly(pms, lambda pm: [pm.severity.value if pm.severity else NOT_SET], order)


def counts_by_category(pms: Sequence[PostMortem]) -> list[MonthCount]:
    """Return how many post-mortems each month named each contributing-factor category (once per post-mortem)."""
    return _monthly(pms, lambda pm: [f.category.value for f in pm.factors], [c.value for c in FactorCategory])


def recurring_categories(pms: Sequence[PostMortem], *, minimum: int = 2) -> list[Recurrence]:
    """Return the factor categories named in at least ``minimum`` post-mortems, most frequent first."""
    return _recurring(pms, lambda pm: [f.category.value for f in pm.factors], minimum)


def recurring_services(pms: Sequence[PostMortem], *, minimum: int = 2) -> list[Recurrence]:
    """Return the services affected in at least ``minimum`` post-mortems, most frequent first."""
    return _recurring(pms, lambda pm: list(pm.services), minimum)


def publishing(pms: Sequence[PostMortem], *, now: datetime) -> Publishing:
    """Return hours from incident end to publication, and the share published within 48 hours.

    An unpublished post-mortem counts against the share once its 48 hours are up; before that it is pending.
    """
    hours = [(pm.published_at - pm.end).total_seconds() / 3600 for pm in pms if pm.published_at is not None]
    unpublished = [pm for pm in pms if pm.published_at is None]
    overdue = sum(1 for pm in unpublished if now - pm.end > PUBLISH_TARGET)
    within = sum(1 for h in hours if h <= PUBLISH_TARGET.total_seconds() / 3600)
    judged = len(hours) + overdue
    return Publishing(
        hours=Distribution.of(hours),
        published=len(hours),
        within_48h=within,
        overdue_unpublished=overdue,
        pending=len(unpublished) - overdue,
        share_within_48h=within / judged if judged else None,
    )


def action_follow_through(pms: Sequence[PostMortem], *, now: datetime) -> ActionFollowThrough:
    """Return the completion rate (done / not dropped) and how overdue the unfinished items are.

    An item is overdue from the day after its deadline (UTC), by ``today - deadline`` days.
    """
    items = [item for pm in pms for item in pm.actions]
    dropped = sum(1 for item in items if item.status is ActionStatus.DROPPED)
    done = sum(1 for item in items if item.status is ActionStatus.DONE)
    today = _day(now)
    late = [
        (today - item.deadline).days for item in items
        if item.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
        and item.deadline is not None and item.deadline < today
    ]
    ageing = tuple(
        AgeBucket(label, sum(1 for days in late if first <= days and (last is None or days <= last)))
        for label, first, last in AGE_BUCKETS
    )
    total = len(items) - dropped
    return ActionFollowThrough(total, done, dropped, done / total if total else None, len(late), ageing)


def response_times(pms: Sequence[PostMortem]) -> ResponseTimes:
    """Return the spread of minutes to detect, acknowledge, mitigate and resolve."""
    spreads = []
    for _, first, second in MEASURES:
        minutes = []
        for pm in pms:
            t1, t2 = pm.milestone_time(first), pm.milestone_time(second)
            if t1 is not None and t2 is not None:
                minutes.append((t2 - t1).total_seconds() / 60)
        spreads.append(Distribution.of(minutes))
    return ResponseTimes(*spreads)


def percentile(ordered: Sequence[float], q: float) -> float:
    """Return the ``q`` quantile (0–1) of sorted values, interpolating linearly between ranks (numpy's default)."""
    if not ordered:
        raise ValueError("no values to take a percentile of")
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _monthly(
    pms: Sequence[PostMortem], keys: Callable[[PostMortem], list[str]], order: list[str]
) -> list[MonthCount]:
    counts: dict[tuple[str, str], int] = {}
    for pm in pms:
        month = f"{pm.start.astimezone(UTC):%Y-%m}"
        for key in set(keys(pm)):
            counts[month, key] = counts.get((month, key), 0) + 1
    ranked = sorted(counts, key=lambda mk: (mk[0], order.index(mk[1])))
    return [MonthCount(month, key, counts[month, key]) for month, key in ranked]


def _recurring(pms: Sequence[PostMortem], keys: Callable[[PostMortem], list[str]], minimum: int) -> list[Recurrence]:
    found: dict[str, list[str]] = {}
    for pm in pms:
        for key in dict.fromkeys(keys(pm)):
            found.setdefault(key, []).append(pm.id)
    return sorted(
        (Recurrence(key, len(ids), tuple(ids)) for key, ids in found.items() if len(ids) >= minimum),
        key=lambda r: (-r.count, r.name),
    )


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()
