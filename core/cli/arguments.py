"""Argument values read into domain types, refused in plain words when they do not fit."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import time_range
from core.errors import InvalidInputError


def parse_time(value: str, name: str) -> datetime:
    """Read an ISO time with a zone, given as option ``name``; return it in UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInputError(f"{name} {value!r} is not an ISO time: expected e.g. 2026-03-14T14:02:17Z") from exc
    if parsed.tzinfo is None:
        raise InvalidInputError(f"{name} {value!r} has no time zone: add Z for UTC or an offset like +01:00")
    return time_range.require(parsed, field=name).astimezone(UTC)


def parse_zone(name: str | None) -> tzinfo | None:
    """Read a ``--timezone`` value; ``None`` when none was given."""
    if not name:
        return None
    try:
        return UTC if name.upper() == "UTC" else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInputError(f"--timezone {name!r} is not a time zone: use e.g. UTC or Europe/Berlin") from exc
