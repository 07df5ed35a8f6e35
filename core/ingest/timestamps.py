"""Turning the time texts of log lines into UTC datetimes, fast and without guessing zones.

Parsing goes through a ``Clock`` that caches the parsed whole second (logs repeat the same second
many times) and never uses ``strptime`` (slow, and ``%b`` depends on the locale). A time written
without a zone is converted with ``assume_tz`` when the caller gave one, and otherwise stops the
import with ``TimezoneRequiredError``: a wrong guess would shift the whole log by hours.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from core.errors import InvalidInputError

MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}

ISO_PATTERN = (r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?"
               r"(?: ?(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?")
"""An ISO-8601 / ``YYYY-MM-DD HH:MM:SS[,mmm]`` time, with an optional zone; for embedding in line patterns."""

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?"
                  r" ?(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?")
_ACCESS = re.compile(r"(\d{2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})")
_CACHE_LIMIT = 20_000  # distinct seconds remembered; cleared when full so memory stays bounded


class TimezoneRequiredError(InvalidInputError):
    """Raised when a log's times carry no zone and the caller did not say which zone they are in."""

    def __init__(self, origin: str, line_number: int, sample: str) -> None:
        super().__init__(
            f"{origin}: the times in this file have no time zone (line {line_number}: {sample[:80]!r}). "
            "Choose the time zone the log was written in (for example UTC or Europe/Berlin) and import "
            "it again: times are never guessed."
        )
        self.origin = origin
        self.line_number = line_number


def _zone(text: str) -> tzinfo:
    if text in ("Z", "z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return UTC if minutes == 0 else timezone(sign * timedelta(minutes=minutes))


class Clock:
    """Convert the time texts of one file to UTC, remembering recently parsed seconds."""

    def __init__(self, *, origin: str, assume_tz: tzinfo | None, year: int | None, around: datetime) -> None:
        self.origin = origin
        self.assume_tz = assume_tz
        self.year = year
        self.around = around  # the incident window's start: picks the year of RFC 3164 times
        self._seconds: dict[str, datetime] = {}

    def localise(self, naive: datetime, line_number: int, sample: str) -> datetime:
        """Return a time written without a zone as UTC, read in the zone assumed; raise when none is."""
        if self.assume_tz is None:
            raise TimezoneRequiredError(self.origin, line_number, sample)
        return naive.replace(tzinfo=self.assume_tz).astimezone(UTC)

    @staticmethod
    def zoned(naive: datetime, zone: str) -> datetime:
        """Return a time written with a zone (``Z``, ``UTC``, ``+01:00``, ``-0500``) as UTC."""
        return naive.replace(tzinfo=_zone(zone)).astimezone(UTC)

    def _remember(self, key: str, value: datetime) -> None:
        if len(self._seconds) >= _CACHE_LIMIT:
            self._seconds.clear()
        self._seconds[key] = value

    def iso(self, text: str, line_number: int) -> datetime | None:
        """Return an ISO-8601 time as UTC, None when it is not one; raise when it has no zone and none is assumed."""
        match = _ISO.fullmatch(text)
        if match is None:
            return None
        zone = match[8] or ""
        key = text[:19] + zone
        base = self._seconds.get(key)
        if base is None:
            try:
                naive = datetime(int(match[1]), int(match[2]), int(match[3]),
                                 int(match[4]), int(match[5]), int(match[6]))
                base = naive.replace(tzinfo=_zone(zone)).astimezone(UTC) if zone else \
                    self.localise(naive, line_number, text)
            except (ValueError, OverflowError):  # no such date, or beyond year 1..9999 once in UTC
                return None
            self._remember(key, base)
        fraction = match[7]
        if fraction:
            return base + timedelta(microseconds=int(fraction[:6].ljust(6, "0")))
        return base

    def access(self, text: str) -> datetime | None:
        """Return an access-log ``14/Mar/2026:14:02:17 +0000`` time as UTC, or None when malformed."""
        cached = self._seconds.get(text)
        if cached is not None:
            return cached
        match = _ACCESS.fullmatch(text)
        month = MONTHS.get(match[2]) if match else None
        if match is None or month is None:
            return None
        try:
            value = datetime(int(match[3]), month, int(match[1]), int(match[4]), int(match[5]), int(match[6]),
                             tzinfo=_zone(match[7])).astimezone(UTC)
        except (ValueError, OverflowError):
            return None
        self._remember(text, value)
        return value

    def rfc3164(self, month_name: str, day: int, hms: str, line_number: int, sample: str) -> datetime | None:
        """Return a syslog ``Mar 14 14:02:17`` time (no year, no zone) as UTC, or None when malformed.

        The year is the one given, else the one that puts the date nearest the incident window.
        """
        month = MONTHS.get(month_name)
        if month is None or len(hms) != 8:
            return None
        key = f"{month_name} {day} {hms}"
        cached = self._seconds.get(key)
        if cached is not None:
            return cached
        try:
            hour, minute, second = int(hms[0:2]), int(hms[3:5]), int(hms[6:8])
            years = [self.year] if self.year is not None else [self.around.year + d for d in (0, -1, 1)]
            candidates = [datetime(y, month, day, hour, minute, second) for y in years
                          if not (month == 2 and day == 29 and not _leap(y))]
        except ValueError:
            return None
        if not candidates:
            return None
        around = self.around.replace(tzinfo=None)
        naive = min(candidates, key=lambda c: abs(c - around))
        try:
            value = self.localise(naive, line_number, sample)
        except OverflowError:
            return None
        self._remember(key, value)
        return value


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def from_epoch(value: float) -> datetime | None:
    """Return a Unix time in seconds, milliseconds, microseconds or nanoseconds (told apart by size) as UTC."""
    magnitude = abs(value)
    for scale in (1, 1e3, 1e6, 1e9):
        if magnitude < 1e11 * scale:
            try:
                return datetime.fromtimestamp(value / scale, UTC)
            except (OverflowError, OSError, ValueError):
                return None
    return None
