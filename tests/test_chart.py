"""The timeline chart: shape-preserving downsampling, the layered UTC spec, its size, and the PNG for the PDF."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from datetime import timedelta
from pathlib import Path

import pytest
import vl_convert
from hypothesis import given, settings
from hypothesis import strategies as st

from core import chart
from core.export import document
from core.models import AlertInterval, EventKind, MetricPoint, MetricSeries, Milestone
from tests.factories import START, at, make_event, make_postmortem

DEMO = Path(__file__).resolve().parent.parent / "demo" / "postmortem.json"


@pytest.fixture(scope="module")
def demo():
    return document.loads(DEMO.read_text(encoding="utf-8"))


def points(values, step=timedelta(seconds=1)):
    return tuple(MetricPoint(START + i * step, v) for i, v in enumerate(values))


def big_postmortem(series=20, length=5_000, events=500):
    """A post-mortem the size of the performance goals: 20 series × 5,000 points and 500 events."""
    step = timedelta(seconds=1.2)
    return make_postmortem(
        series=tuple(
            MetricSeries(f"checkout:metric_{s}:rate5m", (("pod", f"checkout-{s}"),),
                         points([math.sin(i / 200 + s) * (s + 1) + (i % 7) / 10 for i in range(length)], step))
            for s in range(series)
        ),
        events=tuple(make_event(f"E{n:03d}", START + timedelta(seconds=10 * n), f"Event {n}: something happened")
                     for n in range(events)),
        alerts=tuple(AlertInterval(f"Alert{n}", ("critical", "warning")[n % 2], START + timedelta(minutes=4 * n),
                                   START + timedelta(minutes=4 * n + 15)) for n in range(20)),
    )


def layers(spec):
    return spec["layer"]


def datasets(spec):
    return spec["datasets"].values()


def rows_with(spec, *keys):
    return next(rows for rows in datasets(spec) if rows and all(key in rows[0] for key in keys))


# --- downsample ---------------------------------------------------------------------------------


def test_downsample_keeps_first_last_and_extrema_within_the_budget():
    values = [math.sin(i / 500) for i in range(100_000)]
    values[31_337] = 25.0  # a one-sample spike
    values[77_777] = -13.0
    kept = chart.downsample(points(values), 2_000)
    assert len(kept) <= 2_000
    assert kept[0].value == values[0] and kept[-1].value == values[-1]
    assert max(p.value for p in kept) == 25.0 and min(p.value for p in kept) == -13.0
    assert [p.time for p in kept] == sorted(p.time for p in kept)


def test_downsample_leaves_small_series_alone_but_ordered_and_without_nan():
    series = points([3.0, 1.0, math.nan, 2.0])
    shuffled = (series[2], series[0], series[3], series[1])
    assert chart.downsample(shuffled) == (series[0], series[1], series[3])


def test_downsample_needs_room_for_first_last_and_extrema():
    with pytest.raises(ValueError, match="at least 4"):
        chart.downsample(points(range(10)), 3)
    assert len(chart.downsample(points([0, 5, -5, 1, 2, 3, 4]), 4)) == 4


@settings(max_examples=60, deadline=None, database=None)
@given(values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=3_000), budget=st.integers(4, 400))
def test_downsample_never_exceeds_the_budget(values, budget):
    kept = chart.downsample(points(values), budget)
    assert len(kept) == min(len(values), len(kept)) <= budget
    assert kept[0].value == values[0] and kept[-1].value == values[-1]
    assert max(p.value for p in kept) == max(values) and min(p.value for p in kept) == min(values)


# --- timeline_chart -----------------------------------------------------------------------------


def test_the_demo_chart_has_every_layer_in_utc(demo):
    spec = chart.timeline_chart(demo).to_dict()
    marks = [layer["mark"]["type"] for layer in layers(spec)]
    assert {"line", "rect", "rule", "text"} <= set(marks)
    for layer in layers(spec):
        x = layer["encoding"]["x"]
        assert x["scale"]["type"] == "utc" and x["type"] == "temporal"
        assert x["title"] == "Time (UTC)"
    params = {p["name"]: p for p in spec["params"]}  # Altair lifts them to the top, naming their layer
    assert params["window"]["select"]["type"] == "interval" and params["window"]["select"]["encodings"] == ["x"]
    assert params["zoom"]["bind"] == "scales"
    (line,) = (layer for layer in layers(spec) if layer["mark"]["type"] == "line")
    assert params["window"]["views"] == [line["name"]]


def test_the_demo_chart_labels_milestones_and_explains_events(demo):
    spec = chart.timeline_chart(demo).to_dict()
    labels = [row["label"] for row in rows_with(spec, "label", "y")]
    assert "Impact start 14:02" in labels and "Resolved 15:04" in labels
    events = rows_with(spec, "event")
    first = next(row for row in events if row["event"].startswith("Rolling update"))
    assert (first["at"], first["source"], first["actor"]) == ("13:56:10 UTC", "kubectl logs", "System")
    alerts = rows_with(spec, "alert")
    assert {(a["alert"], a["severity"], a["from"]) for a in alerts} == {
        ("HighErrorRate", "critical", "14:04:02 UTC"), ("HighLatency", "warning", "14:04:32 UTC")}
    assert sum(len(rows) for rows in datasets(spec) if rows and "s" in rows[0]) == 4 * 111


def test_axis_labels_are_utc_times(demo):
    svg = vl_convert.vegalite_to_svg(chart.timeline_chart(demo).to_dict())
    for label in ("14:00", "14:30", "15:00", "Time (UTC)"):
        assert f">{label}<" in svg


def test_twenty_series_of_5000_points_and_500_events_make_a_small_spec():
    pm = big_postmortem()
    text = chart.timeline_chart(pm).to_json()  # no MaxRowsError
    assert len(text) <= 1_000_000
    spec = json.loads(text)
    assert all(len(rows) < 5_000 for rows in datasets(spec))
    series_rows = [row for rows in datasets(spec) if rows and "s" in rows[0] for row in rows]
    assert len({row["s"] for row in series_rows}) == 20
    assert len(series_rows) <= chart.MAX_ROWS


def test_an_empty_postmortem_draws_only_the_window():
    spec = chart.timeline_chart(make_postmortem()).to_dict()
    assert [layer["mark"]["type"] for layer in layers(spec)] == ["rect"]
    assert {p["name"] for p in spec["params"]} == {"window", "zoom"}


def test_hidden_events_stay_out_and_open_alerts_are_still_firing():
    pm = make_postmortem(
        events=(make_event("E1", at(14, 5), "shown", Milestone.DETECTED, kind=EventKind.ALERT),
                make_event("E2", at(14, 6), "not shown", hidden=True)),
        alerts=(AlertInterval("DiskFull", "", at(14, 10)),),
    )
    spec = chart.timeline_chart(pm).to_dict()
    assert [row["event"] for row in rows_with(spec, "event")] == ["shown"]
    (alert,) = rows_with(spec, "alert")
    assert (alert["to"], alert["severity"]) == ("still firing", "unknown")


def test_crowded_alerts_and_milestones_share_a_few_lanes_and_rows():
    pm = make_postmortem(
        alerts=tuple(AlertInterval(f"A{n}", "critical", at(14, 10), at(14, 20)) for n in range(9)),
        events=tuple(make_event(f"E{n}", at(14, 10, n), f"moment {n}", milestone) for n, milestone in
                     enumerate(Milestone)),
    )
    spec = chart.timeline_chart(pm).to_dict()
    assert {a["lane"] for a in rows_with(spec, "alert")} == set(range(6))
    labels = rows_with(spec, "label", "y")
    assert len(labels) == 5 and len({row["y"] for row in labels}) == 3


def test_a_label_with_no_room_on_the_right_ends_at_its_rule():
    end = make_event("E9", at(15, 30), "Incident resolved", Milestone.RESOLVED, kind=EventKind.PAGE)
    spec = chart.timeline_chart(make_postmortem(events=(end,))).to_dict()
    (label,) = rows_with(spec, "label", "y")
    assert label["label"] == "Resolved 15:30" and label["t"] < rows_with(spec, "event")[0]["t"]


def test_series_of_one_query_are_named_by_their_labels():
    pm = make_postmortem(series=(
        MetricSeries("up", (("job", "api"), ("pod", "a")), points([1, 1])),
        MetricSeries("up", (("job", "api"), ("pod", "b")), points([1, 0])),
        MetricSeries("errors", (("job", "api"),), points([0, 2])),
        MetricSeries("errors", (("job", "api"),), points([0, 3])),
    ))
    spec = chart.timeline_chart(pm).to_dict()
    line = next(layer for layer in layers(spec) if layer["mark"]["type"] == "line")
    assert line["encoding"]["color"]["scale"]["domain"] == ["up {pod=a}", "up {pod=b}", "errors #3", "errors #4"]


def test_a_series_that_goes_negative_stays_inside_the_plot():
    pm = make_postmortem(series=(MetricSeries("deriv(queue_depth[5m])", (), points([-5.0, 0.0, 5.0, -2.0])),))
    svg = vl_convert.vegalite_to_svg(chart.timeline_chart(pm, interactive=False).to_dict())
    (path,) = re.findall(r'aria-roledescription="line mark" d="([^"]+)"', svg)
    heights = [float(y) for y in re.findall(r"[ML][\d.]+,([-\d.]+)", path)]
    # spread over its own range: the lowest value on the axis (320 px), the highest at 100% (55 px from the top)
    assert heights == [320, 187.5, 55, 240.5]


def test_the_static_chart_has_no_selection(demo):
    assert "params" not in chart.timeline_chart(demo, interactive=False).to_dict()


# --- chart_png ----------------------------------------------------------------------------------


def test_chart_png_renders_offline(demo):
    png = chart.chart_png(demo)
    assert png[:4] == b"\x89PNG" and len(png) > 10_000


def test_chart_png_of_an_empty_postmortem():
    pm = dataclasses.replace(make_postmortem(), end=START + timedelta(days=2))
    assert chart.chart_png(pm, scale=1)[:4] == b"\x89PNG"
