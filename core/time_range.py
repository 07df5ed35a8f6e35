"""The stretch of time the wizard accepts: every time of a post-mortem lies in 1970–2100 (UTC).

Outside it, date arithmetic (a deadline 30 days after the end, a margin around the window, a
calendar a week ahead) overflows, and no real incident happens there: such a time is a typo.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.errors import InvalidInputError

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""The first time accepted."""

LATEST = datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
"""The last time accepted."""

RANGE = "between 1970-01-01 and 2100-12-31 (UTC)"
"""The range in words, for messages."""


def problem(value: datetime) -> str | None:
    """Return why ``value`` (timezone-aware) is not accepted, or None when it is inside the range."""
    # the year check first: converting a time near year 1 or 9999 to UTC would itself overflow
    inside = EARLIEST.year - 1 <= value.year <= LATEST.year + 1 and EARLIEST <= value.astimezone(UTC) <= LATEST
    return None if inside else f"a time is out of range: {value.isoformat()} is not {RANGE}"


def require(value: datetime, *, field: str) -> datetime:
    """Return ``value`` when it is inside the range; raise InvalidInputError naming ``field`` otherwise."""
    reason = problem(value)
    if reason is not None:
        raise InvalidInputError(f"{field}: {reason}.")
    return value
