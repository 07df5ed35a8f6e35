"""The Clock: ISO-8601, access-log and RFC 3164 times to UTC, zones never guessed."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.ingest.timestamps import Clock, TimezoneRequiredError, from_epoch

AROUND = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)


def _clock(assume_tz=None, year=None):
    return Clock(origin="x.log", assume_tz=assume_tz, year=year, around=AROUND)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-14T14:02:12.171000956Z", datetime(2026, 3, 14, 14, 2, 12, 171000, tzinfo=UTC)),
    ("2026-03-14T15:02:12.5+01:00", datetime(2026, 3, 14, 14, 2, 12, 500000, tzinfo=UTC)),
    ("2026-03-14 09:02:12,171 -0500", datetime(2026, 3, 14, 14, 2, 12, 171000, tzinfo=UTC)),
    ("2026-03-14 14:02:12 UTC", datetime(2026, 3, 14, 14, 2, 12, tzinfo=UTC)),
    ("2026-03-14T16:02:12+02", datetime(2026, 3, 14, 14, 2, 12, tzinfo=UTC)),
])
def test_iso_times_with_zones(text, expected):
    clock = _clock()
    assert clock.iso(text, 1) == expected
    assert clock.iso(text, 2) == expected  # the second time from the per-second cache


@pytest.mark.parametrize("text", ["2026-13-14T14:02:12Z", "2026-02-30 10:00:00Z", "14:02:12", "yesterday"])
def test_not_a_time(text):
    assert _clock().iso(text, 1) is None


def test_a_time_without_zone_is_refused_unless_one_is_assumed():
    with pytest.raises(TimezoneRequiredError, match=r"x.log: .*line 7: '2026-03-14 14:02:12'"):
        _clock().iso("2026-03-14 14:02:12", 7)
    assert _clock(ZoneInfo("America/New_York")).iso("2026-03-14 10:02:12", 7) == \
        datetime(2026, 3, 14, 14, 2, 12, tzinfo=UTC)  # EDT since 8 March


def test_access_log_times():
    clock = _clock()
    assert clock.access("14/Mar/2026:15:02:17 +0100") == datetime(2026, 3, 14, 14, 2, 17, tzinfo=UTC)
    assert clock.access("14/Foo/2026:15:02:17 +0100") is None
    assert clock.access("30/Feb/2026:15:02:17 +0100") is None
    assert clock.access("01/Jan/0001:00:00:00 +0100") is None  # before year 1 once in UTC


def test_rfc3164_takes_the_year_nearest_the_window():
    january = Clock(origin="x", assume_tz=UTC, year=None, around=datetime(2026, 1, 1, 0, 30, tzinfo=UTC))
    assert january.rfc3164("Dec", 31, "23:59:00", 1, "") == datetime(2025, 12, 31, 23, 59, tzinfo=UTC)
    assert _clock(UTC, year=2024).rfc3164("Feb", 29, "10:00:00", 1, "") == datetime(2024, 2, 29, 10, tzinfo=UTC)
    assert _clock(UTC, year=2025).rfc3164("Feb", 29, "10:00:00", 1, "") is None
    assert _clock(UTC).rfc3164("Foo", 1, "10:00:00", 1, "") is None
    with pytest.raises(TimezoneRequiredError):
        _clock().rfc3164("Mar", 14, "10:00:00", 3, "Mar 14 10:00:00 host x")


@pytest.mark.parametrize("value", [1773482520, 1773482520_000, 1773482520_000_000, 1773482520_000_000_000])
def test_unix_times_in_any_unit(value):
    assert from_epoch(value) == datetime(2026, 3, 14, 10, 2, tzinfo=UTC)
