"""Burst detection on per-minute error counts."""

from __future__ import annotations

from core.ingest.bursts import Burst, find_bursts


def test_a_jump_from_quiet_to_many_is_a_burst_until_it_falls_back():
    counts = [0, 0, 0, 0, 12, 33, 20, 27, 9, 0, 0]
    assert find_bursts(counts) == [Burst(start=4, end=8, peak=33, baseline=0, total=101)]


def test_the_rate_must_be_five_times_the_trailing_median_and_at_least_ten():
    assert find_bursts([2, 2, 2, 2, 9, 9, 2]) == []  # below ten a minute
    assert find_bursts([4, 4, 4, 4, 19, 4]) == []  # not five times the median of 4
    assert find_bursts([4, 4, 4, 4, 20, 4]) == [Burst(4, 4, 20, 4, 20)]


def test_no_burst_without_enough_quiet_history():
    assert find_bursts([50, 50, 50, 50]) == []


def test_a_burst_still_going_has_no_end():
    assert find_bursts([0, 0, 0, 30, 40]) == [Burst(3, None, 40, 0, 70)]


def test_a_second_burst_is_measured_against_quiet_time():
    counts = [0, 0, 0, 30, 30, 0, 0, 30, 0]
    assert [(b.start, b.end) for b in find_bursts(counts)] == [(3, 4), (7, 7)]


def test_one_slow_minute_does_not_split_a_burst():
    assert [(b.start, b.end) for b in find_bursts([0, 0, 0, 20, 6, 20, 0])] == [(3, 5)]
