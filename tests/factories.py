"""The factories of ``testing.factories``, under the name the tests have always imported."""

from testing.factories import (
    DESIGN_ALERTS,
    DESIGN_EVENTS,
    DESIGN_POINTS,
    DESIGN_SERIES,
    END,
    EVENTS,
    NOW,
    START,
    at,
    complete_postmortem,
    large_postmortem,
    make_event,
    make_postmortem,
)

__all__ = [
    "DESIGN_ALERTS",
    "DESIGN_EVENTS",
    "DESIGN_POINTS",
    "DESIGN_SERIES",
    "END",
    "EVENTS",
    "NOW",
    "START",
    "at",
    "complete_postmortem",
    "large_postmortem",
    "make_event",
    "make_postmortem",
]
