"""Finding the time of a text log line, whatever common layout it is written in.

One finder covers the layouts of application logs: ISO-8601 with or without ``T`` (comma or dot
fractions, ``/`` or ``.`` separators, a zone or none), log4j ``yy/MM/dd HH:mm:ss``, compact
``yyMMdd HHmmss``, ``yyyyMMdd-H:m:s:SSS``, ``[Dow Mon DD HH:MM:SS[.ffffff] YYYY]`` (the Apache
error log), ``DD Mon YYYY HH:MM:SS`` (Redis, log4j's DATE), syslog ``Mon DD HH:MM:SS``, logcat
``MM-DD HH:MM:SS.mmm``, ``MM.dd HH:mm:ss``, and Unix epoch seconds or milliseconds. The time may
follow up to ``MAX_PREFIX`` words (a file name, a host, a dash) and sit in brackets, or follow
logfmt's ``ts=``. An epoch time followed by a human one (cluster logs) reads the message after the
second. A layout without a year takes the one that puts the date nearest the incident window; a
time without a zone is converted with the zone the user chose, and otherwise stops the import
(``TimezoneRequiredError``): times are never guessed. Epoch times are UTC.

The layout and prefix that matched the previous line are tried first, so a file costs about one
regular-expression match a line.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import NamedTuple

from core.ingest.timestamps import MONTHS, Clock, from_epoch

MAX_PREFIX = 4
_EPOCH = "epoch"
_FRACTION = r"(?:[.,:](?P<f>\d{1,9}))?"
_ZONE = r"(?: ?(?P<z>Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)(?![\w:]))?"
_HMS = r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})"
_MON = r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_OPEN = r'(?:[A-Za-z_@]+=)?[\["]?'  # "[time]", or logfmt's ts=, time="…"
_END = r"\]?(?![\d:])"
_PATTERNS = (
    ("iso", r"(?P<Y>\d{4})[-/.](?P<M>\d{2})[-/.](?P<D>\d{2})(?:[T _]|-(?=\d\d\.))"
            r"(?P<h>\d{2})[:.](?P<m>\d{2})[:.](?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?" + _ZONE),
    ("apache", r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + _MON + r" +(?P<D>\d{1,2}) " + _HMS
               + r"(?:\.(?P<f>\d{1,9}))? (?P<Y>\d{4})"),
    ("log4j", r"(?P<y>\d{2})/(?P<M>\d{2})/(?P<D>\d{2}) " + _HMS + r"(?:[.,](?P<f>\d{1,9}))?"),
    ("compact", r"(?P<y>\d{2})(?P<M>[01]\d)(?P<D>[0-3]\d) (?P<h>[0-2]\d)(?P<m>[0-5]\d)(?P<s>[0-5]\d)"),
    ("dashed", r"(?P<Y>\d{4})(?P<M>[01]\d)(?P<D>[0-3]\d)-(?P<h>\d{1,2}):(?P<m>\d{1,2}):(?P<s>\d{1,2})" + _FRACTION),
    ("dmy", r"(?P<D>\d{1,2})[ -]" + _MON + r"[ -](?P<Y>\d{4})[ :]" + _HMS + r"(?:[.,](?P<f>\d{1,9}))?" + _ZONE),
    ("syslog", _MON + r" +(?P<D>\d{1,2})(?: (?P<Y>\d{4}))? " + _HMS + r"(?:\.(?P<f>\d{1,9}))?" + _ZONE),
    ("logcat", r"(?P<M>[01]\d)-(?P<D>[0-3]\d) " + _HMS + r"\.(?P<f>\d{3,6})"),
    ("monthday", r"(?P<M>[01]\d)\.(?P<D>[0-3]\d) " + _HMS),
    ("epoch", r"(?P<e>1\d{9}(?:\d{3})?)(?:\.(?P<f>\d{1,9}))?"),
)
LAYOUTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(_OPEN + pattern + '"?' + _END)) for name, pattern in _PATTERNS)
"""The layouts tried, in order, at each of the first words of a line."""
_WORD_ENDS = re.compile(r"\S+\s+")
_TRAILING = re.compile(r"[\s,|:\]-]*")
_CACHE_LIMIT = 20_000
_FLAG = re.compile(r"^[01] (?=\S)")


class Found(NamedTuple):
    """A time found in a line: where it is, in which layout, and the text after it."""

    layout: int
    match: re.Match[str]
    rest: str


def _starts(line: str) -> list[int]:
    starts, position = [0], 0
    for _ in range(MAX_PREFIX):
        word = _WORD_ENDS.match(line, position)
        if word is None:
            break
        position = word.end()
        starts.append(position)
    return starts


class TimeFinder:
    """Find and convert the times of one file's lines, remembering the layout that worked last."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock
        self._last: tuple[int, int] | None = None  # (layout index, number of prefix words)
        self._seconds: dict[tuple[int, str], datetime] = {}

    def find(self, line: str) -> Found | None:
        """Return the first time in a known layout within the first words of ``line``, or None."""
        if self._last is not None:
            layout, words = self._last
            starts = _starts(line) if words else [0]  # most layouts put the time first: no words to skip
            if words < len(starts):
                match = LAYOUTS[layout][1].match(line, starts[words])
                if match is not None:
                    return self._found(layout, match, line)
        starts = _starts(line)
        for words, start in enumerate(starts):
            for layout, (_, pattern) in enumerate(LAYOUTS):
                match = pattern.match(line, start)
                if match is not None:
                    self._last = (layout, words)
                    return self._found(layout, match, line)
        return None

    def _found(self, layout: int, match: re.Match[str], line: str) -> Found:
        found = Found(layout, match, _rest(line, match.end()))
        if LAYOUTS[layout][0] != _EPOCH:
            return found
        found = self._after_second_time(found)
        return found._replace(rest=_FLAG.sub("", found.rest, count=1))  # cluster logs: "<epoch> 1 message"

    def _after_second_time(self, found: Found) -> Found:
        """Return ``found`` with its rest cut after a second, human time (epoch-stamped logs repeat it)."""
        starts = _starts(found.rest)
        for start in starts:
            for name, pattern in LAYOUTS:
                match = pattern.match(found.rest, start) if name != _EPOCH else None
                if match is not None:
                    return found._replace(rest=_rest(found.rest, match.end()))
        return found

    def convert(self, found: Found, line_number: int) -> datetime | None:
        """Return a found time as UTC, None when it is no real date; raise when it has no zone and none is assumed."""
        match = found.match
        fields = match.groupdict()
        if fields.get("e") is not None:
            seconds = from_epoch(int(fields["e"]))
            return None if seconds is None else seconds + _fraction(fields.get("f"))
        key = (found.layout, match.group(0)[:40] if fields.get("f") is None else
               match.string[match.start():match.start("f")])
        base = self._seconds.get(key)
        if base is None:
            base = self._base(fields, line_number, match.string)
            if base is None:
                return None
            if len(self._seconds) >= _CACHE_LIMIT:
                self._seconds.clear()
            self._seconds[key] = base
        return base + _fraction(fields.get("f"))

    def _base(self, fields: dict[str, str | None], line_number: int, sample: str) -> datetime | None:
        clock = self.clock
        if clock is None:
            raise ValueError("a TimeFinder without a clock only finds times")
        mon = fields.get("mon")
        month = MONTHS[mon] if mon else int(fields["M"] or 0)
        day, hour, minute, second = (int(fields[k] or 0) for k in ("D", "h", "m", "s"))
        year_text, short = fields.get("Y"), fields.get("y")
        try:
            if year_text or short:
                year = int(year_text) if year_text else 2000 + int(short or 0)
                naive = datetime(year, month, day, hour, minute, second)
            else:
                naive = _nearest(clock, month, day, hour, minute, second)  # type: ignore[assignment]
        except ValueError:
            return None
        if naive is None:
            return None
        zone = fields.get("z")
        try:
            if zone:
                return clock.zoned(naive, zone)
            return clock.localise(naive, line_number, sample)
        except (ValueError, OverflowError):  # a zone beyond ±24 h, or beyond year 1..9999 once in UTC
            return None


def _nearest(clock: Clock, month: int, day: int, hour: int, minute: int, second: int) -> datetime | None:
    """Return the date in the given year, else the year nearest the incident window (a log without years)."""
    years = [clock.year] if clock.year is not None else [clock.around.year + d for d in (0, -1, 1)]
    around = clock.around.replace(tzinfo=None)
    dates = []
    for year in years:
        try:
            dates.append(datetime(year, month, day, hour, minute, second))
        except ValueError:  # 29 February of a common year
            continue
    return min(dates, key=lambda d: abs(d - around)) if dates else None


def _fraction(text: str | None) -> timedelta:
    return timedelta(microseconds=int(text[:6].ljust(6, "0"))) if text else timedelta(0)


def _rest(line: str, end: int) -> str:
    after = _TRAILING.match(line, end)
    return line[after.end():] if after is not None else line[end:]

