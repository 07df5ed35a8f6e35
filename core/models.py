"""The post-mortem domain model: frozen, fully typed dataclasses, times in UTC.

A ``PostMortem`` is the aggregate: everything the wizard collects about one incident hangs off
it and is saved together, with one ``version`` for optimistic concurrency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

from core import ids, time_range


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("a time without a time zone is ambiguous: give it in UTC, e.g. 2026-03-14T14:02:17Z")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_require_utc)]
"""A timezone-aware datetime, normalised to UTC when read from outside."""


def _require_incident_time(value: datetime) -> datetime:
    reason = time_range.problem(value) if value.tzinfo is not None else None
    if reason is not None:  # checked before converting: near year 1 or 9999 the conversion itself overflows
        raise ValueError(reason)
    return _require_utc(value)


IncidentTime = Annotated[datetime, AfterValidator(_require_incident_time)]
"""A time of a post-mortem: timezone-aware, in 1970–2100, normalised to UTC when read from a document.

Foreign records keep ``UtcDatetime``: an import may meet Alertmanager's "0001-01-01" meaning "not ended".
"""


def _require_id(value: str) -> str:
    if not ids.is_valid(value):
        raise ValueError(f"{ids.shown(value)} is not a post-mortem id: expected {ids.EXPECTED}")
    return value


PostMortemId = Annotated[str, AfterValidator(_require_id)]
"""A post-mortem id (``PM-2026-03-14``, ``PM-2026-03-14-2``), checked when read from outside."""


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _nan_for_none(value: object) -> object:
    return math.nan if value is None else value


SampleValue = Annotated[
    float,
    BeforeValidator(_nan_for_none),
    PlainSerializer(_finite_or_none, return_type=float | None, when_used="json"),
]
"""A metric sample: NaN and ±Inf (Prometheus sends them) are written as JSON null and read back as NaN."""


class Severity(Enum):
    """How bad the incident was, P1 (worst) to P4."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def meaning(self) -> str:
        """Return the plain-words meaning shown next to the level."""
        return {
            "P1": "Critical: service down or data at risk for many users",
            "P2": "Major: core feature degraded for many users",
            "P3": "Minor: limited impact or a workaround exists",
            "P4": "Low: little or no user impact",
        }[self.value]

    @property
    def label(self) -> str:
        """Return e.g. "P1 (Critical: ...)"."""
        return f"{self.value} ({self.meaning})"


class IncidentType(Enum):
    """What kind of event the post-mortem is about."""

    OUTAGE = "outage"
    DEGRADATION = "degradation"
    NEAR_MISS = "near miss"
    RECURRING = "recurring"


class Status(Enum):
    """Where the post-mortem is in its life."""

    DRAFT = "Draft"
    IN_REVIEW = "In review"
    PUBLISHED = "Published"
    FOLLOW_UP = "Follow-up"
    CLOSED = "Closed"


class SourceKind(Enum):
    """The kind of telemetry a source provides."""

    LOGS = "logs"
    METRICS = "metrics"
    ALERTS = "alerts"
    PAGING = "paging"
    CHAT = "chat"

    @property
    def required(self) -> bool:
        """Return True for the kinds every post-mortem must import or explain (logs, metrics, alerts)."""
        return self in (SourceKind.LOGS, SourceKind.METRICS, SourceKind.ALERTS)


class EventKind(Enum):
    """Where a timeline event came from."""

    LOG = "log"
    METRIC = "metric"
    ALERT = "alert"
    PAGE = "page"
    CHAT = "chat"
    DEPLOY = "deploy"
    MANUAL = "manual"


class Milestone(Enum):
    """The key moments of an incident, in the order they must happen."""

    IMPACT_START = "impact_start"
    DETECTED = "detected"
    ACKNOWLEDGED = "acknowledged"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        """Return the plain-words name of the milestone."""
        return self.value.replace("_", " ").capitalize()

    @property
    def optional(self) -> bool:
        """Return True when the milestone may be marked "not applicable"."""
        return self in (Milestone.ACKNOWLEDGED, Milestone.MITIGATED)


class FactorCategory(Enum):
    """The picklist of contributing-factor categories."""

    MONITORING_GAP = "Monitoring gap"
    TESTING_GAP = "Testing gap"
    RUNBOOK_GAP = "Runbook gap"
    CAPACITY_PLANNING = "Capacity planning"
    CHANGE_MANAGEMENT = "Change management"
    DEPENDENCY = "Dependency"
    PROCESS = "Process"
    OTHER = "Other"


class Priority(Enum):
    """Action-item priority."""

    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


class ActionType(Enum):
    """What an action item does about the incident."""

    PREVENT = "prevent"
    DETECT = "detect"
    MITIGATE = "mitigate"
    PROCESS = "process"


class ActionStatus(Enum):
    """Progress of an action item."""

    OPEN = "open"
    IN_PROGRESS = "in progress"
    DONE = "done"
    DROPPED = "dropped"


class Outcome(Enum):
    """An action item's outcome recorded at the follow-up review."""

    DONE = "done"
    IN_PROGRESS = "in progress"
    STALLED = "stalled"
    DROPPED = "dropped"


@dataclass(frozen=True)
class TimeWindow:
    """A closed stretch of time in UTC."""

    start: IncidentTime
    end: IncidentTime

    @property
    def duration(self) -> timedelta:
        """Return end minus start."""
        return self.end - self.start


@dataclass(frozen=True)
class SourceImport:
    """One import of telemetry: what was read, from where, and what was rejected."""

    kind: SourceKind
    origin: str
    imported_at: IncidentTime
    query: str = ""
    covered: TimeWindow | None = None
    records_read: int = 0
    records_rejected: int = 0
    rejected_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataGap:
    """A stretch of the incident window a source could not cover, with the reason."""

    source: SourceKind
    reason: str
    window: TimeWindow | None = None
    automatic: bool = False


@dataclass(frozen=True)
class TimelineEvent:
    """One row of the timeline: Time | Event | Source | Actor."""

    id: str
    time: IncidentTime
    event: str
    source: str
    actor: str = "-"
    kind: EventKind = EventKind.MANUAL
    milestone: Milestone | None = None
    starred: bool = False
    hidden: bool = False
    evidence: str = ""
    internal: bool = False
    """Left out of the public version of the report."""


@dataclass(frozen=True)
class Candidate:
    """An event proposed by a log import (first occurrence of an error signature, a burst, a deploy…).

    Candidates wait in the gather step until the user promotes them to the timeline or dismisses them.
    """

    id: str
    time: IncidentTime
    event: str
    source: str
    count: int = 1
    example: str = ""
    kind: EventKind = EventKind.LOG
    last_time: IncidentTime | None = None
    dismissed: bool = False
    promoted: bool = False


@dataclass(frozen=True)
class MetricPoint:
    """One sample of a metric series."""

    time: IncidentTime
    value: SampleValue


@dataclass(frozen=True)
class MetricSeries:
    """A metric over the incident window, from one query and label set."""

    query: str
    labels: tuple[tuple[str, str], ...] = ()
    points: tuple[MetricPoint, ...] = ()


@dataclass(frozen=True)
class AlertInterval:
    """An alert's firing interval."""

    name: str
    severity: str
    start: IncidentTime
    end: IncidentTime | None = None
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ContributingFactor:
    """A condition that made the incident possible or worse."""

    id: str
    category: FactorCategory
    text: str
    evidence_event_ids: tuple[str, ...] = ()
    accepted_risk: bool = False
    accepted_reason: str = ""
    internal: bool = False
    """Left out of the public version of the report."""


@dataclass(frozen=True)
class WhyChain:
    """A five-whys chain: a question and the successive answers to "why?"."""

    question: str
    answers: tuple[str, ...] = ()
    stop_reason: str = ""
    factor_id: str = ""


@dataclass(frozen=True)
class SystemicIssue:
    """An organisational or process gap behind the factors."""

    text: str


@dataclass(frozen=True)
class ActionItem:
    """A specific, owned, dated improvement (AI-001, AI-002, …)."""

    id: str
    action: str
    owner: str = ""
    deadline: date | None = None
    priority: Priority | None = None
    type: ActionType = ActionType.PREVENT
    factor_ids: tuple[str, ...] = ()
    end_state: str = ""
    ticket_url: str = ""
    tracked_in_app: bool = False
    status: ActionStatus = ActionStatus.OPEN
    done_at: date | None = None
    sponsor: str = ""
    attachment_name: str = ""
    attachment: str = ""


@dataclass(frozen=True)
class ItemOutcome:
    """One action item's outcome at the follow-up review."""

    action_id: str
    outcome: Outcome
    worked: str = ""


@dataclass(frozen=True)
class FollowUpReview:
    """The review held four weeks after publication."""

    scheduled_for: date
    held_on: date | None = None
    outcomes: tuple[ItemOutcome, ...] = ()


@dataclass(frozen=True)
class Dismissal:
    """A blameless-language finding the team dismissed, with why."""

    field: str
    text: str
    reason: str


@dataclass(frozen=True)
class TrackerSettings:
    """Where this post-mortem's tickets go (tokens live in the environment, never here)."""

    kind: str  # "github" or "jira"
    target: str  # GitHub OWNER/REPO, or the Jira project key
    connection: str = ""  # name of the operator's configured server; empty for the first one of the kind
    logins: tuple[tuple[str, str], ...] = ()  # action owner -> GitHub login or Jira accountId


@dataclass(frozen=True)
class Report:
    """The free-text sections of the report."""

    summary: str = ""
    impact: str = ""
    root_cause: str = ""
    went_well: str = ""
    lessons: str = ""
    prevention: str = ""


@dataclass(frozen=True)
class PostMortem:
    """One incident's post-mortem: the aggregate saved as a whole, with a version."""

    id: PostMortemId
    title: str
    start: IncidentTime
    end: IncidentTime
    created_at: IncidentTime
    severity: Severity | None = None
    type: IncidentType | None = None
    services: tuple[str, ...] = ()
    status: Status = Status.DRAFT
    authors: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    reviewed_at: date | None = None
    published_at: IncidentTime | None = None
    version: int = 0
    runbook: str = ""
    imports: tuple[SourceImport, ...] = ()
    gaps: tuple[DataGap, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    events: tuple[TimelineEvent, ...] = ()
    not_applicable: tuple[Milestone, ...] = ()
    series: tuple[MetricSeries, ...] = ()
    alerts: tuple[AlertInterval, ...] = ()
    immediate_cause: str = ""
    factors: tuple[ContributingFactor, ...] = ()
    why_chains: tuple[WhyChain, ...] = ()
    systemic_issues: tuple[SystemicIssue, ...] = ()
    actions: tuple[ActionItem, ...] = ()
    next_action_number: int = 1
    report: Report = field(default_factory=Report)
    dismissals: tuple[Dismissal, ...] = ()
    weekly_review_issued_at: IncidentTime | None = None
    follow_up: FollowUpReview | None = None
    tracker: TrackerSettings | None = None
    internal_fields: tuple[str, ...] = ()
    """Names of the report parts left out of the public version (``core.public.INTERNAL_FIELDS``)."""
    chart_series: tuple[str, ...] = ()
    """Keys of the series the chart shows (``core.chart`` names them); empty: the default choice."""

    @property
    def window(self) -> TimeWindow:
        """Return the incident window."""
        return TimeWindow(self.start, self.end)

    def milestone_time(self, milestone: Milestone) -> datetime | None:
        """Return the time of the event marked with ``milestone``, or None."""
        for event in self.events:
            if event.milestone is milestone:
                return event.time
        return None

    def action(self, action_id: str) -> ActionItem | None:
        """Return the action item with ``action_id``, or None."""
        return next((a for a in self.actions if a.id == action_id), None)


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what, and when."""

    pm_id: str
    at: UtcDatetime
    actor: str
    summary: str
    version: int


@dataclass(frozen=True)
class ShareLink:
    """A read-only link to a post-mortem for the review meeting.

    The database keeps only the SHA-256 of the token: ``token`` is filled in the value
    ``create_share_link`` returns (the one time it can be shown) and in what ``resolve_share_link``
    returns for the token presented; a listed link has ``token == ""`` and is named by ``id``.
    """

    id: str  # the first hex digits of the token's SHA-256: names the link to revoke it, opens nothing
    pm_id: str
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None = None
    token: str = field(default="", repr=False)
    public: bool = False  # opens the public version: people as roles, internal parts left out, details masked

    @property
    def active(self) -> bool:
        """Return True while the link has not been revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class Snapshot:
    """A frozen publication of the report: what was published, as it was, whatever happens later."""

    pm_id: str
    number: int
    version: int
    published_at: UtcDatetime
    actor: str
    document: str
    markdown: str
    pdf: bytes


@dataclass(frozen=True)
class Summary:
    """The columns of a post-mortem that the home list shows, without loading the whole document."""

    id: str
    title: str
    severity: Severity | None
    status: Status
    start: UtcDatetime
    end: UtcDatetime
    version: int
    updated_at: UtcDatetime
    published_at: UtcDatetime | None
    overdue_actions: int
