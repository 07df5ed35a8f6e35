"""The Timeline step's series picker: every series one click away, grouped by source, saved with the post-mortem."""

from __future__ import annotations

import dataclasses
import json

from core import chart, postmortem_service
from core.export import document
from core.models import MetricSeries
from tests.apptest import by_label, open_app
from tests.factories import NOW
from tests.test_chart import DEMO


def demo_with_logs():
    pm = document.loads(DEMO.read_text(encoding="utf-8"))
    points = pm.series[0].points
    logs = (MetricSeries("edge requests/min", (), points),
            MetricSeries("edge requests/min", (("class", "5xx"),), points))
    return dataclasses.replace(pm, series=pm.series + logs, chart_series=())


def test_the_picker_groups_series_by_source_and_saves_the_choice(app_db):
    stored = app_db.add(demo_with_logs(), actor="t", now=NOW)
    app = open_app(stored.id, "timeline")
    groups = {m.label: m for m in app.multiselect if m.label in ("Prometheus", "edge (access log)")}
    assert set(groups) == {"Prometheus", "edge (access log)"}
    assert len(groups["Prometheus"].options) == 4 and len(groups["edge (access log)"].options) == 2
    every = {s.title: s.key for s in chart.describe(stored)}
    groups["Prometheus"].set_value([every["DB pool connections in use — checkout, Prometheus"]]).run()
    assert not app.exception, app.exception
    saved = app_db.get(stored.id)
    assert saved.chart_series and every["DB pool connections in use — checkout, Prometheus"] in saved.chart_series
    assert "HTTP requests per second — checkout, Prometheus" not in {s.title for s in chart.shown(saved)}
    [drawn] = app.get("vega_lite_chart")
    titles = [view["title"]["text"] for view in json.loads(drawn.proto.spec)["vconcat"][1:]]
    assert titles == [s.title for s in chart.shown(saved)]
    by_label(app.button, "Back to the default choice").click().run()
    assert app_db.get(stored.id).chart_series == ()


def test_set_chart_series_keeps_the_keys_and_an_empty_choice_is_the_default(app_db):
    pm = app_db.add(demo_with_logs(), actor="t", now=NOW)
    chosen = postmortem_service.set_chart_series(pm, [" a{} ", "b{}", "a{}"], actor="t", now=NOW, repo=app_db)
    assert chosen.chart_series == ("a{}", "b{}")
    back = postmortem_service.set_chart_series(chosen, [], actor="t", now=NOW, repo=app_db)
    assert back.chart_series == ()
    assert [e.summary for e in app_db.audit(pm.id)].count("chose the chart's series") == 2
