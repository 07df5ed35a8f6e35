"""The timeline chart: small multiples on one UTC time axis under a strip of milestones, alerts and events.

Each panel draws one series in its own unit under a plain title, with the incident window shaded and the
milestones as rules (labelled once, in the strip). The data is inline and small: the points of every panel
share one dataset within a row budget, so even 20 panels of 5,000 points stay well under 1 MB.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import altair as alt

from core import report_text
from core.chart import strip
from core.chart.downsample import MAX_POINTS, downsample
from core.chart.series import ChartSeries
from core.models import Milestone, PostMortem

MAX_ROWS = 4_000
"""The most rows one dataset of the chart carries (Altair refuses more than 5,000 inline)."""

PANEL_HEIGHT = 110
"""The height of one series' panel, in pixels."""

TIME_TITLE = "Time (UTC)"
_LINE = "#1f3b73"
_WINDOW_FILL = "#e9e2c8"
_WINDOW_LABEL = "Incident window"

XEncoding = Callable[[str], alt.X]


def frame(pm: PostMortem, shown: Sequence[ChartSeries], width: int) -> strip.Frame:
    """Return the span the chart opens on: everything drawn, with a small margin."""
    moments = [pm.start, pm.end, *(e.time for e in pm.events if not e.hidden), *(a.start for a in pm.alerts),
               *(a.end for a in pm.alerts if a.end is not None)]
    moments += [p.time for s in shown for p in (s.points[:1] + s.points[-1:])]
    start, end = min(moments), max(moments)
    pad = max((end - start) / 50, timedelta(minutes=1))
    return strip.Frame(start - pad, end + pad, width)


def x_encoding(span: strip.Frame, *, labelled: bool) -> XEncoding:
    """Return a maker of the shared UTC x encoding; only the bottom panel shows labels and the title."""
    fmt = "%H:%M" if span.end - span.start <= timedelta(days=1) else "%d %b %H:%M"

    def make(field: str) -> alt.X:
        # a UTC scale formats its labels in UTC whatever the time zone of the browser or of the PDF renderer
        axis = (alt.Axis(format=fmt, labelFlush=True, grid=False, title=TIME_TITLE) if labelled
                else alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False))
        return alt.X(f"{field}:T", title=TIME_TITLE if labelled else None, axis=axis,
                     scale=alt.Scale(type="utc", domain=[strip.ms(span.start), strip.ms(span.end)], nice=False))

    return make


def point_rows(shown: Sequence[ChartSeries], max_rows: int) -> strip.Rows:
    """Return the points of every panel in one list, each series downsampled within a shared budget."""
    if not shown:
        return []
    budget = min(MAX_POINTS, max(4, max_rows // len(shown)))
    return [{"s": n, "t": strip.ms(p.time), "v": float(f"{p.value:.6g}")}
            for n, s in enumerate(shown) for p in downsample(s.points, budget)]


def window_band(pm: PostMortem, x: XEncoding) -> alt.Chart:
    """Return the shaded incident window (no y: it fills the panel's height)."""
    span = f"{pm.start:%H:%M:%S}–{pm.end:%H:%M:%S} UTC ({report_text.format_duration(pm.end - pm.start)})"
    row = {"start": strip.ms(pm.start), "end": strip.ms(pm.end), "label": _WINDOW_LABEL, "span": span}
    band: alt.Chart = alt.Chart(strip.table([row])).mark_rect(aria=False, color=_WINDOW_FILL, opacity=0.6).encode(
        x=x("start"), x2="end:T",
        tooltip=[alt.Tooltip("label:N", title="Shaded"), alt.Tooltip("span:N", title="Window")])
    return band


def zone_offset_ms(pm: PostMortem, zone: str) -> int:
    """Return the reading zone's offset from UTC at the incident start, in milliseconds."""
    offset = pm.start.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    return int(offset / timedelta(milliseconds=1))


def panel(series: ChartSeries, number: int, data: Any, x: XEncoding, *, pm: PostMortem, milestones: strip.Rows,
          zone: str, used: Sequence[Milestone], params: Sequence[alt.Parameter] = (), note: str = "") -> alt.LayerChart:
    """Return one series' panel: window band, line with hover, its peak labelled, the milestone rules."""
    reading = f"utcFormat(datum.t + {zone_offset_ms(pm, zone)}, '%H:%M:%S') + ' ' + {json.dumps(zone)}"
    tooltip = [alt.Tooltip("value:N", title=series.title), alt.Tooltip("when:N", title=f"Time ({zone})")]
    if zone != "UTC":
        tooltip.append(alt.Tooltip("at:N", title=TIME_TITLE))
    y = alt.Y("v:Q", title=series.unit, axis=alt.Axis(tickCount=3, format=",~f", grid=True, titleFontWeight="normal"))
    line = (
        alt.Chart(data).transform_filter(f"datum.s == {number}")
        .transform_calculate(value=f"format(datum.v, ',.4~g') + ' ' + {json.dumps(series.unit)}", when=reading,
                             at="utcFormat(datum.t, '%H:%M:%S') + ' UTC'")
        .mark_line(aria=False, strokeWidth=1.6, color=_LINE, point=alt.OverlayMarkDef(size=14, opacity=0, aria=False))
        .encode(x=x("t"), y=y, tooltip=tooltip)
    )
    if params:
        line = line.add_params(*params)
    layers: list[Any] = [window_band(pm, x), line]
    peak = max(series.points, key=lambda p: p.value, default=None)
    subtitle = f"peak {peak.value:,.4g} {series.unit} at {peak.time:%H:%M} UTC" if peak is not None else ""
    subtitle = " · ".join(part for part in (subtitle, note) if part)
    if peak is not None:
        layers.append(alt.Chart(strip.table([{"t": strip.ms(peak.time), "v": peak.value}]))
                      .mark_point(aria=False, shape="triangle-down", size=40, filled=True, color="#111111", yOffset=-6)
                      .encode(x=x("t"), y=y))
    if milestones:
        layers.append(alt.Chart(strip.table(milestones)).mark_rule(aria=False, color="#222222", strokeWidth=1.2).encode(
            x=x("t"), strokeDash=strip.dash(used),
            tooltip=[alt.Tooltip("milestone:N", title="Milestone"), alt.Tooltip("at:N", title=TIME_TITLE)]))
    title = alt.TitleParams(series.title, subtitle=subtitle, anchor="start", fontSize=12, fontWeight="bold",
                            subtitleFontSize=10, subtitleColor="#444444", offset=4)
    return alt.LayerChart(layer=layers, title=title, height=PANEL_HEIGHT)
