"""Merging events from several sources into one timeline, folding the moments two sources both saw."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from core.models import EventKind, TimelineEvent
from core.timeline import reading

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


def _time(event: TimelineEvent) -> datetime:
    return event.time


def _sources(source: str) -> list[str]:
    return [part for part in source.split(SOURCE_SEPARATOR) if part]


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
    merged = sorted(existing, key=reading.order)
    ids = {e.id for e in merged}
    seen: dict[str, frozenset[str]] = {}

    def words(text: str) -> frozenset[str]:
        if text not in seen:
            seen[text] = reading.words(text)
        return seen[text]

    for new in sorted(incoming, key=reading.order):
        if new.id in ids:
            continue
        low = bisect.bisect_left(merged, new.time - FOLD_WINDOW, key=_time)
        high = bisect.bisect_right(merged, new.time + FOLD_WINDOW, key=_time)
        twins = [i for i in range(low, high) if _same_moment(merged[i], new, words)]
        if not twins:
            bisect.insort(merged, new, key=reading.order)
            ids.add(new.id)
            continue
        nearest = min(twins, key=lambda i: abs(merged[i].time - new.time))
        folded = _fold(merged.pop(nearest), new)
        bisect.insort(merged, folded, key=reading.order)
    return tuple(merged)

