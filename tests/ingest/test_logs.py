"""import_log and detect_format: detection, overrides, refusals, zones, windows, gzip, CRLF, stable ids."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.errors import InvalidInputError
from core.ingest import logs
from core.ingest.logs import TimezoneRequiredError
from core.models import EventKind, SourceKind, TimeWindow
from tests.ingest.conftest import DATA, DEMO, NOW, WINDOW, import_bytes, import_demo, import_fixture, utc


def _head(path):
    return path.read_text(encoding="utf-8").splitlines()[:50]


@pytest.mark.parametrize(("path", "expected"), [
    (DATA / "access-small.log", "nginx"),
    (DEMO / "nginx-access.log", "nginx"),
    (DATA / "kubectl-prefix.log", "kubectl"),
    (DEMO / "checkout-api.kubectl.log", "kubectl"),
    (DATA / "app-plus0100.jsonl", "jsonl"),
    (DEMO / "app.jsonl", "jsonl"),
    (DATA / "syslog-rfc5424.log", "syslog"),
    (DATA / "syslog-rfc3164.log", "syslog"),
    (DATA / "plain-zoneless.log", "plain"),
    (DATA / "plain-utc.log", "plain"),
])
def test_each_format_is_detected(path, expected):
    assert logs.detect_format(_head(path)) == expected


def test_import_reports_the_detected_format():
    result = import_fixture("app-plus0100.jsonl")
    assert result.source.query == "JSON lines"
    assert result.source.kind is SourceKind.LOGS
    assert result.source.origin == "app-plus0100.jsonl"
    assert result.source.imported_at == NOW


def test_a_manual_format_overrides_detection():
    detected = import_demo("checkout-api.kubectl.log")
    forced = import_demo("checkout-api.kubectl.log", format="plain")
    assert (detected.source.query, forced.source.query) == ("kubectl logs --timestamps", "plain timestamped lines")
    assert forced.source.records_read == detected.source.records_read == 709
    assert [c.event for c in forced.candidates] == [c.event for c in detected.candidates]


def test_a_manual_format_that_does_not_fit_is_refused_naming_it():
    with pytest.raises(InvalidInputError, match=r"app-plus0100\.jsonl: .* format chosen, nginx/Apache"):
        import_fixture("app-plus0100.jsonl", format="nginx")


def test_an_unknown_format_name_is_refused():
    with pytest.raises(InvalidInputError, match=r"unknown log format 'apache'.*auto, nginx, jsonl, kubectl"):
        import_fixture("access-small.log", format="apache")


@pytest.mark.parametrize("name", ["chart.png", "incidents-export.csv"])
def test_a_file_that_is_no_log_is_refused_naming_the_formats_tried(name):
    with pytest.raises(InvalidInputError) as refused:
        import_fixture(name)
    message = str(refused.value)
    assert message.startswith(f"{name}: this is not a log format the wizard reads")
    for label in logs.LABELS.values():
        assert label in message


def test_detect_format_alone_names_the_formats_tried():
    with pytest.raises(InvalidInputError, match="tried nginx/Apache access log, JSON lines, kubectl logs"):
        logs.detect_format(["incident_id,started_at", "INC-1,2026-03-14T14:02:17Z"])


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInputError, match="empty.log: the file holds no log lines"):
        import_bytes(b"\n\n  \n", "empty.log")


def test_a_time_without_zone_asks_for_the_zone():
    with pytest.raises(TimezoneRequiredError) as asked:
        import_fixture("plain-zoneless.log")
    message = str(asked.value)
    assert "plain-zoneless.log" in message and "line 1" in message and "time zone" in message
    assert asked.value.line_number == 1
    assert isinstance(asked.value, InvalidInputError)


def test_a_time_without_zone_imports_in_the_zone_given():
    in_utc = import_fixture("plain-zoneless.log", assume_tz=UTC)
    assert in_utc.source.covered == TimeWindow(utc("2026-03-14T10:00:01.123+00:00"),
                                               utc("2026-03-14T10:03:00.250+00:00"))
    berlin = import_fixture("plain-zoneless.log", assume_tz=ZoneInfo("Europe/Berlin"),
                            window=TimeWindow(utc("2026-03-14T09:00:00+00:00"), utc("2026-03-14T09:10:00+00:00")))
    assert berlin.source.covered is not None
    assert berlin.source.covered.start == utc("2026-03-14T09:00:01.123+00:00")  # 10:00 in Berlin (CET) is 09:00 UTC


def test_an_explicit_zone_wins_over_the_assumed_one():
    plain = import_fixture("plain-utc.log", assume_tz=ZoneInfo("America/New_York"))
    assert plain.source.covered == TimeWindow(utc("2026-03-14T10:00:00+00:00"), utc("2026-03-14T10:01:00.5+00:00"))


def test_lines_outside_the_window_are_counted_not_kept():
    result = import_fixture("access-small.log")
    assert result.skipped_outside_window == 3
    assert result.source.records_read == 14
    assert result.source.records_rejected == 3
    assert all("outside" not in reason for reason in result.source.rejected_reasons)
    assert result.source.covered == TimeWindow(utc("2026-03-14T09:55:00+00:00"), utc("2026-03-14T10:04:20+00:00"))
    assert all(p.time >= utc("2026-03-14T09:55:00+00:00") for s in result.series for p in s.points)


def test_a_file_entirely_outside_the_window_keeps_nothing():
    later = TimeWindow(datetime(2026, 3, 20, 10, 0, tzinfo=UTC), datetime(2026, 3, 20, 11, 0, tzinfo=UTC))
    result = import_fixture("kubectl-prefix.log", window=later)
    assert (result.skipped_outside_window, result.source.records_read) == (8, 8)
    assert (result.source.covered, result.candidates, result.series) == (None, (), ())


def test_the_margin_widens_what_is_kept():
    narrow = import_fixture("access-small.log", margin=timedelta(0))
    assert narrow.skipped_outside_window == 4  # 09:55:00 is no longer kept
    assert narrow.source.covered is not None and narrow.source.covered.start == utc("2026-03-14T10:00:05+00:00")


def test_gzip_files_are_read_like_the_plain_file():
    plain = (DEMO / "nginx-access.log").read_bytes()
    packed = import_bytes(gzip.compress(plain), "nginx-access.log.gz", window=WINDOW_OF_DEMO)
    unpacked = import_bytes(plain, "nginx-access.log.gz", window=WINDOW_OF_DEMO)
    assert packed == unpacked
    assert packed.source.records_read == 6046


WINDOW_OF_DEMO = TimeWindow(datetime(2026, 3, 14, 14, 0, tzinfo=UTC), datetime(2026, 3, 14, 15, 30, tzinfo=UTC))


def test_a_damaged_gzip_file_is_refused_in_plain_words():
    packed = gzip.compress((DATA / "access-small.log").read_bytes())
    with pytest.raises(InvalidInputError, match="access.log.gz: the gzip data is damaged or cut short"):
        import_bytes(packed[: len(packed) // 2], "access.log.gz")


@pytest.mark.parametrize("name", ["access-small.log", "kubectl-prefix.log", "app-plus0100.jsonl",
                                  "syslog-rfc5424.log"])
def test_windows_line_endings_read_the_same(name):
    data = (DATA / name).read_bytes()
    crlf = import_bytes(data.replace(b"\n", b"\r\n"), name)
    lf = import_bytes(data, name)
    assert crlf.source == lf.source
    assert crlf.series == lf.series
    assert [(c.id, c.time, c.count, c.example) for c in crlf.candidates] == \
        [(c.id, c.time, c.count, c.example) for c in lf.candidates]


def test_reimporting_gives_the_same_candidate_ids():
    first = import_demo("checkout-api.kubectl.log")
    again = import_demo("checkout-api.kubectl.log", now=datetime(2026, 3, 16, tzinfo=UTC))
    assert [c.id for c in first.candidates] == [c.id for c in again.candidates]
    assert len({c.id for c in first.candidates}) == len(first.candidates)
    other_file = import_bytes((DEMO / "checkout-api.kubectl.log").read_bytes(), "other.log", window=WINDOW_OF_DEMO)
    assert not {c.id for c in first.candidates} & {c.id for c in other_file.candidates}


def test_progress_reports_the_bytes_read():
    seen: list[int] = []
    data = (DATA / "access-small.log").read_bytes()
    logs.import_log(io.BytesIO(data), origin="a.log", window=WINDOW, now=NOW, progress=seen.append)
    assert seen == [len(data)]


def test_a_file_of_the_right_shape_where_no_line_reads_is_refused_with_the_reasons():
    line = b'192.0.2.1 - - [32/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8.5.0"\n'
    with pytest.raises(InvalidInputError) as refused:
        import_bytes(line * 3, "access.log")
    assert str(refused.value) == (
        "access.log: no line could be read as nginx/Apache access log; "
        + "; ".join(f"access.log line {n}: bad time '32/Mar/2026:10:00:00 +0000' (expected DD/Mon/YYYY:HH:MM:SS +ZZZZ)"
                    for n in (1, 2, 3)))


def test_extract_candidates_reads_lines_already_timed():
    lines = [
        (utc("2026-03-14T10:00:05+00:00"), "INFO main: Starting checkout-api v2.3.0"),
        (utc("2026-03-14T10:02:00+00:00"), 'ERROR db.pool: connection pool exhausted (max 20), 34 waiting'),
        (utc("2026-03-14T10:02:01+00:00"), '{"level": "error", "msg": "connection pool exhausted (max 9), 9 waiting"}'),
        (utc("2026-03-14T11:00:00+00:00"), "ERROR far outside the window"),
    ]
    found = logs.extract_candidates(lines, origin="http://loki:3100", source="loki", window=WINDOW)
    assert [(c.event, c.kind, c.count, c.source) for c in found] == [
        ("main: Starting checkout-api v2.3.0", EventKind.DEPLOY, 1, "loki"),
        ("First error: db.pool: connection pool exhausted (max 20), 34 waiting", EventKind.LOG, 1, "loki"),
        ("First error: connection pool exhausted (max 9), 9 waiting", EventKind.LOG, 1, "loki"),
    ]


def test_source_names_are_short():
    assert logs.source_name("/var/log/nginx/access.log.1.gz", "nginx") == "nginx"
    assert logs.source_name("edge-access.log", "nginx") == "edge"
    assert logs.source_name("checkout-api.kubectl.log", "kubectl") == "checkout-api"
    assert logs.source_name("app.jsonl", "jsonl") == "app"
