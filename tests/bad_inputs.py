"""Hypothesis strategies and builders of bad input for every parser: lines, JSON documents, gzip and zip files.

Times of valid records fall inside the window of ``factories.make_postmortem()`` (2026-03-14 14:00-15:30 UTC).
Garbage lines hold no digit of any script, so no format can read a time in them: whatever a parser does with a
garbage line, it cannot count it as read.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

INCIDENT_START = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
INCIDENT_SECONDS = 90 * 60
LEVELS = ("info", "warn", "error", "debug")
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_:/.", min_size=1, max_size=12)
MESSAGES = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)

# absurd values where a JSON number or time goes, as JSON text: out of range, not finite, too long, wrong type
ABSURD_NUMBERS = (
    "1e20", "-1e20", "1e300", "-1e300", "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "-1", "0", "-0.0",
    "1" * 400, "-" + "9" * 400, "1" * 5000, "18446744073709551616", "253402300800", "-62135596800",
    "1.5e-300", "true", "null", '""', '"nan"', '"1e400"', '"-1"', "[]", "{}", '"1773497000"', '"yesterday"',
)
ABSURD_ISO = (
    "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "0001-01-01T00:30:00+00:59",
    "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59.999999999Z", "99999-01-01T00:00:00Z",
    "2026-02-29T14:10:00Z", "2026-02-30T14:10:00Z", "2026-13-01T00:00:00Z", "2026-03-14T24:00:00Z",
    "2026-03-14T14:10:60Z", "2026-03-14T14:10:00+99:99", "2026-03-14T14:10:00-23:59", "2026-03-14T14:10:00",
    "-2026-03-14T14:10:00Z", "+002026-03-14T14:10:00Z", "2026-03-14T14:10:00.Z", "1969-12-31T23:59:59Z",
)
ISO_TIMES = st.one_of(
    st.sampled_from(ABSURD_ISO),
    st.builds(lambda t, minutes: t.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
              st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
              st.integers(-23 * 60 - 59, 23 * 60 + 59)),
)
EPOCHS = st.one_of(st.sampled_from(ABSURD_NUMBERS), st.integers().map(str),
                   st.floats(allow_nan=False, allow_infinity=False).map(repr))


def _clock(offset: int) -> datetime:
    return INCIDENT_START + timedelta(seconds=offset % INCIDENT_SECONDS)


def _nginx(t: datetime, level: str, message: str) -> str:
    status = 502 if level == "error" else 200
    return (f'10.1.2.3 - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /{message.replace(" ", "/")} HTTP/1.1" {status} 512 '
            '"-" "curl/8.5"')


LINE_MAKERS: dict[str, Callable[[datetime, str, str], str]] = {
    "nginx": _nginx,
    "jsonl": lambda t, level, message: json.dumps({"timestamp": f"{t:%Y-%m-%dT%H:%M:%S}Z", "level": level,
                                                   "message": message}),
    "kubectl": lambda t, level, message: f"{t:%Y-%m-%dT%H:%M:%S}.123456789Z {level.upper()} {message}",
    "syslog": lambda t, level, message: f"<{11 if level == 'error' else 14}>1 {t:%Y-%m-%dT%H:%M:%S}Z host app 42 - - "
                                        f"{message}",
    "plain": lambda t, level, message: f"{t:%Y-%m-%dT%H:%M:%S}Z {level.upper()} {message}",
}
"""Per log format, a valid line at a time, with a level and a message."""


def valid_lines(fmt: str) -> st.SearchStrategy[str]:
    """Return valid lines of log format ``fmt`` inside the incident window."""
    return st.builds(lambda offset, level, message: LINE_MAKERS[fmt](_clock(offset), level, message),
                     st.integers(0, INCIDENT_SECONDS - 1), st.sampled_from(LEVELS), MESSAGES)


GARBAGE_LINES = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Nd", "Cs"), exclude_characters="\n\r"), max_size=120)
    .map(str.encode),
    st.binary(max_size=120).map(lambda b: b.translate(None, b"\n\r0123456789")),
    st.text(alphabet=st.characters(max_codepoint=255, exclude_categories=("Nd",), exclude_characters="\n\r"),
            max_size=80).map(lambda t: t.encode("latin-1")),
    st.sampled_from([b"{}", b'{"message": "boom"}', b"[]", b"null", b"<>", b"[x] ERROR", b"\t at Foo.bar"]),
)
"""Lines no log format can read a time from: random text or bytes, no digits, maybe JSON."""


def out_of_range_lines(fmt: str) -> st.SearchStrategy[str]:
    """Return lines of log format ``fmt`` whose time is absurd, impossible or out of range."""
    months = st.sampled_from(["Jan", "Feb", "Dec", "Foo"])
    if fmt == "nginx":
        return st.builds(lambda d, m, y, z: f'10.1.2.3 - - [{d:02d}/{m}/{y:04d}:23:59:59 {z}] "GET / HTTP/1.1" 500 1',
                         st.integers(0, 99), months, st.sampled_from([0, 1, 2, 1969, 2026, 9998, 9999]),
                         st.sampled_from(["+0000", "-0100", "+0100", "+2359", "-2359", "+9999", "-0060"]))
    if fmt == "jsonl":
        return st.one_of(EPOCHS.map(lambda e: f'{{"timestamp": {e}, "level": "error", "message": "x"}}'),
                         ISO_TIMES.map(lambda iso: json.dumps({"timestamp": iso, "level": "error", "message": "x"})))
    if fmt == "syslog":
        return st.one_of(ISO_TIMES.map(lambda iso: f"<11>1 {iso} host app - - - x"),
                         st.builds(lambda m, d, hms: f"<11>{m} {d:2d} {hms} host app: x", months, st.integers(0, 99),
                                   st.sampled_from(["23:59:59", "24:00:00", "00:00:60", "99:99:99"])))
    return ISO_TIMES.map(lambda iso: f"{iso} ERROR x")  # kubectl and plain


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """Return ``data`` with a few bytes flipped, cut out or inserted, or cut short."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        how = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if how == "flip" and out:
            out[at] ^= draw(st.integers(1, 255))
        elif how == "cut":
            del out[at:at + draw(st.integers(1, 64))]
        elif how == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del out[at:]
    return bytes(out)


def encoded(text: str, encoding: str) -> bytes:
    """Return ``text`` in a (possibly wrong) encoding: utf-8, utf-8-sig, utf-16 (with BOM), latin-1, or gzip."""
    if encoding == "gzip":
        return gzip.compress(text.encode(), mtime=0)
    return text.encode(encoding, errors="replace")


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "latin-1", "gzip")


def nested(depth: int, kind: str) -> str:
    """Return JSON text nested ``depth`` deep: arrays, or objects."""
    return "[" * depth + "]" * depth if kind == "array" else '{"a":' * depth + "1" + "}" * depth


DEEP = st.builds(nested, st.sampled_from([50, 900, 990, 1000, 1100, 5000, 50_000]),
                 st.sampled_from(["array", "object"]))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(alphabet="xyz", max_size=4), inner,
                                                                max_size=4),
    max_leaves=12,
)
"""JSON values (NaN and infinities included, as Python's json writes them); objects have only x/y/z keys."""
READABLE_GARBAGE = st.one_of(JSON_VALUES.map(json.dumps), st.sampled_from([n for n in ABSURD_NUMBERS if len(n) < 100]))
"""JSON text a decoder reads, but no importer can read a record from."""
GARBAGE_ITEMS = st.one_of(READABLE_GARBAGE, DEEP, st.sampled_from(ABSURD_NUMBERS))
"""JSON text no importer can read a record from, including some no decoder reads (too deep, a too long number)."""


def _series(metric: dict[str, str], samples: list[tuple[str, str]]) -> str:
    return f'{{"metric": {json.dumps(metric)}, "values": [{", ".join(f"[{t}, {v}]" for t, v in samples)}]}}'


def matrix(series: list[str]) -> str:
    """Return a ``query_range`` response holding the given series (JSON texts)."""
    return f'{{"status": "success", "data": {{"resultType": "matrix", "result": [{", ".join(series)}]}}}}'


def _epoch(offset: int) -> str:
    return str(int(_clock(offset).timestamp()))


def record_builders() -> dict[str, Callable[[int, str, str], str]]:
    """Per structured format: a record (JSON text) numbered ``n`` with a time token and a value token."""
    return {
        "prometheus": lambda n, t, v: _series({"__name__": f"m{n}"}, [(t, v)]),
        "prometheus-alerts": lambda n, t, v: _series({"__name__": "ALERTS", "alertname": f"A{n}",
                                                      "alertstate": "firing"}, [(t, v)]),
        "alertmanager": lambda n, t, v: f'{{"labels": {{"alertname": "A{n}"}}, "startsAt": {t}, "endsAt": {v}}}',
        "pagerduty": lambda n, t, v: f'{{"id": "E{n}", "type": "trigger_log_entry", "created_at": {t}, '
                                     f'"summary": {v}}}',
        "slack": lambda n, t, v: f'{{"ts": {t}, "text": {v}, "user": "U1"}}',
    }


RECORDS = record_builders()


def valid_record(fmt: str, n: int, offset: int) -> str:
    """Return a valid record of structured format ``fmt`` inside the incident window, distinct for each ``n``."""
    t = _clock(offset)
    iso = json.dumps(f"{t:%Y-%m-%dT%H:%M:%S}Z")
    if fmt in ("prometheus", "prometheus-alerts"):
        return RECORDS[fmt](n, _epoch(offset), '"1"')
    if fmt == "slack":
        return RECORDS[fmt](n, json.dumps(f"{t.timestamp():.0f}.{n:06d}"), json.dumps(f"message {n}"))
    return RECORDS[fmt](n, iso, "null" if fmt == "alertmanager" else json.dumps(f"page {n}"))


def document_of(fmt: str, records: list[str]) -> bytes:
    """Return a file of structured format ``fmt`` holding ``records`` (a zip export for Slack)."""
    joined = ", ".join(records)
    if fmt in ("prometheus", "prometheus-alerts"):
        return matrix(records).encode()
    if fmt == "alertmanager":
        return f"[{joined}]".encode()
    if fmt == "pagerduty":
        return f'{{"log_entries": [{joined}]}}'.encode()
    return export_zip({"inc/2026-03-14.json": f"[{joined}]".encode()})


def export_zip(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED,
               users: bytes = b'[{"id": "U1", "real_name": "Ann"}]') -> bytes:
    """Return a Slack export zip: ``users.json``, ``channels.json`` and the given members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("users.json", users)
        archive.writestr("channels.json", b'[{"id": "C1", "name": "inc"}]')
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
