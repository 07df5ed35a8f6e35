"""Text application logs: ``kubectl logs --timestamps``, syslog (RFC 5424 and 3164) and plain timestamped lines.

* kubectl: ``2026-03-14T14:02:12.171000956Z <line>``, optionally after a ``--prefix`` such as
  ``[pod/checkout-7d9/app] ``; a ``<line>`` that is a JSON object is read like a JSON log line.
* syslog: ``<34>1 2026-03-14T14:02:12.171+01:00 host app 123 ID - message`` (RFC 5424),
  ``<34>Mar 14 14:02:12 host tag[123]: message`` (RFC 3164, PRI optional: no year, no zone), or a
  PRI followed by an ISO-8601 time (rsyslog's high-precision variant).
* plain: a time in any layout ``timefinder`` knows (ISO, log4j, compact, Apache error log, logcat,
  epoch…), possibly after a file name or host, then the level and the message wherever they are.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.ingest import jsonlines, timefinder
from core.ingest.applogs import LineParser, LineRejected, Parsed, split_level, syslog_level
from core.ingest.rejects import excerpt
from core.ingest.timestamps import ISO_PATTERN, Clock

_KUBECTL = re.compile(r"(?:\[([^\]]*)\] )?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))"
                      r"(?: (.*))?")
_KUBECTL_STRICT = re.compile(r"(?:\[[^\]]*\] \d{4}-\d{2}-\d{2}T\S+|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z)"
                             r"(?: |$)")
_RFC5424 = re.compile(r"<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?")
_RFC3164 = re.compile(r"(?:<(\d{1,3})>)?([A-Z][a-z]{2}) ([ \d]?\d) (\d{2}:\d{2}:\d{2}) (\S+) ?(.*)")
_PRI_ISO = re.compile(rf"<(\d{{1,3}})>({ISO_PATTERN}) (\S+) ?(.*)")
KUBECTL_EXPECTED = "(expected RFC 3339 TIME, a space, then the line, as kubectl logs --timestamps writes)"
SYSLOG_EXPECTED = "(expected <PRI>1 TIME HOST APP PROCID MSGID SD MESSAGE, or [<PRI>]Mon DD HH:MM:SS HOST MESSAGE)"
PLAIN_EXPECTED = ("(expected a time such as 2026-03-14 14:02:17,978, 26/03/14 14:02:17, 260314 140217, "
                  "[Sat Mar 14 14:02:17 2026], 03-14 14:02:17.811 or a Unix time near the start, then the message)")
_DETECTOR = timefinder.TimeFinder()


def kubectl_looks_like(line: str) -> bool:
    """Return True for a line as kubectl writes it (nanosecond UTC time, or a ``--prefix``)."""
    return _KUBECTL_STRICT.match(line) is not None


def syslog_looks_like(line: str) -> bool:
    """Return True for an RFC 5424 or RFC 3164 syslog line."""
    return any(p.fullmatch(line) is not None for p in (_RFC5424, _PRI_ISO, _RFC3164))


def plain_looks_like(line: str) -> bool:
    """Return True for a line with a time in a known layout among its first words."""
    return _DETECTOR.find(line) is not None


def kubectl_parser(clock: Clock, keys: jsonlines.JsonKeys) -> LineParser:
    """Return a parser of ``kubectl logs --timestamps`` lines."""

    def parse(line: str, number: int) -> Parsed:
        match = _KUBECTL.fullmatch(line)
        time = clock.iso(match[2], number) if match else None
        if match is None or time is None:
            raise LineRejected(f"no kubectl timestamp at the start of {excerpt(line)} {KUBECTL_EXPECTED}")
        return read_message(time, match[3] or "", keys)

    return parse


def read_message(time: datetime, text: str, keys: jsonlines.JsonKeys) -> Parsed:
    """Return a timed line's level and message: a JSON object's fields, else a leading level word, if any."""
    record = jsonlines.load_object(text) if text.startswith("{") else None
    if record is not None:
        level, message = jsonlines.level_and_message(record, keys)
        return Parsed(time, level, message or text)
    level, message = split_level(text)
    return Parsed(time, level, message)


def syslog_parser(clock: Clock) -> LineParser:
    """Return a parser of syslog lines (RFC 5424, RFC 3164, and PRI + ISO time)."""

    def parse(line: str, number: int) -> Parsed:
        match = _RFC5424.fullmatch(line)
        if match is not None:
            time = clock.iso(match[2], number)
            if time is None:
                raise LineRejected(f"bad RFC 5424 time {match[2]!r} (expected an ISO-8601 time with zone)")
            app, message = match[4], (match[8] or "").removeprefix("\ufeff")
            return Parsed(time, syslog_level(int(match[1])), message if app == "-" else f"{app}: {message}")
        match = _PRI_ISO.fullmatch(line)
        if match is not None:
            time = clock.iso(match[2], number)
            priority, message = match[1], match[4]
        else:
            match = _RFC3164.fullmatch(line)
            if match is None:
                raise LineRejected(f"not a syslog line: {excerpt(line)} {SYSLOG_EXPECTED}")
            time = clock.rfc3164(match[2], int(match[3]), match[4], number, line)
            priority, message = match[1], match[6]
        if time is None:
            raise LineRejected(f"bad syslog time in {excerpt(line)} {SYSLOG_EXPECTED}")
        if priority is not None:
            return Parsed(time, syslog_level(int(priority)), message)
        level, _ = split_level(message.split(": ", 1)[-1])
        return Parsed(time, level, message)

    return parse


def plain_parser(clock: Clock) -> LineParser:
    """Return a parser of timestamped text lines in any layout ``timefinder`` knows."""
    finder = timefinder.TimeFinder(clock)

    def parse(line: str, number: int) -> Parsed:
        found = finder.find(line)
        time = finder.convert(found, number) if found else None
        if found is None or time is None:
            raise LineRejected(f"no time at the start of {excerpt(line)} {PLAIN_EXPECTED}")
        level, message = split_level(found.rest)
        return Parsed(time, level, message)

    return parse
