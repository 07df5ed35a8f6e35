"""The timeline chart: shape-preserving downsampling, the layered UTC spec, its size, and the PNG for the PDF."""

from __future__ import annotations

import dataclasses
import json
import math
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


def views(spec):
    """Every layer of every view: the strip first, then each panel's layers."""
    return [layer for view in spec["vconcat"] for layer in view["layer"]]


def panels(spec):
    return spec["vconcat"][1:]


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


def test_the_demo_chart_has_a_strip_and_four_panels_on_one_utc_axis(demo):
    spec = chart.timeline_chart(demo).to_dict()
    assert [p["title"]["text"] for p in panels(spec)] == [
        "5xx share of HTTP requests — checkout, Prometheus", "HTTP requests per second — checkout, Prometheus",
        "p99 HTTP request duration — checkout, Prometheus", "DB pool connections in use — checkout, Prometheus"]
    assert [p["layer"][1]["encoding"]["y"]["title"] for p in panels(spec)] == ["%", "requests/s", "s", "connections"]
    for layer in views(spec):
        x = layer["encoding"]["x"]
        assert x["scale"]["type"] == "utc" and x["type"] == "temporal"
    assert spec["resolve"]["scale"]["x"] == "shared"
    assert [p["layer"][1]["encoding"]["x"]["title"] for p in panels(spec)] == [None, None, None, "Time (UTC)"]
    assert "peak'" not in json.dumps(spec) and "% of each" not in json.dumps(spec)
    params = {p["name"]: p for p in spec["params"]}  # Altair lifts them to the top, naming their view
    assert params["window"]["select"]["type"] == "interval" and params["window"]["select"]["encodings"] == ["x"]
    assert params["zoom"]["bind"] == "scales"
    assert params["window"]["views"] == [panels(spec)[0]["layer"][1]["name"]]


def test_the_demo_chart_labels_milestones_once_and_rules_them_across_every_panel(demo):
    spec = chart.timeline_chart(demo).to_dict()
    labels = [row["label"] for row in rows_with(spec, "label", "y")]
    assert "Impact start 14:02" in labels and "Resolved 15:04" in labels
    texts = [layer for layer in views(spec) if layer["mark"]["type"] == "text" and
             layer["encoding"].get("text", {}).get("field") == "label"]
    assert len(texts) == 1  # the labels, once, in the strip
    for panel in panels(spec):
        (rule,) = (layer for layer in panel["layer"] if layer["mark"]["type"] == "rule")
        assert rule["encoding"]["strokeDash"]["field"] == "milestone"
        assert len(spec["datasets"][rule["data"]["name"]]) == 5
    events = rows_with(spec, "event", "actor")
    first = next(row for row in events if row["event"].startswith("Rolling update"))
    assert (first["at"], first["source"], first["actor"]) == ("13:56:10 UTC", "kubectl logs", "System")
    alerts = rows_with(spec, "alert")
    assert {(a["alert"], a["severity"], a["from"]) for a in alerts} == {
        ("HighErrorRate", "critical", "14:04:02 UTC"), ("HighLatency", "warning", "14:04:32 UTC")}


def test_milestones_differ_by_dash_pattern_for_black_and_white_print(demo):
    spec = chart.timeline_chart(demo).to_dict()
    dash = panels(spec)[0]["layer"][-1]["encoding"]["strokeDash"]["scale"]
    patterns = dict(zip(dash["domain"], map(tuple, dash["range"]), strict=True))
    assert patterns["Detected"] != patterns["Mitigated"] != patterns["Acknowledged"] != patterns["Detected"]


def test_hover_shows_the_value_with_its_unit_and_the_time_in_the_reading_zone(demo):
    spec = chart.timeline_chart(demo, zone="Europe/Berlin").to_dict()
    line = panels(spec)[0]["layer"][1]
    assert [t["title"] for t in line["encoding"]["tooltip"]] == [
        "5xx share of HTTP requests — checkout, Prometheus", "Time (Europe/Berlin)", "Time (UTC)"]
    calculate = {c["as"]: c["calculate"] for c in line["transform"] if "calculate" in c}
    assert calculate["value"].endswith('+ "%"')
    assert "+ 3600000" in calculate["when"]  # CET on 14 March
    svg = vl_convert.vegalite_to_svg(chart.timeline_chart(demo).to_dict())
    for label in ("14:00", "14:30", "15:00", "Time (UTC)"):
        assert f">{label}<" in svg


def test_twenty_series_of_5000_points_and_500_events_make_a_small_spec():
    pm = big_postmortem()
    text = chart.timeline_chart(pm).to_json()  # no MaxRowsError
    assert len(text) <= 1_000_000 and len(json.loads(text)["vconcat"]) <= 1 + chart.MAX_PANELS
    everything = chart.timeline_chart(pm, series=chart.describe(pm)).to_json()
    assert len(everything) <= 1_000_000
    spec = json.loads(everything)
    assert all(len(rows) < 5_000 for rows in datasets(spec))
    series_rows = [row for rows in datasets(spec) if rows and "s" in rows[0] for row in rows]
    assert len({row["s"] for row in series_rows}) == 20
    assert len(series_rows) <= chart.MAX_ROWS


def test_an_empty_postmortem_draws_only_the_strip_with_the_window():
    spec = chart.timeline_chart(make_postmortem()).to_dict()
    assert len(spec["vconcat"]) == 1
    assert [layer["mark"]["type"] for layer in views(spec)] == ["rect"]
    assert {p["name"] for p in spec["params"]} == {"window", "zoom"}


def test_hidden_events_stay_out_and_open_alerts_are_still_firing():
    pm = make_postmortem(
        events=(make_event("E1", at(14, 5), "shown", kind=EventKind.ALERT),
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
    assert label["label"] == "Resolved 15:30" and label["t"] < rows_with(spec, "milestone")[0]["t"]


def test_the_static_chart_has_no_selection(demo):
    assert "params" not in chart.timeline_chart(demo, interactive=False).to_dict()


def test_a_saved_choice_of_series_is_drawn_in_its_order(demo):
    keys = [s.key for s in chart.describe(demo)]
    pm = dataclasses.replace(demo, chart_series=(keys[3], "gone{}", keys[0]))
    assert [s.key for s in chart.shown(pm)] == [keys[3], keys[0]]
    spec = chart.timeline_chart(pm).to_dict()
    assert [p["title"]["text"] for p in panels(spec)] == [chart.shown(pm)[0].title, chart.shown(pm)[1].title]
    gone = dataclasses.replace(demo, chart_series=("gone{}",))
    assert chart.shown(gone) == chart.shown(demo)  # nothing saved exists any more: the default view


# --- chart_png ----------------------------------------------------------------------------------


def test_chart_png_renders_offline(demo):
    png = chart.chart_png(demo)
    assert png[:4] == b"\x89PNG" and len(png) > 10_000


def test_chart_png_of_an_empty_postmortem():
    pm = dataclasses.replace(make_postmortem(), end=START + timedelta(days=2))
    assert chart.chart_png(pm, scale=1)[:4] == b"\x89PNG"
