"""The timeline: merging events from several sources, milestone suggestions, durations, clock skew.

Everything here is a pure function of a ``PostMortem`` (or of events): no clock, no IO.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import report_text
from core.models import Candidate, EventKind, Milestone, PostMortem, TimelineEvent

SOURCE_SEPARATOR = " + "
"""Joins the sources of a folded event: "Prometheus alerts + PagerDuty"."""

FOLD_WINDOW = timedelta(seconds=60)
"""Events of two sources this close, of the same family and saying nearly the same, are one moment."""

_SIMILAR = 0.6  # shared words / words of the shorter text; "X firing" vs "Y firing" is 0.5 and stays apart
_PLACEHOLDER_ACTORS = frozenset({"", "-", "System"})
_FAMILIES = {
    EventKind.ALERT: "alerting",
    EventKind.PAGE: "alerting",
    EventKind.LOG: "telemetry",
    EventKind.METRIC: "telemetry",
    EventKind.CHAT: "chat",
    EventKind.DEPLOY: "change",
}
_STOP_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "from", "in", "is", "of", "on", "the", "to", "with"})
_SYNONYMS = {
    **dict.fromkeys(("fire", "fires", "fired", "firing", "trigger", "triggers", "triggered"), "firing"),
    **dict.fromkeys(("resolve", "resolves", "resolved"), "resolved"),
    **dict.fromkeys(("ack", "acks", "acked", "acknowledge", "acknowledges", "acknowledged"), "acknowledged"),
}
_WORD = re.compile(r"[a-z0-9_]+")


def _order(event: TimelineEvent) -> tuple[datetime, str]:
    return event.time, event.id


def _time(event: TimelineEvent) -> datetime:
    return event.time


def _sources(source: str) -> list[str]:
    return [part for part in source.split(SOURCE_SEPARATOR) if part]


def _words(text: str) -> frozenset[str]:
    found = (_SYNONYMS.get(w, w) for w in _WORD.findall(text.lower()))
    return frozenset(w for w in found if (len(w) > 1 or w.isdigit()) and w not in _STOP_WORDS)


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _similar(wa: frozenset[str], wb: frozenset[str]) -> bool:
    if not wa or not wb:
        return False
    # "HighErrorRate firing" and "HighErrorRate resolved" are two moments, however alike
    if ("firing" in wa - wb and "resolved" in wb - wa) or ("resolved" in wa - wb and "firing" in wb - wa):
        return False
    # numbers and ids tell alike texts apart: "pod x2kqp OOMKilled" and "pod r7hjn OOMKilled" are two events
    ids_a, ids_b = {w for w in wa if _has_digit(w)}, {w for w in wb if _has_digit(w)}
    if ids_a and ids_b and not ids_a & ids_b:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= _SIMILAR


def _same_moment(kept: TimelineEvent, new: TimelineEvent, words: Callable[[str], frozenset[str]]) -> bool:
    """Return True when ``new`` describes the moment of ``kept``; the caller passes events within FOLD_WINDOW."""
    if kept.time == new.time and _same_text(kept.event, new.event):
        return True
    families = {_FAMILIES.get(kept.kind), _FAMILIES.get(new.kind)} - {None}  # a manual event matches any family
    if len(families) > 1:
        return False
    # two different facts of one source (a push and an SMS notification) stay two events
    if set(_sources(kept.source)) == set(_sources(new.source)):
        return False
    return _similar(words(kept.event), words(new.event))


def _fold(kept: TimelineEvent, new: TimelineEvent) -> TimelineEvent:
    """Return ``kept`` also carrying what ``new`` adds; folding the same event twice changes nothing."""
    sources = _sources(kept.source)
    sources += [s for s in _sources(new.source) if s not in sources]
    evidence = kept.evidence
    if new.evidence and new.evidence not in evidence:
        evidence = f"{evidence} | {new.evidence}" if evidence else new.evidence
    actor = kept.actor if kept.actor not in _PLACEHOLDER_ACTORS or new.actor in _PLACEHOLDER_ACTORS else new.actor
    return dataclasses.replace(
        kept,
        time=min(kept.time, new.time),
        source=SOURCE_SEPARATOR.join(sources),
        actor=actor,
        evidence=evidence,
        milestone=kept.milestone or new.milestone,
        starred=kept.starred or new.starred,
    )


def merge_events(existing: Iterable[TimelineEvent], incoming: Iterable[TimelineEvent]) -> tuple[TimelineEvent, ...]:
    """Merge ``incoming`` events into ``existing``: one timeline ordered by UTC time, then id.

    An incoming event describing a moment already in the timeline is folded into it: same time and
    text, or (from another source) the same family of kinds, within ``FOLD_WINDOW`` and nearly the same
    words, like one alert seen in Alertmanager and in PagerDuty. The folded event keeps its id and text,
    takes the earlier time and names both sources ("Prometheus alerts + PagerDuty"). An incoming event
    whose id is already there is left out, so merging the same events again adds nothing.
    """
    merged = sorted(existing, key=_order)
    ids = {e.id for e in merged}
    seen: dict[str, frozenset[str]] = {}

    def words(text: str) -> frozenset[str]:
        if text not in seen:
            seen[text] = _words(text)
        return seen[text]

    for new in sorted(incoming, key=_order):
        if new.id in ids:
            continue
        low = bisect.bisect_left(merged, new.time - FOLD_WINDOW, key=_time)
        high = bisect.bisect_right(merged, new.time + FOLD_WINDOW, key=_time)
        twins = [i for i in range(low, high) if _same_moment(merged[i], new, words)]
        if not twins:
            bisect.insort(merged, new, key=_order)
            ids.add(new.id)
            continue
        nearest = min(twins, key=lambda i: abs(merged[i].time - new.time))
        folded = _fold(merged.pop(nearest), new)
        bisect.insort(merged, folded, key=_order)
    return tuple(merged)


# --- milestones ---------------------------------------------------------------------------------


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
_ERRORISH = re.compile(
    r"\b(?:errors?|exceptions?|fatal|panic\w*|crash\w*|exhausted|fail(?:s|ed|ing|ures?)?|timeouts?|timed[ -]out"
    r"|unavailable|refused|oom\w*|killed)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:no|none|0|zero|without)\W*$", re.IGNORECASE)
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


def _errorish(text: str) -> bool:
    return any(not _NEGATION.search(text[: m.start()]) for m in _ERRORISH.finditer(text))


def _is_page(event: TimelineEvent) -> bool:
    return event.kind is EventKind.PAGE or "pagerduty" in event.source.lower()


def _alert_firing(event: TimelineEvent) -> bool:
    words = _words(event.event)
    return event.kind is EventKind.ALERT and "firing" in words and "resolved" not in words


def _alert_resolved(event: TimelineEvent) -> bool:
    return event.kind is EventKind.ALERT and "resolved" in _words(event.event)


def _page_trigger(event: TimelineEvent) -> bool:
    words = _words(event.event)
    return (_is_page(event) and bool(words & {"firing", "paged"})
            and not words & {"acknowledged", "resolved"})


def _page_ack(event: TimelineEvent) -> bool:
    return _is_page(event) and "acknowledged" in _words(event.event)


def _page_resolve(event: TimelineEvent) -> bool:
    return _is_page(event) and "resolved" in _words(event.event)


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
        events_where(_errorish, "Earliest error in the timeline")
        + candidates_where(_errorish, "Earliest error in the logs ({count:,} like it)"),
    )
    return next((min(found, key=lambda s: s.time) for found in tiers if found), None)


def _suggest_detected(pm: PostMortem, events: Sequence[TimelineEvent]) -> Suggestion | None:
    alert = _first(events, _alert_firing)
    if alert is not None:
        return _from_event(alert, "First alert firing")
    if pm.alerts:
        first = min(pm.alerts, key=lambda a: a.start)
        return Suggestion(first.start, "Alert intervals", None, "First alert interval starts", f"{first.name} firing")
    page = _first(events, _page_trigger)
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
    pages = [e for e in events if _page_resolve(e)]
    if pages:
        return _from_event(pages[-1], "The page was resolved")
    alerts = [e for e in events if _alert_resolved(e)]
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
    events = sorted((e for e in pm.events if not e.hidden), key=_order)
    detected = _suggest_detected(pm, events)
    impact = _suggest_impact(pm, events, detected.time if detected else None)
    ack = _first(events, _page_ack)
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
        events=tuple(sorted(events, key=_order)),
        not_applicable=tuple(m for m in pm.not_applicable if m not in chosen),
    )


# --- durations ----------------------------------------------------------------------------------

_DURATIONS: tuple[tuple[str, Milestone, Milestone, str], ...] = (
    ("Time to detect", Milestone.IMPACT_START, Milestone.DETECTED,
     "The problem was detected {d} after impact began."),
    ("Time to acknowledge", Milestone.DETECTED, Milestone.ACKNOWLEDGED,
     "Someone acknowledged it {d} after detection."),
    ("Time to mitigate", Milestone.IMPACT_START, Milestone.MITIGATED, "Impact was mitigated {d} after it began."),
    ("Time to resolve", Milestone.IMPACT_START, Milestone.RESOLVED,
     "The incident was resolved {d} after impact began."),
)


@dataclass(frozen=True)
class Duration:
    """A named span between two milestones, with a plain sentence."""

    name: str
    span: timedelta
    sentence: str


def durations(pm: PostMortem) -> list[Duration]:
    """Return time to detect/acknowledge/mitigate/resolve for the milestones that are marked."""
    found = []
    for name, first, second, sentence in _DURATIONS:
        t1, t2 = pm.milestone_time(first), pm.milestone_time(second)
        if t1 is not None and t2 is not None:
            span = t2 - t1
            found.append(Duration(name, span, sentence.format(d=report_text.format_duration(span))))
    return found


# --- clock skew ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skew:
    """A source whose clock looks off by whole hours: add ``offset`` to its times to fix them."""

    source: str
    offset: timedelta
    reason: str


SKEW_MARGIN = timedelta(minutes=10)
"""How far outside the incident (window and the other sources' events) a source's events may fall."""

_CAUSALITY_TOLERANCE = timedelta(minutes=2)  # Alertmanager and the ALERTS history differ by one rule step
_MAX_OFFSET_HOURS = 14  # time zones run from -12:00 to +14:00
_PLACED_KINDS = frozenset({EventKind.LOG, EventKind.METRIC, EventKind.ALERT, EventKind.PAGE, EventKind.CHAT})
# (cause, effect): the effect cannot come before the cause
_CAUSALITY: tuple[tuple[str, str, Callable[[TimelineEvent], bool], Callable[[TimelineEvent], bool]], ...] = (
    ("the first alert fired", "paged", _alert_firing, _page_trigger),
    ("the first alert fired", "acknowledged", _alert_firing, _page_ack),
    ("the page", "acknowledged", _page_trigger, _page_ack),
)


def _causality_breaches(own: Sequence[TimelineEvent], others: Sequence[TimelineEvent],
                        shift: timedelta) -> list[str]:
    breaches = []
    for cause_name, effect_name, is_cause, is_effect in _CAUSALITY:
        for causes, effects, cause_shift, effect_shift in ((others, own, timedelta(0), shift),
                                                           (own, others, shift, timedelta(0))):
            cause_times = [e.time + cause_shift for e in causes if is_cause(e)]
            effect_times = [e.time + effect_shift for e in effects if is_effect(e)]
            if cause_times and effect_times and min(effect_times) < min(cause_times) - _CAUSALITY_TOLERANCE:
                breaches.append(f"{effect_name} at {min(effect_times):%H:%M:%S} UTC, before {cause_name} at "
                                f"{min(cause_times):%H:%M:%S} UTC")
    return breaches


def _envelope(pm: PostMortem, others: Sequence[TimelineEvent]) -> tuple[datetime, datetime]:
    placed = [e.time for e in others if e.kind in _PLACED_KINDS]
    return min([pm.start, *placed]) - SKEW_MARGIN, max([pm.end, *placed]) + SKEW_MARGIN


def _distance_to(times: Sequence[datetime], moment: datetime) -> timedelta:
    return min((abs(t - moment) for t in times), default=timedelta(0))


def _skew_of(pm: PostMortem, source: str, own: Sequence[TimelineEvent],
             others: Sequence[TimelineEvent]) -> tuple[Skew, bool] | None:
    """Return the skew of ``source`` and whether its events stray (not only a causality breach), or None."""
    low, high = _envelope(pm, others)
    placed = [e.time for e in own if e.kind in _PLACED_KINDS]
    other_times = [e.time for e in others]

    def outside(shift: timedelta) -> int:
        return sum(not low <= t + shift <= high for t in placed)

    def misfit(shift: timedelta) -> timedelta:
        return sum((_distance_to(other_times, t + shift) for t in placed), timedelta(0))

    breaches = _causality_breaches(own, others, timedelta(0))
    astray = outside(timedelta(0))
    strays = len(placed) >= 2 and 2 * astray > len(placed)
    if not breaches and not strays:
        return None
    shifts = [timedelta(hours=h) for h in range(-_MAX_OFFSET_HOURS, _MAX_OFFSET_HOURS + 1) if h]
    for shift in sorted(shifts, key=lambda s: (abs(s), misfit(s))):
        if outside(shift) == 0 and not _causality_breaches(own, others, shift):
            break
    else:
        return None
    hours = round(shift / timedelta(hours=1))
    why = (breaches[0] if breaches
           else f"{astray} of its {len(placed)} events fall outside {low + SKEW_MARGIN:%H:%M}–"
                f"{high - SKEW_MARGIN:%H:%M} UTC, the span of the incident window and the other sources")
    first_error = next((e.time for e in sorted(own, key=_order) if _errorish(e.event)), None)
    first_alert = min((e.time for e in others if _alert_firing(e)), default=None)
    if first_error is not None and first_alert is not None and abs(first_alert - first_error - shift) < SKEW_MARGIN:
        lead = first_alert - first_error
        why += (f"; its first error comes {report_text.format_duration(lead)} "
                f"{'before' if lead > timedelta(0) else 'after'} the first alert")
    direction = "behind" if hours > 0 else "ahead"
    return Skew(source, shift, (
        f"\"{source}\" looks {abs(hours)} h {direction}: {why}. Shifted by {hours:+d} h its events line up with "
        "the other sources: a local time zone read as UTC?"
    )), strays


def detect_skew(pm: PostMortem) -> list[Skew]:
    """Return the sources whose events contradict the others by whole hours, with the likely offset.

    A source is suspect when its events acknowledge a page before it was sent (or page before any alert
    fired), or when most of its events fall outside the incident and the other sources' events; it is
    reported when shifting it by whole hours (the fewest that work) puts every event in place.
    """
    visible = [e for e in pm.events if not e.hidden]
    found = []
    # a folded event was seen by two sources at the same moment: it cannot be the skewed one
    for source in sorted({e.source for e in visible if SOURCE_SEPARATOR not in e.source}):
        own = [e for e in visible if e.source == source]
        others = [e for e in visible if e.source != source]
        skew = _skew_of(pm, source, own, others)
        if skew is not None:
            found.append(skew)
    # a breach has two sides: when one side's events also stray from the incident, that side is the skewed one
    if any(strays for _, strays in found):
        found = [(skew, strays) for skew, strays in found if strays]
    return [skew for skew, _ in found]


def shift_source(pm: PostMortem, source: str, offset: timedelta) -> PostMortem:
    """Return ``pm`` with every event and candidate of ``source`` moved by ``offset``."""
    events = (dataclasses.replace(e, time=e.time + offset) if e.source == source else e for e in pm.events)
    candidates = tuple(
        dataclasses.replace(c, time=c.time + offset,
                            last_time=c.last_time + offset if c.last_time is not None else None)
        if c.source == source else c
        for c in pm.candidates
    )
    return dataclasses.replace(pm, events=tuple(sorted(events, key=_order)), candidates=candidates)
