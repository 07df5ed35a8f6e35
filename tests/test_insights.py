"""Insights over a generated fleet of 200 post-mortems whose answers are known by construction."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from core import insights
from core.insights import AgeBucket, Distribution, MonthCount, Recurrence, ResponseRow
from core.models import (
    ActionItem,
    ActionStatus,
    ContributingFactor,
    FactorCategory,
    Milestone,
    PostMortem,
    Severity,
    TimelineEvent,
)

NOW = datetime(2025, 10, 22, 0, 0, tzinfo=UTC)
TODAY = NOW.date()
FIRST_FACTOR = (FactorCategory.MONITORING_GAP, FactorCategory.TESTING_GAP, FactorCategory.RUNBOOK_GAP,
                FactorCategory.CAPACITY_PLANNING)
SEVERITY = (Severity.P1,) * 2 + (Severity.P2,) * 4 + (Severity.P3,) * 6 + (Severity.P4,) * 7 + (None,)
BARE = {10 * k + 7 for k in range(19)}  # no timeline yet: 181 post-mortems have all five milestones
UNPUBLISHED = {5 * k + 4 for k in range(37)} | {198, 199}  # 198 and 199 ended less than 48 h before NOW
DROPPED = {i for i in range(32) if i % 4 == 1}
# days overdue of the 142 unfinished items: 12 not overdue, then 35 / 45 / 30 / 20 per ageing bucket
OVERDUE_DAYS = ([0] * 2 + [-3] * 10 + list(range(1, 8)) * 5 + [8, 15, 30] * 15 + [31, 60, 90] * 10
                + [91, 400] * 10)


def _event(n: int, time: datetime, milestone: Milestone) -> TimelineEvent:
    return TimelineEvent(f"E{n}", time, milestone.label, "PagerDuty", milestone=milestone)


def make_fleet(seed: int = 20251022) -> list[PostMortem]:
    """Return 200 post-mortems, 20 a month from 2025-01 to 2025-10, with shuffled but known values."""
    rng = random.Random(seed)

    def shuffled(values: list[int]) -> list[int]:
        rng.shuffle(values)
        return values

    detect = shuffled(list(range(1, 182)))  # median 91, p75 136, p90 163
    ack = shuffled(list(range(181)))  # median 90, p75 135, p90 162
    mitigate = shuffled([400 + 2 * k for k in range(181)])  # median 580, p75 670, p90 724
    resolve = shuffled([1000 + 5 * k for k in range(181)])  # median 1450, p75 1675, p90 1810
    hours = shuffled(list(range(1, 162)))  # 161 published: median 81, p75 121, p90 145; 48 within 48 h
    overdue = shuffled(list(OVERDUE_DAYS))
    fleet = []
    for i in range(200):
        month, j = divmod(i, 20)
        start = datetime(2025, month + 1, j + 1, 10, 0, tzinfo=UTC)
        events: tuple[TimelineEvent, ...] = ()
        end = start + timedelta(minutes=60)
        if i not in BARE:
            d, a, m, r = detect.pop(), ack.pop(), mitigate.pop(), resolve.pop()
            moments = (0, d, d + a, m, r)
            events = tuple(_event(n, start + timedelta(minutes=t), ms)
                           for n, (t, ms) in enumerate(zip(moments, Milestone, strict=True)))
            end = start + timedelta(minutes=r)
        factors = [ContributingFactor("F1", FIRST_FACTOR[i % 4], "first")]
        if i % 5 == 0:
            factors.append(ContributingFactor("F2", FactorCategory.CHANGE_MANAGEMENT, "second"))
        if i == 0:
            factors.append(ContributingFactor("F3", FactorCategory.OTHER, "third"))
        services = ("checkout",) if i % 2 == 0 else ("payments",)
        services += ("search",) if i == 5 else ("ledger",) if i in (10, 150) else ()
        if i in DROPPED:
            item = ActionItem("AI-001", "x", status=ActionStatus.DROPPED, deadline=TODAY - timedelta(days=50))
        elif i % 4 == 0:
            item = ActionItem("AI-001", "x", status=ActionStatus.DONE, deadline=TODAY - timedelta(days=200))
        else:
            status = ActionStatus.IN_PROGRESS if i % 3 == 0 else ActionStatus.OPEN
            item = ActionItem("AI-001", "x", status=status, deadline=TODAY - timedelta(days=overdue.pop()))
        published = None if i in UNPUBLISHED else end + timedelta(hours=hours.pop())
        fleet.append(PostMortem(
            id=f"PM-{start:%Y-%m-%d}", title=f"Incident {i}", start=start, end=end, created_at=start,
            severity=SEVERITY[j], services=services, events=events, factors=tuple(factors), actions=(item,),
            published_at=published,
        ))
    assert not (detect or ack or mitigate or resolve or hours or overdue)  # every known value was used
    return fleet


FLEET = make_fleet()


def test_the_fleet_is_deterministic():
    assert make_fleet() == FLEET
    assert make_fleet(seed=1) != FLEET  # the seed shuffles which incident gets which value…
    other = insights.summarize(make_fleet(seed=1), now=NOW)
    assert other == insights.summarize(FLEET, now=NOW)  # …but not the answers


def test_counts_by_severity_per_month():
    rows = insights.counts_by_severity(FLEET)
    per_month = [MonthCount("2025-03", "P1", 2), MonthCount("2025-03", "P2", 4), MonthCount("2025-03", "P3", 6),
                 MonthCount("2025-03", "P4", 7), MonthCount("2025-03", "Not set", 1)]
    assert [r for r in rows if r.month == "2025-03"] == per_month
    assert len(rows) == 50 and sum(r.count for r in rows) == 200
    assert [r.month for r in rows[::5]] == [f"2025-{m:02d}" for m in range(1, 11)]


def test_counts_by_category_count_each_post_mortem_once():
    rows = insights.counts_by_category(FLEET)
    assert [r for r in rows if r.month == "2025-01"] == [
        MonthCount("2025-01", "Monitoring gap", 5), MonthCount("2025-01", "Testing gap", 5),
        MonthCount("2025-01", "Runbook gap", 5), MonthCount("2025-01", "Capacity planning", 5),
        MonthCount("2025-01", "Change management", 4), MonthCount("2025-01", "Other", 1),
    ]
    assert sum(r.count for r in rows) == 200 + 40 + 1
    doubled = dataclasses.replace(FLEET[1], factors=FLEET[1].factors * 2)
    assert insights.counts_by_category([doubled]) == [MonthCount("2025-01", "Testing gap", 1)]


def test_recurring_categories_and_services():
    categories = insights.recurring_categories(FLEET)
    assert [(r.name, r.count) for r in categories] == [
        ("Capacity planning", 50), ("Monitoring gap", 50), ("Runbook gap", 50), ("Testing gap", 50),
        ("Change management", 40),
    ]
    services = insights.recurring_services(FLEET)
    assert [(r.name, r.count) for r in services] == [("checkout", 100), ("payments", 100), ("ledger", 2)]
    assert services[2] == Recurrence("ledger", 2, ("PM-2025-01-11", "PM-2025-08-11"))


def test_time_to_publish():
    result = insights.publishing(FLEET, now=NOW)
    assert result.hours == Distribution(161, 81.0, 121.0, 145.0)
    assert (result.published, result.within_48h, result.overdue_unpublished, result.pending) == (161, 48, 37, 2)
    assert result.share_within_48h == 48 / 198


def test_action_completion_and_overdue_ageing():
    result = insights.action_follow_through(FLEET, now=NOW)
    assert (result.total, result.done, result.dropped, result.overdue) == (192, 50, 8, 130)
    assert result.completion_rate == 50 / 192
    assert result.ageing == (AgeBucket("0–7 days", 35), AgeBucket("8–30 days", 45), AgeBucket("31–90 days", 30),
                             AgeBucket(">90 days", 20))


def test_response_times_are_medians_and_percentiles_in_minutes():
    result = insights.response_times(FLEET)
    assert result.detect == Distribution(181, 91.0, 136.0, 163.0)
    assert result.acknowledge == Distribution(181, 90.0, 135.0, 162.0)
    assert result.mitigate == Distribution(181, 580.0, 670.0, 724.0)
    assert result.resolve == Distribution(181, 1450.0, 1675.0, 1810.0)
    rows = result.rows()
    assert len(rows) == 12 and rows[0] == ResponseRow("MTTD", "median", 91.0)
    assert rows[-1] == ResponseRow("MTTR", "p90", 1810.0)


def test_summarize_applies_the_service_filter():
    ledger = insights.summarize(FLEET, now=NOW, services=["ledger"])
    assert ledger.count == 2
    assert [(r.name, r.count) for r in ledger.recurring_services] == [("checkout", 2), ("ledger", 2)]
    ids = ("PM-2025-01-11", "PM-2025-08-11")
    assert ledger.recurring_categories == (Recurrence("Change management", 2, ids), Recurrence("Runbook gap", 2, ids))
    both = insights.select(FLEET, services=["search", "ledger"])
    assert [pm.id for pm in both] == ["PM-2025-01-06", "PM-2025-01-11", "PM-2025-08-11"]


def test_summarize_applies_the_period_filter_inclusively():
    march = insights.summarize(FLEET, now=NOW, since=date(2025, 3, 1), until=date(2025, 3, 31))
    assert march.count == 20
    assert {r.month for r in march.by_severity + march.by_category} == {"2025-03"}
    assert march.actions.total == 20 and march.actions.done == 5
    assert insights.select(FLEET, since=date(2025, 10, 20)) == FLEET[-1:]
    assert insights.select(FLEET, until=date(2025, 1, 1)) == FLEET[:1]
    assert insights.summarize(FLEET, now=NOW) == insights.summarize(
        FLEET, now=NOW, services=["checkout", "payments"], since=date(2025, 1, 1), until=date(2025, 10, 20))


def test_nothing_selected_gives_empty_answers_not_errors():
    empty = insights.summarize(FLEET, now=NOW, services=["billing"])
    assert empty.count == 0 and empty.by_severity == () and empty.recurring_services == ()
    assert empty.publishing.hours == Distribution(0, None, None, None)
    assert empty.publishing.share_within_48h is None and empty.actions.completion_rate is None
    assert empty.response.rows() == []
    assert all(bucket.count == 0 for bucket in empty.actions.ageing)


def test_percentiles_interpolate_and_ignore_outliers_a_mean_would_not():
    spread = Distribution.of([1002, 1, 2])  # the mean would be 335
    assert spread == Distribution(3, 2.0, 502.0, 802.0)
    assert Distribution.of([4]) == Distribution(1, 4.0, 4.0, 4.0)
    assert Distribution.of([3, 1, 2, 4]).median == 2.5
    with pytest.raises(ValueError, match="no values"):
        insights.percentile([], 0.5)


def test_edges_of_the_48_hour_rule_and_of_overdue():
    pm = FLEET[0]
    on_time = dataclasses.replace(pm, published_at=pm.end + timedelta(hours=48))
    late = dataclasses.replace(pm, published_at=pm.end + timedelta(hours=48, seconds=1))
    waiting = dataclasses.replace(pm, published_at=None, end=NOW - timedelta(hours=48))
    result = insights.publishing([on_time, late, waiting], now=NOW)
    assert (result.within_48h, result.pending, result.share_within_48h) == (1, 1, 0.5)

    items = tuple(ActionItem(f"AI-00{n}", "x", deadline=TODAY - timedelta(days=d)) for n, d in enumerate((0, 1, 7, 8)))
    undated = ActionItem("AI-009", "x")
    follow = insights.action_follow_through([dataclasses.replace(pm, actions=(*items, undated))], now=NOW)
    assert follow.overdue == 3 and [b.count for b in follow.ageing] == [2, 1, 0, 0]
    assert follow.completion_rate == 0.0
