"""The column-wise access-log reader agrees line for line with a plain reading, on generated lines."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from core.ingest.nginx_columns import read_columns

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ORACLE = re.compile(r'[^\[]*\[(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)\] '
                    r'"([^"\n]{0,8192})" (\d{3}) ')


def _oracle(line: str) -> tuple[int, int] | None:
    """Return (epoch seconds, status) of a standard line, read the slow and obvious way; None otherwise."""
    match = ORACLE.match(line)
    if match is None or match[2] not in MONTHS or int(match[9]) > 59:  # "+0060" is left to the line reader
        return None
    try:
        zone = timezone((-1 if match[7] == "-" else 1) * timedelta(hours=int(match[8]), minutes=int(match[9])))
        time = datetime(int(match[3]), MONTHS.index(match[2]) + 1, int(match[1]), int(match[4]), int(match[5]),
                        int(match[6]), tzinfo=zone)
    except ValueError:
        return None
    if not 1 < time.year < 9999:
        return None
    return int(time.timestamp()), int(match[11])


@st.composite
def access_lines(draw: st.DrawFn) -> str:
    month = draw(st.sampled_from((*MONTHS, "mar", "MAR", "Foo")))
    numbers = [draw(st.integers(0, top)) for top in (32, 9999, 25, 61, 61, 25, 61)]
    day, year, hour, minute, second, zone_hours, zone_minutes = numbers
    sign = draw(st.sampled_from("+-"))
    request = draw(st.text(st.characters(blacklist_characters='"\n\r', blacklist_categories=("Cs",)), max_size=40))
    status = draw(st.integers(0, 999))
    tail = draw(st.sampled_from((' 512 "-" "curl/8.5.0"', " -", "", ' 0 "https://x/" "Mozilla/5.0 [en]" 0.042')))
    who = draw(st.sampled_from(("192.0.2.1 - -", "2001:db8::1 - alice", "-", "")))
    line = (f"{who} [{day:02d}/{month}/{year:04d}:{hour:02d}:{minute:02d}:{second:02d} {sign}{zone_hours:02d}"
            f'{zone_minutes:02d}] "{request}" {status:03d}{tail}')
    if draw(st.booleans()):  # damage it: cut it short, or slip a character in
        at = draw(st.integers(0, len(line)))
        line = line[:at] if draw(st.booleans()) else line[:at] + draw(st.sampled_from('[]" x9\t')) + line[at:]
    return line


@settings(max_examples=300, deadline=None)
@given(st.lists(access_lines() | st.just(""), min_size=1, max_size=12))
def test_columns_read_exactly_the_standard_lines(lines):
    chunk = ("\n".join(lines) + "\n").encode("utf-8")
    columns = read_columns(chunk)
    assert len(columns.ends) == len(lines)
    for row, line in enumerate(lines):
        assert chunk[columns.starts[row]:columns.ends[row]].decode("utf-8") == line
        expected = _oracle(line)
        assert bool(columns.standard[row]) == (expected is not None), line
        if expected is not None:
            assert (int(columns.epochs[row]), int(columns.statuses[row])) == expected, line


def test_a_chunk_shorter_than_any_standard_line_has_none():
    columns = read_columns(b"x\n\n")
    assert list(columns.standard) == [False, False]
