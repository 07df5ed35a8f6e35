"""The spans between milestones: time to detect, acknowledge, mitigate and resolve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core import report_text
from core.models import Milestone, PostMortem

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

