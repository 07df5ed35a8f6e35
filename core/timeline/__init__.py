"""The timeline: merging events from several sources, milestone suggestions, durations, clock skew.

Everything here is a pure function of a ``PostMortem`` (or of events): no clock, no IO. Callers use the
names re-exported below (``timeline.merge_events``); ``reading`` is how the modules read an event.
"""

from core.timeline.durations import Duration, durations
from core.timeline.merge import FOLD_WINDOW, SOURCE_SEPARATOR, merge_events
from core.timeline.milestones import Suggestion, accept_milestones, suggest_milestones
from core.timeline.skew import SKEW_MARGIN, Skew, detect_skew, shift_source

__all__ = [
    "FOLD_WINDOW",
    "SKEW_MARGIN",
    "SOURCE_SEPARATOR",
    "Duration",
    "Skew",
    "Suggestion",
    "accept_milestones",
    "detect_skew",
    "durations",
    "merge_events",
    "shift_source",
    "suggest_milestones",
]
