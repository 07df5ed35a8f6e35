"""Clock skew: a source whose times are off, found against the others, and its correction.

Two kinds of evidence: the events (a page acknowledged before it was sent, events far outside the
incident and the other sources: whole hours), and the data (``rates``: a log's errors per minute
line up with the other sources only once shifted, by whole hours or any number of minutes).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import report_text
from core.models import EventKind, PostMortem, TimelineEvent
from core.timeline import merge, rates, reading


@dataclass(frozen=True)
class Skew:
    """A source whose clock looks off: add ``offset`` to its times to fix them."""

    source: str
    offset: timedelta
    reason: str


SKEW_MARGIN = timedelta(minutes=10)
"""How far outside the incident (window and the other sources' events) a source's events may fall."""

_VERSION = re.compile(r"\bv?\d+\.\d+\.\d+\b")  # a release: a symptom of it cannot come before its deploy
_CAUSALITY_TOLERANCE = timedelta(minutes=2)  # Alertmanager and the ALERTS history differ by one rule step
_MAX_OFFSET_HOURS = 14  # time zones run from -12:00 to +14:00
_PLACED_KINDS = frozenset({EventKind.LOG, EventKind.METRIC, EventKind.ALERT, EventKind.PAGE, EventKind.CHAT})
# (cause, effect): the effect cannot come before the cause
_CAUSALITY: tuple[tuple[str, str, Callable[[TimelineEvent], bool], Callable[[TimelineEvent], bool]], ...] = (
    ("the first alert fired", "paged", reading.alert_firing, reading.page_trigger),
    ("the first alert fired", "acknowledged", reading.alert_firing, reading.page_ack),
    ("the page", "acknowledged", reading.page_trigger, reading.page_ack),
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
    return breaches + _version_breaches(own, others, shift)


def _versions(event: TimelineEvent) -> set[str]:
    return {v.lstrip("vV") for v in _VERSION.findall(event.event)}


def _version_breaches(own: Sequence[TimelineEvent], others: Sequence[TimelineEvent], shift: timedelta) -> list[str]:
    """Return the events that mention a version before another source's deploy of it began (a symptom first)."""
    breaches = []
    for deploys, mentions, deploy_shift, mention_shift in ((others, own, timedelta(0), shift),
                                                           (own, others, shift, timedelta(0))):
        deployed: dict[str, datetime] = {}
        for event in deploys:
            if event.kind is EventKind.DEPLOY:
                for version in _versions(event):
                    time = event.time + deploy_shift
                    deployed[version] = min(time, deployed.get(version, time))
        for event in mentions:
            for version in _versions(event) & deployed.keys():
                if event.time + mention_shift < deployed[version] - _CAUSALITY_TOLERANCE:
                    breaches.append(f"\"{event.event[:60]}\" at {event.time + mention_shift:%H:%M:%S} UTC, before "
                                    f"the deploy of {version} began at {deployed[version]:%H:%M:%S} UTC")
                    return breaches
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
    first_error = next((e.time for e in sorted(own, key=reading.order) if reading.errorish(e.event)), None)
    first_alert = min((e.time for e in others if reading.alert_firing(e)), default=None)
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
    fired, or mention a release before another source's deploy of it began), or when most of its events
    fall outside the incident and the other sources' events; it is reported when shifting it by whole
    hours (the fewest that work) puts every event in place. A log whose errors per minute line up with
    the other sources only once shifted is reported too (``rates``), by whole hours or minutes.
    """
    visible = [e for e in pm.events if not e.hidden]
    found = []
    # a folded event was seen by two sources at the same moment: it cannot be the skewed one
    for source in sorted({e.source for e in visible if merge.SOURCE_SEPARATOR not in e.source}):
        own = [e for e in visible if e.source == source]
        others = [e for e in visible if e.source != source]
        skew = _skew_of(pm, source, own, others)
        if skew is not None:
            found.append(skew)
    # a breach has two sides: when one side's events also stray from the incident, that side is the skewed one
    if any(strays for _, strays in found):
        found = [(skew, strays) for skew, strays in found if strays]
    skews = [skew for skew, _ in found]
    named = {skew.source for skew in skews}
    skews += [_from_rates(r) for r in rates.rate_skews(pm) if r.source not in named]
    return skews


def _from_rates(found: rates.RateSkew) -> Skew:
    offset = found.offset
    direction = "behind" if offset > timedelta(0) else "ahead"
    span = report_text.format_duration(abs(offset))
    against = ", ".join(found.against[:3]) + (" and others" if len(found.against) > 3 else "")
    zone = " a local time zone read as UTC?" if offset % timedelta(hours=1) == timedelta(0) else " a clock adrift?"
    return Skew(found.source, offset, (
        f"\"{found.source}\" looks {span} {direction}: its errors and warnings per minute line up with {against} "
        f"once shifted by {'+' if offset > timedelta(0) else '-'}{span} (similarity {found.score:.2f}, against "
        f"{found.score_as_is:.2f} as it is):{zone}"
    ))


def shift_source(pm: PostMortem, source: str, offset: timedelta) -> PostMortem:
    """Return ``pm`` with every event, candidate and per-minute log series of ``source`` moved by ``offset``."""
    events = (dataclasses.replace(e, time=e.time + offset) if e.source == source else e for e in pm.events)
    candidates = tuple(
        dataclasses.replace(c, time=c.time + offset,
                            last_time=c.last_time + offset if c.last_time is not None else None)
        if c.source == source else c
        for c in pm.candidates
    )
    series = tuple(
        dataclasses.replace(s, points=tuple(dataclasses.replace(p, time=p.time + offset) for p in s.points))
        if rates.log_source(s) == source else s
        for s in pm.series
    )
    return dataclasses.replace(pm, events=tuple(sorted(events, key=reading.order)), candidates=candidates,
                               series=series)
