"""Ranking the candidates of one import so that a person reads the telling ones first.

Order of importance: errors, bursts and warnings that came *before* the impact (the earliest signal
is the most valuable line of a post-mortem); then other errors and bursts; then warnings and
deploys; then the rest (INFO lines new just before the impact, see ``novelty``). Within each, a
template **new** in the window (first seen at or after the window's start, so absent from the
margin read before it) ranks above chronic noise seen before, and an earlier one above a later one.
The impact is the first burst, else the first new error. At most ``MAX_SHOWN`` candidates are kept;
the others are folded into one candidate that lists them, so they stay searchable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from core.models import Candidate, EventKind, TimeWindow

MAX_SHOWN = 40
_ERRORS = frozenset({"error", "critical", "fatal"})
_FOLDED_LENGTH = 4_000


def _is_burst(candidate: Candidate) -> bool:
    return " burst " in candidate.event and candidate.event.split(" burst ", 1)[0].count(" ") == 0


def _tier(candidate: Candidate, group: str | None, impact: datetime | None) -> int:
    error = group in _ERRORS or (group or "").startswith("HTTP ") or _is_burst(candidate)
    before_impact = impact is not None and candidate.time <= impact
    if group == "warn" and before_impact:
        return 0  # a precursor
    if error:
        return 1
    if group == "warn" or candidate.kind is EventKind.DEPLOY:
        return 2
    return 3


def impact(candidates: Sequence[Candidate], groups: Mapping[str, str], window: TimeWindow) -> datetime | None:
    """Return when the impact began: the first burst, else the first error new in the window, else None."""
    bursts = [c.time for c in candidates if _is_burst(c)]
    if bursts:
        return min(bursts)
    errors = [c.time for c in candidates if groups.get(c.id) in _ERRORS and c.time >= window.start]
    return min(errors, default=None)


def shown(candidates: Sequence[Candidate], *, window: TimeWindow, groups: Mapping[str, str], folded_id: str,
          source: str) -> tuple[Candidate, ...]:
    """Return the candidates to show, at most ``MAX_SHOWN`` (the rest folded into the last), ordered by time."""
    began = impact(candidates, groups, window)

    def importance(candidate: Candidate) -> tuple[int, int, datetime]:
        chronic = int(candidate.time < window.start)
        return _tier(candidate, groups.get(candidate.id), began), chronic, candidate.time

    ranked = sorted(candidates, key=importance)
    if len(ranked) > MAX_SHOWN:
        kept, rest = ranked[:MAX_SHOWN - 1], ranked[MAX_SHOWN - 1:]
        listing = "; ".join(f"{c.time:%H:%M:%S} {c.event} (×{c.count:,})" for c in sorted(rest, key=lambda c: c.time))
        kept.append(Candidate(
            id=folded_id, time=min(c.time for c in rest),
            event=f"{len(rest)} more candidates, folded (less telling: see the example for all of them)",
            source=source, count=sum(c.count for c in rest), example=listing[:_FOLDED_LENGTH],
            last_time=max(c.last_time or c.time for c in rest)))
        ranked = kept
    return tuple(sorted(ranked, key=lambda c: (c.time, c.event)))
