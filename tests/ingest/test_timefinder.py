"""One time finder over the common layouts: a prefix before the time, the year from the window, no guessed zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.ingest.applogs import split_level
from core.ingest.timefinder import TimeFinder
from core.ingest.timestamps import Clock, TimezoneRequiredError

T = datetime(2026, 3, 14, 14, 2, 17, tzinfo=UTC)


def _finder(zone=UTC, around=T) -> TimeFinder:
    return TimeFinder(Clock(origin="x.log", assume_tz=zone, year=None, around=around))


@pytest.mark.parametrize(("line", "micro", "level", "message"), [
    ("[Sat Mar 14 14:02:17 2026] [error] [client 10.0.0.7] File does not exist", 0, "error",
     "[client 10.0.0.7] File does not exist"),
    ("[Sat Mar 14 14:02:17.250000 2026] [core:warn] [pid 12] AH00045: child process still did not exit", 250000,
     "warn", "[pid 12] AH00045: child process still did not exit"),
    ("26/03/14 14:02:17 WARN storage.BlockManager: Block rdd_2_3 could not be removed", 0, "warn",
     "storage.BlockManager: Block rdd_2_3 could not be removed"),
    ("260314 140217 1234 WARN dfs.DataNode: Slow BlockReceiver write", 0, "warn",
     "dfs.DataNode: Slow BlockReceiver write"),
    ("03-14 14:02:17.811  1702  2395 E ActivityManager: ANR in com.example", 811000, "error",
     "ActivityManager: ANR in com.example"),
    ("2026-03-14 14:02:17, Warning   CBS    Failed to get session package state", 0, "warn",
     "CBS    Failed to get session package state"),
    ("api.log.1 2026-03-14 14:02:17.008 25746 ERROR nova.api [req-1] Instance failed", 8000, "error",
     "nova.api [req-1] Instance failed"),
    ("1773496937 node-3 ERROR link down", 0, "error", "link down"),
    ("1773496937250 link flapping", 250000, None, "link flapping"),
    ("20260314-14:2:17:811|Step_LSC|30002312|onStandStepChanged 3579", 811000, None,
     "Step_LSC|30002312|onStandStepChanged 3579"),
    ("2026-03-14 14:02:17,978 - WARN  [QuorumPeer[myid=1]:Learner@233] - Got zxid", 978000, "warn",
     "[QuorumPeer[myid=1]:Learner@233] - Got zxid"),
    ("2026/03/14 14:02:17 [error] 31#31: *7 connect() failed (111: Connection refused)", 0, "error",
     "31#31: *7 connect() failed (111: Connection refused)"),
    ("Mar 14 14:02:17 combo sshd[1]: Failed password for root", 0, None, "combo sshd[1]: Failed password for root"),
    ('ts=2026-03-14T14:02:17Z level=error msg="connection pool exhausted (max 20)" pool=orders-db', 0, "error",
     "connection pool exhausted (max 20)"),
    ("- 1773496937 2026.03.14 R02-M1-N0 2026-03-14-14.02.17.1 R02-M1-N0 RAS KERNEL FATAL data TLB error", 0, "fatal",
     "data TLB error"),
    ("1:M 14 Mar 2026 14:02:17.500 # WARNING: 2 clients exceeded the limit", 500000, "warn",
     "2 clients exceeded the limit"),
    ("- 1773496937 2026.03.14 dn1 Mar 14 14:02:17 dn1/dn1 postfix/postdrop[1]: warning: unable to look up", 0, "warn",
     "postfix/postdrop[1]: unable to look up"),
])
def test_a_time_in_any_common_layout_and_the_level_wherever_it_is(line, micro, level, message):
    finder = _finder()
    found = finder.find(line)
    assert found is not None
    assert finder.convert(found, 1) == T.replace(microsecond=micro)
    assert split_level(found.rest) == (level, message)


def test_a_layout_without_year_takes_the_year_nearest_the_window():
    finder = _finder(around=datetime(2027, 1, 2, tzinfo=UTC))
    found = finder.find("12-31 23:59:59.000  1  2 I Tag: new year")
    assert found is not None and finder.convert(found, 1) == datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_a_time_without_zone_is_asked_about_and_read_in_the_zone_chosen():
    with pytest.raises(TimezoneRequiredError, match="x.log"):
        finder = _finder(zone=None)
        finder.convert(finder.find("26/03/14 14:02:17 INFO x"), 7)
    finder = _finder(zone=ZoneInfo("Europe/Berlin"))
    assert finder.convert(finder.find("26/03/14 15:02:17 INFO x"), 1) == T


def test_an_epoch_or_a_zone_needs_no_question():
    finder = _finder(zone=None)
    assert finder.convert(finder.find("1773496937 x"), 1) == T
    assert finder.convert(finder.find("2026-03-14 15:02:17+01:00 x"), 1) == T


def test_a_line_without_a_time_among_its_first_words_is_not_found():
    assert _finder().find("connection reset by peer while reading 2026-03-14 14:02:17") is None
    assert _finder().find("2026-02-30 10:00:00 no such day") is not None  # found, then refused by convert
    finder = _finder()
    assert finder.convert(finder.find("2026-02-30 10:00:00 x"), 1) is None
