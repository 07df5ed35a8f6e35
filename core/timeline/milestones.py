"""Milestone suggestions from the timeline and the log candidates, and accepting them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.models import Candidate, EventKind, Milestone, PostMortem, TimelineEvent
from core.timeline import reading


@dataclass(frozen=True)
class Suggestion:
    """A proposed milestone: when, from which source, the event carrying it (None: not in the timeline), why."""

    time: datetime
    source: str
    event_id: str | None
    reason: str
    event: str = ""  # the text of the event, or of the event ``accept_milestones`` adds


_LOOKBACK = timedelta(hours=1)  # signals earlier than this before the incident start are not about it
_MITIGATION_WAIT = timedelta(hours=1)  # how long after a fix starts its completion may be reported
_FIVE_XX = re.compile(r"\b5(?:xx|\d\d)\b(?!\s*(?:ms|s|sec|seconds|%|kb|mb|rows)\b)", re.IGNORECASE)
_BURST_START = re.compile(r"\b(?:burst|spike)\b(?!\s+ends?\b)", re.IGNORECASE)
_BURST_END = re.compile(r"\bburst ends?\b", re.IGNORECASE)
_FIX = re.compile(
    r"\b(?:roll(?:s|ed|ing)?[ -]?back|rollbacks?|revert\w*|restart\w*|redeploy\w*|fail(?:s|ed)?[ -]?over"
    r"|scal(?:e|ed|ing) (?:up|out)|drain\w*|disabl\w*|hotfix\w*|patch(?:ed)?)\b",
    re.IGNORECASE,
)
_DONE = re.compile(r"\b(?:complete[ds]?|finished|done|succeeded|successful|rolled out)\b", re.IGNORECASE)
_RECOVERY = re.compile(
    r"\b(?:recover\w*|back to normal|returns? to normal|last 5xx|last errors?|error rate drops|burst ends?)\b",
    re.IGNORECASE,
)
_SIGNAL_KINDS = frozenset({EventKind.LOG, EventKind.METRIC, EventKind.MANUAL})
_FIX_KINDS = frozenset({EventKind.LOG, EventKind.MANUAL, EventKind.DEPLOY})


def _is_5xx(text: str) -> bool:
    return bool(_FIVE_XX.search(text))


def _is_burst(text: str) -> bool:
    return bool(_BURST_START.search(text))


def _from_event(event: TimelineEvent, reason: str) -> Suggestion:
    return Suggestion(event.time, event.source, event.id, reason, event.event)


def _from_candidate(candidate: Candidate, reason: str) -> Suggestion:
    return Suggestion(candidate.time, candidate.source, None, reason, candidate.event)


def _first(events: Iterable[TimelineEvent], test: Callable[[TimelineEvent], bool]) -> TimelineEvent | None:
    return next((e for e in events if test(e)), None)


def _suggest_impact(pm: PostMortem, events: Sequence[TimelineEvent], before: datetime | None) -> Suggestion | None:
    low, high = pm.start - _LOOKBACK, before if before is not None else pm.end
    in_time = [e for e in events if low <= e.time <= high and e.kind in _SIGNAL_KINDS]
    in_timeline = {(e.time, e.source) for e in pm.events}
    candidates = sorted((c for c in pm.candidates if not c.dismissed and c.kind is not EventKind.DEPLOY
                         and low <= c.time <= high and (c.time, c.source) not in in_timeline),
                        key=lambda c: (c.time, c.id))

    def events_where(test: Callable[[str], bool], reason: str) -> list[Suggestion]:
        return [_from_event(e, reason) for e in in_time if test(e.event)]

    def candidates_where(test: Callable[[str], bool], reason: str) -> list[Suggestion]:
        return [_from_candidate(c, reason.format(count=c.count)) for c in candidates if test(c.event)]

    tiers = (
        events_where(_is_5xx, "First 5xx error in the timeline")
        + candidates_where(lambda t: _is_5xx(t) and _is_burst(t), "First 5xx error burst ({count:,} errors)"),
        candidates_where(_is_burst, "First error burst ({count:,} errors)")
        + candidates_where(_is_5xx, "First 5xx error in the logs ({count:,} like it)"),
        events_where(reading.errorish, "Earliest error in the timeline")
        + candidates_where(reading.errorish, "Earliest error in the logs ({count:,} like it)"),
    )
    return next((min(found, key=lambda s: s.time) for found in tiers if found), None)


def _suggest_detected(pm: PostMortem, events: Sequence[TimelineEvent]) -> Suggestion | None:
    alert = _first(events, reading.alert_firing)
    if alert is not None:
        return _from_event(alert, "First alert firing")
    if pm.alerts:
        first = min(pm.alerts, key=lambda a: a.start)
        return Suggestion(first.start, "Alert intervals", None, "First alert interval starts", f"{first.name} firing")
    page = _first(events, reading.page_trigger)
    return _from_event(page, "First page (no alert in the timeline)") if page is not None else None


def _is_fix(event: TimelineEvent) -> bool:
    return event.kind is EventKind.DEPLOY or (event.kind in _FIX_KINDS and bool(_FIX.search(event.event)))


def _is_fixed(event: TimelineEvent) -> bool:
    """Return True for a fix reported complete, or for a sign of recovery."""
    return (_is_fix(event) and bool(_DONE.search(event.event))) or (
        event.kind in _FIX_KINDS | _SIGNAL_KINDS and bool(_RECOVERY.search(event.event)))


def _suggest_mitigated(pm: PostMortem, events: Sequence[TimelineEvent], after: datetime | None,
                       resolved: datetime | None) -> Suggestion | None:
    if after is None:
        return None
    later = [e for e in events if after < e.time and (resolved is None or e.time <= resolved)]
    fix = _first(later, _is_fix)
    if fix is not None:
        done = _first((e for e in later if fix.time < e.time <= fix.time + _MITIGATION_WAIT), _is_fixed)
        if done is not None:
            return _from_event(done, "The first fix after detection completes")
        return _from_event(fix, "First deploy, rollback or restart after detection")
    recovery = _first(later, _is_fixed)
    if recovery is not None:
        return _from_event(recovery, "First sign of recovery after detection")
    ends = sorted((c for c in pm.candidates if not c.dismissed and c.time > after and _BURST_END.search(c.event)),
                  key=lambda c: c.time)
    return _from_candidate(ends[0], "The error burst ends") if ends else None


def _suggest_resolved(pm: PostMortem, events: Sequence[TimelineEvent]) -> Suggestion | None:
    pages = [e for e in events if reading.page_resolve(e)]
    if pages:
        return _from_event(pages[-1], "The page was resolved")
    alerts = [e for e in events if reading.alert_resolved(e)]
    if alerts:
        return _from_event(alerts[-1], "The last alert resolved")
    ended = [a for a in pm.alerts if a.end is not None]
    if ended and len(ended) == len(pm.alerts):
        last = max(ended, key=lambda a: a.end or a.start)
        return Suggestion(last.end or last.start, "Alert intervals", None, "The last alert interval ends",
                          f"{last.name} resolved")
    return None


def suggest_milestones(pm: PostMortem) -> dict[Milestone, Suggestion | None]:
    """Suggest the event of each milestone from the timeline (and the log candidates); None when nothing fits.

    Impact start: the first 5xx, else the first error burst, else the earliest error; detected: the first alert
    firing; acknowledged: the first page acknowledged; mitigated: the first deploy, rollback or restart after
    detection (its completion when reported), else the first sign of recovery; resolved: the page resolved,
    else the last alert resolved.
    """
    events = sorted((e for e in pm.events if not e.hidden), key=reading.order)
    detected = _suggest_detected(pm, events)
    impact = _suggest_impact(pm, events, detected.time if detected else None)
    ack = _first(events, reading.page_ack)
    resolved = _suggest_resolved(pm, events)
    start = detected or impact
    mitigated = _suggest_mitigated(pm, events, start.time if start else None, resolved.time if resolved else None)
    return {
        Milestone.IMPACT_START: impact,
        Milestone.DETECTED: detected,
        Milestone.ACKNOWLEDGED: _from_event(ack, "First page acknowledged") if ack is not None else None,
        Milestone.MITIGATED: mitigated,
        Milestone.RESOLVED: resolved,
    }


def _next_event_id(used: set[str]) -> str:
    n = len(used) + 1
    while f"E{n:03d}" in used:
        n += 1
    return f"E{n:03d}"


def _added_event(pm: PostMortem, milestone: Milestone, suggestion: Suggestion, used: set[str]) -> TimelineEvent:
    candidate = next((c for c in pm.candidates if c.time == suggestion.time and c.source == suggestion.source
                      and c.event == suggestion.event), None)
    event_id = _next_event_id(used)
    if candidate is not None:
        return TimelineEvent(event_id, candidate.time, candidate.event, candidate.source, kind=candidate.kind,
                             milestone=milestone, evidence=candidate.example)
    return TimelineEvent(event_id, suggestion.time, suggestion.event or milestone.label, suggestion.source,
                         kind=EventKind.MANUAL, milestone=milestone, evidence=suggestion.reason)


def accept_milestones(pm: PostMortem, suggestions: Mapping[Milestone, Suggestion | None]) -> PostMortem:
    """Return ``pm`` with each suggested milestone set on its event, or on a new event when none is there.

    A milestone moves: any other event carrying it loses it. Milestones suggested as None are left as they are.
    """
    chosen = {m: s for m, s in suggestions.items() if s is not None}
    events = [dataclasses.replace(e, milestone=None) if e.milestone in chosen else e for e in pm.events]
    used = {e.id for e in events}
    for milestone in Milestone:
        suggestion = chosen.get(milestone)
        if suggestion is None:
            continue
        free = [i for i, e in enumerate(events) if e.milestone is None]
        target = next((i for i in free if events[i].id == suggestion.event_id), None)
        if target is None and suggestion.event_id is None:
            same_time = [i for i in free if events[i].time == suggestion.time]
            target = next((i for i in same_time if events[i].source == suggestion.source),
                          same_time[0] if same_time else None)
        if target is not None:
            events[target] = dataclasses.replace(events[target], milestone=milestone)
        else:
            events.append(_added_event(pm, milestone, suggestion, used))
            used.add(events[-1].id)
    return dataclasses.replace(
        pm,
        events=tuple(sorted(events, key=reading.order)),
        not_applicable=tuple(m for m in pm.not_applicable if m not in chosen),
    )

