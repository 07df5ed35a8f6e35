"""Coverage gaps mean missing data: never an alert's silence, never a few minutes at the window's edge."""

from __future__ import annotations

from datetime import timedelta

from core import coverage, gathering
from core.models import MetricPoint, MetricSeries, SourceImport, SourceKind, TimeWindow
from tests.factories import END, START, make_postmortem


def _log(origin: str, covered: TimeWindow) -> SourceImport:
    return SourceImport(SourceKind.LOGS, origin, START, covered=covered)


def _lines_per_minute(stem: str, counts: list[int]) -> MetricSeries:
    return MetricSeries(f"{stem} log lines/min", (), tuple(
        MetricPoint(START + timedelta(minutes=i), float(c)) for i, c in enumerate(counts)))


def test_a_log_starting_two_minutes_into_the_window_leaves_no_gap():
    pm = make_postmortem(imports=(_log("app.log", TimeWindow(START + timedelta(seconds=107), END)),))
    assert coverage.uncovered(pm, SourceKind.LOGS) == []
    assert gathering.automatic_gaps(pm) == ()


def test_a_log_missing_a_long_stretch_at_the_end_leaves_a_gap():
    half = TimeWindow(START, START + timedelta(minutes=45))
    pm = make_postmortem(imports=(_log("app.log", half),))
    assert coverage.uncovered(pm, SourceKind.LOGS) == [TimeWindow(half.end, END)]


def test_an_alert_source_covers_the_window_it_was_asked_about_not_its_firing_times():
    asked = SourceImport(SourceKind.ALERTS, "alerts.json", START, covered=TimeWindow(START, END))
    pm = make_postmortem(imports=(asked,))
    assert coverage.uncovered(pm, SourceKind.ALERTS) == []


def test_a_silent_stretch_far_longer_than_the_logs_spacing_is_a_gap():
    minutes = int((END - START) / timedelta(minutes=1))
    counts = [30] * 20 + [0] * 15 + [30] * (minutes - 35)
    pm = make_postmortem(imports=(_log("app.log", TimeWindow(START, END)),),
                         series=(_lines_per_minute("app", counts),))
    assert coverage.uncovered(pm, SourceKind.LOGS) == [
        TimeWindow(START + timedelta(minutes=20), START + timedelta(minutes=35))]


def test_a_sparse_log_with_its_usual_quiet_minutes_has_no_gap():
    minutes = int((END - START) / timedelta(minutes=1))
    counts = ([1] + [0] * 5) * (minutes // 6)  # one line every six minutes, all along
    pm = make_postmortem(imports=(_log("cron.log", TimeWindow(START, END)),),
                         series=(_lines_per_minute("cron", counts),))
    assert coverage.uncovered(pm, SourceKind.LOGS) == []


def test_an_access_log_is_matched_to_its_series_by_the_source_name_it_carries():
    minutes = int((END - START) / timedelta(minutes=1))
    counts = [30] * 20 + [0] * 15 + [30] * (minutes - 35)
    series = MetricSeries("edge requests/min", (), tuple(
        MetricPoint(START + timedelta(minutes=i), float(c)) for i, c in enumerate(counts)))
    pm = make_postmortem(imports=(_log("edge-access.log", TimeWindow(START, END)),), series=(series,))
    assert coverage.uncovered(pm, SourceKind.LOGS) == [
        TimeWindow(START + timedelta(minutes=20), START + timedelta(minutes=35))]
