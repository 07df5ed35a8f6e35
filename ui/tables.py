"""Conversions between domain tuples and the DataFrames that ``st.data_editor`` edits."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from core import postmortem_service, time_range
from core.errors import InvalidInputError
from core.models import (
    ActionItem,
    ActionStatus,
    ActionType,
    Candidate,
    ContributingFactor,
    EventKind,
    FactorCategory,
    Milestone,
    PostMortem,
    Priority,
    SystemicIssue,
    TimelineEvent,
)

NO_MILESTONE = "—"


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    return str(value).strip()


def _flag(value: Any) -> bool:
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def _time(value: Any, row: int) -> datetime:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        raise InvalidInputError(f"Row {row}: the time is missing. Enter it as YYYY-MM-DD HH:MM:SS (UTC).")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"Row {row}: {value!r} is not a time. Enter it as YYYY-MM-DD HH:MM:SS (UTC).") from exc
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    result: datetime = stamp.to_pydatetime()
    return time_range.require(result.astimezone(UTC), field=f"Row {row}, time")


def _date(value: Any) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def events_frame(pm: PostMortem) -> pd.DataFrame:
    """Return the timeline as an editable table."""
    rows = [
        {
            "id": e.id,
            "time": pd.Timestamp(e.time),
            "event": e.event,
            "source": e.source,
            "actor": e.actor,
            "kind": e.kind.value,
            "milestone": e.milestone.value if e.milestone else NO_MILESTONE,
            "starred": e.starred,
            "hidden": e.hidden,
        }
        for e in pm.events
    ]
    frame = pd.DataFrame(rows, columns=["id", "time", "event", "source", "actor", "kind", "milestone", "starred",
                                        "hidden"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame


def events_from_frame(frame: pd.DataFrame, pm: PostMortem) -> list[TimelineEvent]:
    """Return the events of an edited table; a bad row raises an error naming the row and what to enter."""
    events: list[TimelineEvent] = []
    taken: list[str] = []
    seen_milestones: dict[Milestone, int] = {}
    old = {e.id: e for e in pm.events}
    for n, record in enumerate(frame.to_dict("records"), start=1):
        event_id = _text(record.get("id")) or postmortem_service.next_event_id(pm, taken)
        taken.append(event_id)
        milestone_value = _text(record.get("milestone"))
        milestone = Milestone(milestone_value) if milestone_value not in ("", NO_MILESTONE) else None
        if milestone is not None:
            if milestone in seen_milestones:
                raise InvalidInputError(
                    f"Rows {seen_milestones[milestone]} and {n} are both marked “{milestone.label}”: "
                    "a milestone marks one moment, keep it on one row."
                )
            seen_milestones[milestone] = n
        previous = old.get(event_id)
        events.append(
            TimelineEvent(
                id=event_id,
                time=_time(record.get("time"), n),
                event=_text(record.get("event")),
                source=_text(record.get("source")),
                actor=_text(record.get("actor")) or "-",
                kind=EventKind(_text(record.get("kind")) or EventKind.MANUAL.value),
                milestone=milestone,
                starred=_flag(record.get("starred")),
                hidden=_flag(record.get("hidden")),
                evidence=previous.evidence if previous else "",
                internal=previous.internal if previous else False,  # marked on the Report step, not in this table
            )
        )
    return events


def factors_frame(pm: PostMortem) -> pd.DataFrame:
    """Return the contributing factors as an editable table."""
    rows = [
        {"id": f.id, "category": f.category.value, "text": f.text, "evidence": list(f.evidence_event_ids),
         "accepted_risk": f.accepted_risk, "accepted_reason": f.accepted_reason, "internal": f.internal}
        for f in pm.factors
    ]
    return pd.DataFrame(rows, columns=["id", "category", "text", "evidence", "accepted_risk", "accepted_reason",
                                       "internal"])


def factors_from_frame(frame: pd.DataFrame, pm: PostMortem) -> tuple[ContributingFactor, ...]:
    """Return the factors of an edited table; new rows get the next F-number."""
    used = {f.id for f in pm.factors}
    number = max([int(i[1:]) for i in used if i[1:].isdigit()] + [0]) + 1
    factors = []
    for record in frame.to_dict("records"):
        factor_id = _text(record.get("id"))
        if not factor_id:
            factor_id, number = f"F{number}", number + 1
        category = _text(record.get("category")) or FactorCategory.OTHER.value
        evidence = record.get("evidence")
        factors.append(
            ContributingFactor(
                id=factor_id,
                category=FactorCategory(category),
                text=_text(record.get("text")),
                evidence_event_ids=tuple(str(e) for e in evidence) if isinstance(evidence, list | tuple) else (),
                accepted_risk=_flag(record.get("accepted_risk")),
                accepted_reason=_text(record.get("accepted_reason")),
                internal=_flag(record.get("internal")),
            )
        )
    return tuple(factors)


def systemic_frame(pm: PostMortem) -> pd.DataFrame:
    """Return the systemic issues as a one-column table."""
    return pd.DataFrame([{"issue": s.text} for s in pm.systemic_issues], columns=["issue"])


def systemic_from_frame(frame: pd.DataFrame) -> tuple[SystemicIssue, ...]:
    """Return the systemic issues of an edited table (blank rows dropped)."""
    return tuple(SystemicIssue(_text(r.get("issue"))) for r in frame.to_dict("records") if _text(r.get("issue")))


def actions_frame(pm: PostMortem) -> pd.DataFrame:
    """Return the action items as an editable table."""
    rows = [
        {
            "id": a.id,
            "action": a.action,
            "owner": a.owner,
            "deadline": a.deadline,
            "priority": a.priority.value if a.priority else None,
            "type": a.type.value,
            "factors": list(a.factor_ids),
            "end_state": a.end_state,
            "ticket_url": a.ticket_url,
            "tracked_in_app": a.tracked_in_app,
            "status": a.status.value,
        }
        for a in pm.actions
    ]
    return pd.DataFrame(rows, columns=["id", "action", "owner", "deadline", "priority", "type", "factors",
                                       "end_state", "ticket_url", "tracked_in_app", "status"])


def actions_from_frame(frame: pd.DataFrame, pm: PostMortem) -> list[ActionItem]:
    """Return the action items of an edited table (new rows have no id yet: the service numbers them)."""
    old = {a.id: a for a in pm.actions}
    items = []
    for record in frame.to_dict("records"):
        action_id = _text(record.get("id"))
        previous = old.get(action_id)
        factors = record.get("factors")
        priority = _text(record.get("priority"))
        status = ActionStatus(_text(record.get("status")) or ActionStatus.OPEN.value)
        items.append(
            ActionItem(
                id=action_id,
                action=_text(record.get("action")),
                owner=_text(record.get("owner")),
                deadline=_date(record.get("deadline")),
                priority=Priority(priority) if priority else None,
                type=ActionType(_text(record.get("type")) or ActionType.PREVENT.value),
                factor_ids=tuple(str(f) for f in factors) if isinstance(factors, list | tuple) else (),
                end_state=_text(record.get("end_state")),
                ticket_url=_text(record.get("ticket_url")),
                tracked_in_app=_flag(record.get("tracked_in_app")),
                status=status,
                done_at=previous.done_at if previous else None,
                sponsor=previous.sponsor if previous else "",
                attachment_name=previous.attachment_name if previous else "",
                attachment=previous.attachment if previous else "",
            )
        )
    return items


def event_label(pm: PostMortem, event_id: str) -> str:
    """Return a short label of a timeline event for pickers: time and the start of its text."""
    event = next((e for e in pm.events if e.id == event_id), None)
    if event is None:
        return event_id
    text = event.event if len(event.event) <= 48 else event.event[:47] + "…"
    return f"{event.time:%H:%M:%S} {text}"


def candidates_frame(candidates: Sequence[Candidate]) -> pd.DataFrame:
    """Return candidate events as a table with a "pick" checkbox column."""
    rows = [{"pick": False, "time": pd.Timestamp(c.time), "event": c.event, "source": c.source, "count": c.count,
             "example": c.example} for c in candidates]
    frame = pd.DataFrame(rows, columns=["pick", "time", "event", "source", "count", "example"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame
