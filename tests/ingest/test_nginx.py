"""Access logs: UTC times, per-minute series, rejected lines, 5xx candidates and bursts (demo incident)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from core.ingest.templates import path_template
from core.models import EventKind
from demo import story
from tests.ingest.conftest import DATA, DEMO, import_bytes, import_demo, import_fixture, utc

MINUTES = [utc("2026-03-14T09:55:00+00:00") + timedelta(minutes=m) for m in range(10)]


def _values(result, labels=()):
    series = next(s for s in result.series if s.labels == labels)
    assert [p.time for p in series.points] == MINUTES
    return [p.value for p in series.points]


def test_series_count_requests_per_minute_in_utc_by_class():
    result = import_fixture("access-small.log")
    assert {s.query for s in result.series} == {"access-small requests/min"}
    # minutes 09:55 … 10:04; the +0100 and -0500 lines land at 10:02:30 and 10:04:20 UTC
    assert _values(result) == [1, 0, 0, 0, 0, 4, 2, 2, 0, 2]
    assert _values(result, (("class", "2xx"),)) == [1, 0, 0, 0, 0, 2, 1, 1, 0, 1]
    assert _values(result, (("class", "3xx"),)) == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert _values(result, (("class", "4xx"),)) == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert _values(result, (("class", "5xx"),)) == [0, 0, 0, 0, 0, 0, 1, 1, 0, 1]


def test_malformed_lines_are_rejected_by_file_and_line_while_good_lines_import():
    result = import_fixture("access-small.log")
    assert result.source.records_rejected == 3
    reasons = result.source.rejected_reasons
    assert [r.split(":", 1)[0] for r in reasons] == [
        "access-small.log line 8", "access-small.log line 12", "access-small.log line 14"]
    assert 'no "REQUEST" STATUS after the time' in reasons[0] and "(expected ADDR - USER [" in reasons[0]
    assert "not an access-log line: '2026/03/14 10:03:10 [error]" in reasons[1]
    assert reasons[2].endswith("bad time '32/Mar/2026:10:04:10 +0000' (expected DD/Mon/YYYY:HH:MM:SS +ZZZZ)")


def test_only_the_first_five_reasons_are_kept():
    bad = b"".join(b"garbage line %d\n" % n for n in range(8))
    good = (DATA / "access-small.log").read_bytes()
    result = import_bytes(good + bad, "mixed.log")
    assert result.source.records_rejected == 3 + 8
    assert len(result.source.rejected_reasons) == 5
    assert result.source.rejected_reasons[-1].startswith("mixed.log line 20: not an access-log line")


def test_first_5xx_of_each_status_and_path_template():
    result = import_fixture("access-small.log")
    found = [(c.event, c.time, c.count, c.last_time, c.kind, c.source) for c in result.candidates]
    assert found == [
        ("First HTTP 502 on GET /api/orders/<n>", utc("2026-03-14T10:01:02+00:00"), 2,
         utc("2026-03-14T10:04:00+00:00"), EventKind.LOG, "access-small"),
        ("First HTTP 503 on POST /api/pay", utc("2026-03-14T10:02:45+00:00"), 1,
         utc("2026-03-14T10:02:45+00:00"), EventKind.LOG, "access-small"),
    ]
    assert result.candidates[0].example.startswith('203.0.113.9 - - [14/Mar/2026:10:01:02 +0000] "GET /api/orders/')


def test_examples_are_cut_to_300_characters():
    agent = "x" * 500
    line = f'192.0.2.1 - - [14/Mar/2026:10:01:00 +0000] "GET /a HTTP/1.1" 500 1 "-" "{agent}"\n'.encode()
    [candidate] = import_bytes(line, "long.log").candidates
    assert len(candidate.example) == 300


def test_standard_and_odd_shaped_lines_count_the_same():
    """Lines without the bytes field go line by line; they must count exactly like the column-wise ones."""
    data = (DATA / "access-small.log").read_bytes()
    odd = re.sub(rb'(" \d{3}) [^\n]*', rb"\1", data)
    fast, slow = import_bytes(data, "a.log"), import_bytes(odd, "a.log")
    assert fast.source == slow.source
    assert fast.series == slow.series
    assert [(c.id, c.time, c.count, c.last_time) for c in fast.candidates] == \
        [(c.id, c.time, c.count, c.last_time) for c in slow.candidates]


def test_unsorted_lines_give_the_earliest_first_occurrence():
    lines = (DATA / "access-small.log").read_bytes().splitlines(keepends=True)
    result = import_bytes(b"".join(reversed(lines)), "reversed.log")
    first_502 = result.candidates[0]
    assert (first_502.time, first_502.count) == (utc("2026-03-14T10:01:02+00:00"), 2)
    assert first_502.example.startswith("203.0.113.9")


def test_path_templates_mask_ids():
    assert path_template("/api/orders/12345?expand=items") == "/api/orders/<n>"
    assert path_template("/static/app.3f9a2c1b.js") == "/static/app.<hex>.js"
    assert path_template("/v1/carts/550e8400-e29b-41d4-a716-446655440000/items") == "/v1/carts/<uuid>/items"
    assert path_template("/t/AbCdEfGh12345678xyz") == "/t/<id>"
    assert path_template("/api/v2/health") == "/api/v2/health"


def test_demo_log_first_502_503_504_and_the_burst():
    result = import_demo("nginx-access.log")
    events = {c.event: c for c in result.candidates}
    # the burst's first 5xx (always in the 2% sample) stays; its other requests fold into the burst's breakdown
    assert [c.event for c in result.candidates if c.event.startswith("First HTTP")] == [
        "First HTTP 502 on GET /api/checkout"]
    assert events["First HTTP 502 on GET /api/checkout"].time == story.FIRST_ERROR
    [start] = [c for c in result.candidates if c.event.startswith("5xx burst starts")]
    assert "503 GET /api/checkout ×" in start.event and "504 GET /api/checkout ×" in start.event
    [end] = [c for c in result.candidates if c.event.startswith("5xx burst ends")]
    assert (start.time, end.time) == (story.FIRST_ERROR, story.LAST_ERROR)
    assert start.last_time == story.LAST_ERROR
    five_xx = sum(p.value for s in result.series if s.labels == (("class", "5xx"),) for p in s.points)
    assert start.count == end.count == five_xx
    assert all(c.source == "nginx" for c in result.candidates)


def test_demo_log_counts_against_a_plain_reading():
    """An independent reading of the demo log (strptime) gives the same 5xx total and rejected lines."""
    good = rejected = errors = 0
    pattern = re.compile(r'\[([^\]]+)\] "[^"]*" (\d{3}) ')
    for line in (DEMO / "nginx-access.log").read_text(encoding="utf-8").splitlines():
        match = pattern.search(line)
        if match is None:
            rejected += 1
            continue
        good += 1
        time = datetime.strptime(match[1], "%d/%b/%Y:%H:%M:%S %z").astimezone(UTC)
        errors += match[2].startswith("5") and story.INCIDENT_START - timedelta(minutes=30) <= time
    result = import_demo("nginx-access.log")
    assert (result.source.records_read, result.source.records_rejected) == (good, rejected)
    total = next(s for s in result.series if s.labels == (("class", "5xx"),))
    assert sum(p.value for p in total.points) == errors


def test_huge_lines_are_read_or_rejected_without_trouble():
    huge_agent = "a" * (100 * 1024)
    good = f'192.0.2.1 - - [14/Mar/2026:10:01:00 +0000] "GET /x HTTP/1.1" 503 1 "-" "{huge_agent}"\n'.encode()
    junk = b"\x00\xff" * (70 * 1024) + b"\n"
    result = import_bytes(good + junk + good, "huge.log")
    assert (result.source.records_read, result.source.records_rejected) == (2, 1)
    assert result.source.rejected_reasons[0].startswith("huge.log line 2: not an access-log line: '\\x00")
    assert result.candidates[0].count == 2 and len(result.candidates[0].example) == 300
