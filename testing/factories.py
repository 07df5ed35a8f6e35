"""Plain factory functions for test and benchmark data: a bare, a complete and a design-size post-mortem."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.models import (
    ActionItem,
    ActionType,
    AlertInterval,
    ContributingFactor,
    DataGap,
    EventKind,
    FactorCategory,
    IncidentType,
    MetricPoint,
    MetricSeries,
    Milestone,
    PostMortem,
    Priority,
    Report,
    Severity,
    SourceImport,
    SourceKind,
    SystemicIssue,
    TimelineEvent,
    TimeWindow,
    WhyChain,
)

START = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
END = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)

DESIGN_SERIES, DESIGN_POINTS, DESIGN_EVENTS, DESIGN_ALERTS = 20, 5_000, 500, 20
"""The size the wizard is designed for (DESIGN §11): metric series, points per series, events, alerts."""


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    """Return a time on the incident day."""
    return datetime(2026, 3, 14, hh, mm, ss, tzinfo=UTC)


def make_postmortem(**overrides: Any) -> PostMortem:
    """Return a bare post-mortem: incident step filled, nothing else."""
    values: dict[str, Any] = {
        "id": "PM-2026-03-14",
        "title": "Checkout errors after release v2.3.0",
        "start": START,
        "end": END,
        "created_at": START,
        "severity": Severity.P1,
        "type": IncidentType.OUTAGE,
        "services": ("checkout",),
    }
    values.update(overrides)
    return PostMortem(**values)


def make_event(
    event_id: str, time: datetime, text: str, milestone: Milestone | None = None, **kw: Any
) -> TimelineEvent:
    """Return a timeline event with sensible defaults."""
    return TimelineEvent(id=event_id, time=time, event=text, source=kw.pop("source", "nginx"),
                         actor=kw.pop("actor", "-"), kind=kw.pop("kind", EventKind.LOG), milestone=milestone, **kw)


EVENTS = (
    make_event("E001", at(14, 2, 17), "First 502 responses from checkout", Milestone.IMPACT_START),
    make_event("E002", at(14, 4, 30), "HighErrorRate firing", Milestone.DETECTED, source="Prometheus",
               actor="System", kind=EventKind.ALERT),
    make_event("E003", at(14, 5, 0), "On-call paged", source="PagerDuty", actor="System", kind=EventKind.PAGE),
    make_event("E004", at(14, 7, 0), "Page acknowledged", Milestone.ACKNOWLEDGED, source="PagerDuty",
               actor="@alice", kind=EventKind.PAGE),
    make_event("E005", at(14, 40, 0), "Rollback to v2.2.9 deployed", Milestone.MITIGATED, source="kubectl",
               actor="@alice", kind=EventKind.DEPLOY),
    make_event("E006", at(15, 30, 0), "Incident resolved", Milestone.RESOLVED, source="PagerDuty", actor="@alice",
               kind=EventKind.PAGE),
)


def complete_postmortem(**overrides: Any) -> PostMortem:
    """Return a post-mortem whose steps 1–6 pass every hard gate (not yet published)."""
    window = TimeWindow(START, END)
    pm = make_postmortem(
        imports=(
            SourceImport(SourceKind.LOGS, "nginx-access.log", START, covered=window, records_read=100),
            SourceImport(SourceKind.METRICS, "metrics.json", START, covered=window, records_read=50),
        ),
        gaps=(DataGap(SourceKind.ALERTS, "Alertmanager keeps resolved alerts for 5 days only", window),),
        events=EVENTS,
        immediate_cause="The database connection pool (max 20) was exhausted by a slow query in v2.3.0.",
        factors=(
            ContributingFactor("F1", FactorCategory.MONITORING_GAP, "Pool utilisation was not monitored."),
            ContributingFactor("F2", FactorCategory.TESTING_GAP, "Load tests did not exercise the new query."),
        ),
        why_chains=(
            WhyChain(
                "Why did checkout fail?",
                (
                    "Requests waited for a database connection.",
                    "The pool was exhausted.",
                    "A new query held connections for seconds.",
                    "The query had no index.",
                    "Query plans are not reviewed before deploys.",
                ),
            ),
        ),
        systemic_issues=(SystemicIssue("No pre-deployment query-plan review."),),
        actions=(
            ActionItem("AI-001", "Add db_pool_in_use to the Checkout dashboard with an alert at 80% for 5 min",
                       owner="@bob", deadline=date(2026, 3, 20), priority=Priority.HIGH, type=ActionType.DETECT,
                       factor_ids=("F1",)),
            ActionItem("AI-002", "Add a load test replaying the checkout query mix to the release pipeline",
                       owner="@carol", deadline=date(2026, 4, 10), priority=Priority.MEDIUM,
                       type=ActionType.PREVENT, factor_ids=("F2",)),
        ),
        next_action_number=3,
        report=Report(
            summary="Checkout returned errors for 88 minutes after release v2.3.0.",
            impact="- 12,400 failed checkout requests\n- about 3,100 customers affected",
            root_cause="A new query without an index held pool connections until the pool ran dry.",
            went_well="The alert fired 2 min 13 s after the first errors.",
            lessons="Pool saturation needs its own alert before total failure.",
        ),
        reviewers=("@dan",),
        reviewed_at=date(2026, 3, 15),
        authors=("@maria",),
    )
    return dataclasses.replace(pm, **overrides)


def large_postmortem() -> PostMortem:
    """Return a post-mortem the size of the performance goals (DESIGN §11), over a 100-minute window."""
    step = timedelta(seconds=1.2)
    series = tuple(
        MetricSeries(f"checkout:metric_{s}:rate5m", (("pod", f"checkout-{s}"),), tuple(
            MetricPoint(START + i * step, math.sin(i / 150 + s) * (s + 1) + (i * 7919 % 13) / 10)
            for i in range(DESIGN_POINTS)))
        for s in range(DESIGN_SERIES)
    )
    milestones = {0: Milestone.IMPACT_START, 20: Milestone.DETECTED, 40: Milestone.ACKNOWLEDGED,
                  250: Milestone.MITIGATED, 499: Milestone.RESOLVED}
    events = tuple(
        make_event(f"E{n:03d}", START + timedelta(seconds=12 * n), f"Event {n}: pod checkout-{n % 20} restarted",
                   milestones.get(n), kind=EventKind.LOG)
        for n in range(DESIGN_EVENTS)
    )
    alerts = tuple(AlertInterval(f"Alert{n}", ("critical", "warning", "info")[n % 3],
                                 START + timedelta(minutes=4 * n), START + timedelta(minutes=4 * n + 15))
                   for n in range(DESIGN_ALERTS))
    return make_postmortem(series=series, events=events, alerts=alerts, end=START + timedelta(minutes=100))
