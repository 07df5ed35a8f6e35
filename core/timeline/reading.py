"""How the timeline reads an event: its place in the order, its words, and the moment it reports."""

from __future__ import annotations

import re
from datetime import datetime

from core.models import EventKind, TimelineEvent

_STOP_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "from", "in", "is", "of", "on", "the", "to", "with"})
_SYNONYMS = {
    **dict.fromkeys(("fire", "fires", "fired", "firing", "trigger", "triggers", "triggered"), "firing"),
    **dict.fromkeys(("resolve", "resolves", "resolved"), "resolved"),
    **dict.fromkeys(("ack", "acks", "acked", "acknowledge", "acknowledges", "acknowledged"), "acknowledged"),
}
_WORD = re.compile(r"[a-z0-9_]+")
_ERRORISH = re.compile(
    r"\b(?:errors?|exceptions?|fatal|panic\w*|crash\w*|exhausted|fail(?:s|ed|ing|ures?)?|timeouts?|timed[ -]out"
    r"|unavailable|refused|oom\w*|killed)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:no|none|0|zero|without)\W*$", re.IGNORECASE)


def order(event: TimelineEvent) -> tuple[datetime, str]:
    """Return the sort key of the timeline: UTC time, then id."""
    return event.time, event.id


def words(text: str) -> frozenset[str]:
    """Return the words that tell texts apart: lower case, synonyms folded, stop words dropped."""
    found = (_SYNONYMS.get(w, w) for w in _WORD.findall(text.lower()))
    return frozenset(w for w in found if (len(w) > 1 or w.isdigit()) and w not in _STOP_WORDS)


def errorish(text: str) -> bool:
    """Return True when the text reports an error ("timeout", "OOMKilled"), not its absence ("no errors")."""
    return any(not _NEGATION.search(text[: m.start()]) for m in _ERRORISH.finditer(text))


def is_page(event: TimelineEvent) -> bool:
    """Return True for an event of the paging system."""
    return event.kind is EventKind.PAGE or "pagerduty" in event.source.lower()


def alert_firing(event: TimelineEvent) -> bool:
    """Return True for an alert starting to fire."""
    said = words(event.event)
    return event.kind is EventKind.ALERT and "firing" in said and "resolved" not in said


def alert_resolved(event: TimelineEvent) -> bool:
    """Return True for an alert resolving."""
    return event.kind is EventKind.ALERT and "resolved" in words(event.event)


def page_trigger(event: TimelineEvent) -> bool:
    """Return True for a page sent (not its acknowledgement or resolution)."""
    said = words(event.event)
    return is_page(event) and bool(said & {"firing", "paged"}) and not said & {"acknowledged", "resolved"}


def page_ack(event: TimelineEvent) -> bool:
    """Return True for a page acknowledged."""
    return is_page(event) and "acknowledged" in words(event.event)


def page_resolve(event: TimelineEvent) -> bool:
    """Return True for a page resolved."""
    return is_page(event) and "resolved" in words(event.event)
