"""Application logs (kubectl, JSON lines, syslog, plain): UTC times, levels, error templates, deploys."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.ingest.jsonlines import JsonKeys
from core.ingest.logs import TimezoneRequiredError
from core.models import EventKind, TimeWindow
from demo import story
from tests.ingest.conftest import DEMO, import_bytes, import_demo, import_fixture, utc


def _events(result):
    return [(c.event, c.time, c.count, c.kind) for c in result.candidates]


def test_kubectl_with_prefix():
    result = import_fixture("kubectl-prefix.log")
    assert (result.source.records_read, result.source.records_rejected) == (8, 1)
    assert result.source.rejected_reasons == (
        "kubectl-prefix.log line 8: no kubectl timestamp at the start of "
        "'[pod/checkout-api-7f9c6d5b8-x2kqp/app] connection reset by p…' "
        "(expected RFC 3339 TIME, a space, then the line, as kubectl logs --timestamps writes)",)
    assert _events(result) == [
        ("main: Starting checkout-api v2.3.0 (commit 9f3c2ab)", utc("2026-03-14T10:00:01+00:00"), 2, EventKind.DEPLOY),
        ("First error: db.pool: connection pool exhausted (max 20), 34 waiting",
         utc("2026-03-14T10:02:12.171000+00:00"), 2, EventKind.LOG),
        ("First error: timeout acquiring connection after 5000ms", utc("2026-03-14T10:02:17.134+00:00"), 1,
         EventKind.LOG),
        ("First warning: http: POST /api/checkout/submit 503 5004ms id=49747", utc("2026-03-14T10:03:00+00:00"), 1,
         EventKind.LOG),
        ("main: Starting checkout-api v2.2.4 (commit 41be07d)", utc("2026-03-14T10:05:13.109557+00:00"), 1,
         EventKind.DEPLOY),
    ]
    assert result.candidates[1].last_time == utc("2026-03-14T10:02:12.618+00:00")
    assert result.candidates[0].source == "kubectl-prefix"


def test_kubectl_demo_pool_exhausted_and_deploys():
    result = import_demo("checkout-api.kubectl.log")
    assert result.source.records_rejected == 0
    events = _events(result)
    pool = next(e for e in events if "pool exhausted" in e[0])
    assert pool[0] == "First error: db.pool: connection pool exhausted (max 20), 34 waiting"
    assert story.POOL_FULL <= pool[1] < story.POOL_FULL + timedelta(seconds=1)
    deploys = [(e[0], e[1], e[2]) for e in events if e[3] is EventKind.DEPLOY]
    # read the file plainly: each "Starting" line, grouped into deploys when less than 10 minutes apart
    starts = [(utc(line[:26] + "+00:00"), line.split("main: ", 1)[1])
              for line in (DEMO / "checkout-api.kubectl.log").read_text(encoding="utf-8").splitlines()
              if "main: Starting" in line]
    groups: list[list[tuple]] = []
    for time, text in starts:
        if groups and groups[-1][-1][1] == text and time - groups[-1][-1][0] <= timedelta(minutes=10):
            groups[-1].append((time, text))
        else:
            groups.append([(time, text)])
    assert deploys == [(f"main: {g[0][1]}", g[0][0], len(g)) for g in groups]
    # the bad rollout, the rollback, and the restart that raised the pool size, each once
    assert [d[0][len("main: Starting checkout-api "):][:6] for d in deploys] == ["v2.3.0", "v2.2.4", "v2.2.4"]


def test_kubectl_demo_error_burst():
    result = import_demo("checkout-api.kubectl.log")
    [start] = [c for c in result.candidates if c.event.startswith("Error burst starts")]
    [end] = [c for c in result.candidates if c.event.startswith("Error burst ends")]
    assert story.POOL_FULL <= start.time < story.POOL_FULL + timedelta(seconds=1)
    assert story.LAST_ERROR - timedelta(minutes=1) < end.time <= story.MITIGATED


def test_kubectl_series_by_level():
    result = import_fixture("kubectl-prefix.log")
    by_labels = {s.labels: [p.value for p in s.points] for s in result.series}
    assert [p.time for p in result.series[0].points][0] == utc("2026-03-14T10:00:00+00:00")
    assert by_labels == {
        (): [3, 0, 3, 1, 0, 1],
        (("level", "info"),): [3, 0, 0, 0, 0, 1],
        (("level", "warn"),): [0, 0, 0, 1, 0, 0],
        (("level", "error"),): [0, 0, 3, 0, 0, 0],
    }
    assert {s.query for s in result.series} == {"kubectl-prefix log lines/min"}


def test_json_lines_at_plus_one_hour_land_in_utc():
    result = import_fixture("app-plus0100.jsonl")
    assert result.source.covered == TimeWindow(utc("2026-03-14T10:00:30.25+00:00"), utc("2026-03-14T10:05:00+00:00"))
    assert _events(result) == [
        ("First warning: payments-db slow: capture took 5739ms order_id=48624", utc("2026-03-14T10:01:00+00:00"), 1,
         EventKind.LOG),
        ("First error: payments-db timeout: capture order_id=48147", utc("2026-03-14T10:02:00+00:00"), 2,
         EventKind.LOG),
        ("First fatal: worker crashed: too many retries (5/5)", utc("2026-03-14T10:03:00+00:00"), 1, EventKind.LOG),
        ("First error: capture failed with Exception: ValueError('amount')", utc("2026-03-14T10:04:00+00:00"), 1,
         EventKind.LOG),
        ("Deployed payment-worker version 1.8.2", utc("2026-03-14T10:05:00+00:00"), 1, EventKind.DEPLOY),
    ]


def test_json_lines_rejected_with_reasons():
    result = import_fixture("app-plus0100.jsonl")
    assert (result.source.records_read, result.source.records_rejected) == (7, 3)
    assert result.source.rejected_reasons == (
        "app-plus0100.jsonl line 6: not a JSON object: 'payment worker restarted by supervisor' "
        "(expected one JSON object per line)",
        "app-plus0100.jsonl line 8: no time field (expected one of timestamp, time, ts, @timestamp, t)",
        "app-plus0100.jsonl line 9: time 'yesterday' is not readable (expected ISO-8601 or a Unix time)",
    )


def test_json_levels_from_names_numbers_and_nested_keys():
    result = import_fixture("app-plus0100.jsonl")
    levels = {s.labels[0][1]: sum(p.value for p in s.points) for s in result.series if s.labels}
    assert levels == {"info": 2, "warn": 1, "error": 2, "fatal": 1, "unknown": 1}


def test_json_keys_can_be_named():
    data = b'{"when": "2026-03-14T10:01:00+00:00", "sev": "ERROR", "body": "card declined 4 times"}\n' * 2
    result = import_bytes(data, "custom.jsonl", json_keys=JsonKeys(time=("when",), level=("sev",), message=("body",)))
    assert _events(result) == [("First error: card declined 4 times", utc("2026-03-14T10:01:00+00:00"), 2,
                                EventKind.LOG)]


def test_json_without_zone_needs_one():
    data = b'{"time": "2026-03-14 11:01:00,250", "level": "error", "msg": "boom"}\n'
    with pytest.raises(TimezoneRequiredError, match="zoneless.jsonl"):
        import_bytes(data, "zoneless.jsonl")
    result = import_bytes(data, "zoneless.jsonl", assume_tz=ZoneInfo("Europe/Paris"))
    assert result.candidates[0].time == utc("2026-03-14T10:01:00.25+00:00")


def test_syslog_rfc5424_levels_from_the_priority():
    result = import_fixture("syslog-rfc5424.log")
    assert (result.source.records_read, result.source.records_rejected) == (3, 1)
    assert result.source.rejected_reasons[0] == (
        "syslog-rfc5424.log line 4: bad RFC 5424 time '-' (expected an ISO-8601 time with zone)")
    assert _events(result) == [
        ('First error: postgres: FATAL: too many connections for role "app"', utc("2026-03-14T10:01:00+00:00"), 1,
         EventKind.LOG),
        ("deployer: rollout of checkout-api v2.3.0 started", utc("2026-03-14T10:02:00+00:00"), 1, EventKind.DEPLOY),
    ]


def test_syslog_rfc3164_needs_a_zone_and_takes_the_year_of_the_window():
    with pytest.raises(TimezoneRequiredError, match="syslog-rfc3164.log"):
        import_fixture("syslog-rfc3164.log")
    result = import_fixture("syslog-rfc3164.log", assume_tz=ZoneInfo("Europe/Berlin"))
    assert result.source.covered == TimeWindow(utc("2026-03-14T10:00:02+00:00"), utc("2026-03-14T10:02:00+00:00"))
    assert _events(result) == [
        ("First error: payments[77]: capture failed for order 48147 after 10000ms", utc("2026-03-14T10:01:15+00:00"), 2,
         EventKind.LOG),
        ("systemd[1]: Restarting checkout.service - Checkout API...", utc("2026-03-14T10:02:00+00:00"), 1,
         EventKind.DEPLOY),
    ]


def test_syslog_rfc3164_year_can_be_given():
    result = import_fixture("syslog-rfc3164.log", assume_tz=UTC, year=2025)
    assert (result.skipped_outside_window, result.candidates) == (4, ())


def test_plain_lines_with_stack_traces():
    result = import_fixture("plain-zoneless.log", assume_tz=UTC)
    # the traceback's lines continue the record before them; "-- cut here --" is rejected
    assert (result.source.records_read, result.source.records_rejected) == (5, 1)
    assert result.source.rejected_reasons[0].startswith("plain-zoneless.log line 9: no time at the start of")
    assert _events(result) == [
        ("app: worker started, version 4.1.0", utc("2026-03-14T10:00:01.123+00:00"), 1,
         EventKind.DEPLOY),
        ("First error: app: request failed for user=42 after 3 retries", utc("2026-03-14T10:01:02.5+00:00"), 2,
         EventKind.LOG),
        ("First warning: app: queue depth 120", utc("2026-03-14T10:02:00+00:00"), 1, EventKind.LOG),
        ("First error: app: disk almost full on /dev/sda1", utc("2026-03-14T10:03:00.25+00:00"), 1, EventKind.LOG),
    ]


def test_plain_lines_with_zones_and_level_words_in_the_message():
    result = import_fixture("plain-utc.log")
    assert _events(result) == [
        ("First fatal: checkout: cannot reach payments-db at 10.0.3.7:5432", utc("2026-03-14T10:00:30+00:00"), 1,
         EventKind.LOG),
        ("First error: checkout: panic: runtime error: index out of range [3] with length 3",
         utc("2026-03-14T10:01:00.5+00:00"), 1, EventKind.LOG),
    ]
