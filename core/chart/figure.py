"""The whole chart of a post-mortem: the strip above its panels, for the browser, the PDF and the CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt

from core.chart import choice, panels, strip
from core.chart.series import ChartSeries, describe
from core.models import Milestone, PostMortem

PRINT_ROWS = 1_500
"""The metric points of the chart rendered for the PDF, all panels together."""


def timeline_chart(pm: PostMortem, *, width: int = 800, interactive: bool = True, zone: str = "UTC",
                   series: Sequence[ChartSeries] | None = None, max_rows: int = panels.MAX_ROWS) -> alt.VConcatChart:
    """Return the chart of ``pm``: a strip of milestones, alerts and events over one panel per series, in UTC.

    ``series`` defaults to ``choice.shown(pm)`` (the saved choice, else the default view); hover shows times in
    ``zone`` as well. When ``interactive``, drag pans and the wheel zooms the time axis of every panel, and
    shift-drag selects a stretch: the interval selection named "window".
    """
    shown = tuple(choice.shown(pm) if series is None else series)
    span = panels.frame(pm, shown, width)
    events = sorted((e for e in pm.events if not e.hidden), key=lambda e: (e.time, e.id))
    alert_rows = strip.lanes(pm.alerts, span)
    lanes = 1 + max((r["lane"] for r in alert_rows), default=-1)
    strip_height = strip.height(lanes)
    used = [m for m in Milestone if any(e.milestone is m for e in events)]
    milestones = strip.milestone_rows(events)
    data = strip.table(panels.point_rows(shown, max_rows))
    # the selections live on one view: the x scale is shared, so zooming one panel zooms them all
    params = _selections() if interactive else ()
    top = panels.x_encoding(span, labelled=not shown)
    band = panels.window_band(pm, top)
    band = band.add_params(*params) if params and not shown else band
    charts: list[Any] = [alt.layer(band, *strip.layers(events, alert_rows, span, top, strip_height))
                         .properties(height=strip_height)]
    described = describe(pm) if shown else ()
    window = choice.impact_window(pm)
    notes: list[str] = []
    for number, one in enumerate(shown):
        x = panels.x_encoding(span, labelled=number == len(shown) - 1)
        share = choice.error_share(one, described, window)
        note = "" if share is None else (f"{share:.0%} of requests failed from {window.start:%H:%M} to "
                                         f"{window.end:%H:%M} UTC")
        notes.append(note)
        charts.append(panels.panel(one, number, data, x, pm=pm, milestones=milestones, zone=zone, used=used,
                                   params=params if number == 0 else (), note=note))
    chart: alt.VConcatChart = (
        # one image to a screen reader, named by its story (its marks are aria-hidden, not read one by one)
        alt.vconcat(*(c.properties(width=width) for c in charts), spacing=6,
                    description=story(pm, shown, notes))
        .resolve_scale(x="shared", color="independent", strokeDash="independent")
        .configure(aria=False)  # with the marks' own aria=False: the selection brush is hidden from the tree too
        .configure_view(stroke="#cccccc")
        .configure_axis(labelFontSize=11, titleFontSize=11)
        .configure_legend(labelFontSize=11, titleFontSize=11)
        .configure_concat(spacing=6)
    )
    return chart


def story(pm: PostMortem, shown: Sequence[ChartSeries] | None = None, notes: Sequence[str] = ()) -> str:
    """Return the chart in one sentence, its text alternative: what is drawn, the milestones, how bad it got."""
    if shown is None:
        shown = tuple(choice.shown(pm))
        described, window = describe(pm), choice.impact_window(pm)
        notes = [f"{share:.0%} of requests failed from {window.start:%H:%M} to {window.end:%H:%M} UTC"
                 for one in shown if (share := choice.error_share(one, described, window)) is not None]
    marked = [f"{m.label.lower()} {t:%H:%M}" for m in Milestone if (t := pm.milestone_time(m)) is not None]
    first = shown[0].title if shown else "alerts and events"
    more = f" and {len(shown) - 1} more panel{'s' if len(shown) > 2 else ''}" if len(shown) > 1 else ""
    parts = [f"The incident chart (UTC) shows {first}{more}"]
    if marked:
        parts.append("milestones: " + ", ".join(marked))
    parts += [n for n in notes if n]
    return "; ".join(parts) + "."


def chart_json(pm: PostMortem) -> str:
    """Return the default chart of ``pm`` as its Vega-Lite specification (JSON, no selection)."""
    return json.dumps(timeline_chart(pm, interactive=False).to_dict(), indent=1, ensure_ascii=False)


def has_data(pm: PostMortem) -> bool:
    """Return True when the post-mortem has anything to chart (series, alerts or events)."""
    return bool(pm.series or pm.alerts or any(not e.hidden for e in pm.events))


def chart_png(pm: PostMortem, *, scale: float = 1.5) -> bytes:
    """Render the chart to PNG bytes, offline through vl-convert, for the PDF, the share view and the CLI."""
    # a printed chart is 180 mm wide: 1,500 points across all panels keep every shape and halve the render time
    import vl_convert  # imported here: it loads a JavaScript engine, which only the PNG path needs

    spec = timeline_chart(pm, interactive=False, max_rows=PRINT_ROWS).to_dict()
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale))


def _selections() -> tuple[alt.Parameter, alt.Parameter]:
    """Return the "window" selection (shift-drag) and the x zoom (wheel) and pan (drag), which share the drag."""
    window = alt.selection_interval(
        name="window", encodings=["x"], zoom=False,
        on="[pointerdown[event.shiftKey], window:pointerup] > window:pointermove!",
    )
    zoom = alt.selection_interval(
        name="zoom", encodings=["x"], bind="scales",
        translate="[pointerdown[!event.shiftKey], window:pointerup] > window:pointermove!",
    )
    return window, zoom
