"""The timeline chart: metric lines, alert bars, event rules and milestones over the incident window, in UTC.

One Altair specification serves the browser (``st.altair_chart``) and the PDF (``chart_png``). Its data is
inline and small: every series is downsampled first, within a budget shared by all series, and rows carry
short keys (names and shares are computed by the renderer), so a post-mortem with 20 series of 5,000
points and 500 events gives a specification well under 1 MB.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from tsdownsample import MinMaxLTTBDownsampler

from core import report_text
from core.models import AlertInterval, MetricPoint, MetricSeries, PostMortem, TimelineEvent

MAX_POINTS = 2_000
"""The most points one series keeps."""

MAX_ROWS = 4_000
"""The most rows one dataset of the chart carries: all metric points together, or the plain events.

Below Altair's limit of 5,000 rows per inline dataset (``MaxRowsError``), and what keeps the spec small.
"""

PRINT_ROWS = 1_500
"""The metric points of the chart rendered for the PDF, all series together."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TIME_TITLE = "Time (UTC)"
_FONT_PX = 6.2  # average width of one character of an 11 px label, to keep labels from overlapping
_ROW_PX = 15  # one row of milestone labels or of alert bars
_LABEL_ROWS = 3
_MAX_LANES = 6
_SEVERITY_COLOURS = {"critical": "#c0392b", "error": "#d35400", "warning": "#e69f00", "info": "#3c78d8"}
_OTHER_SEVERITY = "#7f7f7f"
_MILESTONE_COLOUR = "#222222"
_EVENT_COLOUR = "#8a8a8a"
_WINDOW_FILL = "#f3e7b3"
_TEXT_LIMIT = 160

_Rows = list[dict[str, Any]]


def downsample(points: Sequence[MetricPoint], max_points: int = MAX_POINTS) -> tuple[MetricPoint, ...]:
    """Return at most ``max_points`` of ``points`` in time order, keeping the shape of the series.

    MinMaxLTTB (tsdownsample) picks the points; the first, the last, the lowest and the highest are always
    kept. Non-finite values (NaN gaps) are left out: a chart cannot draw them.
    """
    if max_points < 4:
        raise ValueError(f"max_points must be at least 4 (first, last, lowest, highest), not {max_points}")
    x = np.fromiter((p.time.timestamp() for p in points), dtype=np.float64, count=len(points))
    y = np.fromiter((p.value for p in points), dtype=np.float64, count=len(points))
    order = np.argsort(x, kind="stable")
    order = order[np.isfinite(y[order])]
    if len(order) <= max_points:
        return tuple(points[i] for i in order)
    xs, ys = x[order], y[order]
    chosen = {0, len(order) - 1, int(np.argmin(ys)), int(np.argmax(ys))}
    # two places stay free for the lowest and the highest point, which MinMaxLTTB may not pick itself
    chosen.update(_min_max_lttb(xs, ys, max_points - 2))
    return tuple(points[order[i]] for i in sorted(chosen))


def _min_max_lttb(x: np.ndarray[Any, np.dtype[np.float64]], y: np.ndarray[Any, np.dtype[np.float64]],
                  n_out: int) -> list[int]:
    if n_out < 3:  # LTTB needs a first, a last and one point between (tsdownsample panics otherwise)
        return []
    indexes = MinMaxLTTBDownsampler().downsample(x, y, n_out=n_out)  # type: ignore[no-untyped-call]
    return [int(i) for i in indexes]


# --- where things go ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """The time span the chart opens on and its width, to place labels without overlap."""

    start: datetime
    end: datetime
    width: int

    def px(self, moment: datetime) -> float:
        return (moment - self.start) / (self.end - self.start) * self.width

    def at_px(self, px: float) -> int:
        return _ms(self.start) + round(px / self.width * ((self.end - self.start) / timedelta(milliseconds=1)))


@dataclass(frozen=True)
class _Layout:
    """Vertical placement: metric shares fill 0–1, alert lanes and milestone labels sit above them."""

    height: int
    lanes: int
    metrics: bool

    @property
    def top_px(self) -> int:
        """Pixels above the metric lines: the label rows, the alert lanes and a gap."""
        return _ROW_PX * (_LABEL_ROWS + self.lanes) + 10

    @property
    def top(self) -> float:
        """The top of the y scale, in metric shares."""
        return self.height / (self.height - self.top_px)

    def y(self, px_from_top: float) -> float:
        return self.top * (1 - px_from_top / self.height)


def _table(rows: _Rows) -> pd.DataFrame:
    # Altair deep-copies list data at every chained call but not a DataFrame: 4,000 rows cost 0.4 s as lists
    return pd.DataFrame(rows)


def _ms(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _hms(moment: datetime) -> str:
    return f"{moment:%H:%M:%S} UTC"


def _short(text: str) -> str:
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


def _frame(pm: PostMortem, metric_rows: _Rows, width: int) -> _Frame:
    moments = [pm.start, pm.end]
    moments += [e.time for e in pm.events if not e.hidden]
    moments += [a.start for a in pm.alerts] + [a.end for a in pm.alerts if a.end is not None]
    if metric_rows:
        times = [row["t"] for row in metric_rows]
        moments += [_EPOCH + timedelta(milliseconds=min(times)), _EPOCH + timedelta(milliseconds=max(times))]
    start, end = min(moments), max(moments)
    pad = max((end - start) / 50, timedelta(minutes=1))
    return _Frame(start - pad, end + pad, width)


def _x(frame: _Frame, field: str) -> alt.X:
    fmt = "%H:%M" if frame.end - frame.start <= timedelta(days=1) else "%d %b %H:%M"
    # a UTC scale formats its labels in UTC whatever the time zone of the browser or of the PDF renderer
    return alt.X(f"{field}:T", title=_TIME_TITLE,
                 scale=alt.Scale(type="utc", domain=[_ms(frame.start), _ms(frame.end)], nice=False),
                 axis=alt.Axis(format=fmt, labelFlush=True, grid=False))


def _y(layout: _Layout, field: str) -> alt.Y:
    # every layer carries the same y axis: a layer without it would hide it for all
    axis = alt.Axis(title="% of each series' peak", values=[0, 0.25, 0.5, 0.75, 1], format="%", grid=True)
    return alt.Y(f"{field}:Q", scale=alt.Scale(domain=[0, layout.top], nice=False, zero=True),
                 axis=axis if layout.metrics else None)


# --- the layers ---------------------------------------------------------------------------------


def _series_names(series: Sequence[MetricSeries]) -> list[str]:
    """Name each series by its query, plus the labels that tell apart the series of one query."""
    names = []
    for s in series:
        mine = dict(s.labels)
        siblings = [dict(o.labels) for o in series if o.query == s.query]
        varying = sorted({k for labels in siblings for k in labels | mine if labels.get(k) != mine.get(k)})
        extra = ", ".join(f"{k}={mine[k]}" for k in varying if k in mine)
        names.append(f"{s.query or '(unnamed)'} {{{extra}}}" if extra else s.query or "(unnamed)")
    return [name if names.count(name) == 1 else f"{name} #{n}" for n, name in enumerate(names, start=1)]


def _metric_rows(pm: PostMortem, max_rows: int = MAX_ROWS) -> _Rows:
    if not pm.series:
        return []
    budget = min(MAX_POINTS, max(4, max_rows // len(pm.series)))
    return [
        {"s": index, "t": _ms(p.time), "v": float(f"{p.value:.6g}")}
        for index, series in enumerate(pm.series)
        for p in downsample(series.points, budget)
    ]


def _lines(pm: PostMortem, rows: _Rows, frame: _Frame, layout: _Layout) -> alt.Chart:
    names = _series_names(pm.series)
    lines: alt.Chart = (
        alt.Chart(_table(rows))
        .mark_line(strokeWidth=1.5)
        .transform_calculate(series=f"{json.dumps(names)}[datum.s]", at="utcFormat(datum.t, '%H:%M:%S UTC')")
        # each series is drawn as a share of its own peak: one y axis for a rate, a ratio and a latency; a series
        # that goes negative spans its own range instead, so nothing falls below the axis (no clipping, which
        # made the PNG five times slower)
        .transform_joinaggregate(high="max(v)", low="min(v)", groupby=["s"])
        .transform_calculate(share="datum.low < 0 ? (datum.high > datum.low ? (datum.v - datum.low) / "
                                   "(datum.high - datum.low) : 0.5) : datum.high > 0 ? datum.v / datum.high : 0")
        .encode(
            x=_x(frame, "t"),
            y=_y(layout, "share"),
            color=alt.Color("series:N", title="Series",
                            scale=alt.Scale(domain=names, scheme="tableau10" if len(names) <= 10 else "tableau20"),
                            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=420,
                                              columns=2 if len(names) > 6 else 1, symbolType="stroke")),
            tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("at:N", title=_TIME_TITLE),
                     alt.Tooltip("v:Q", title="Value", format=",.4~g")],
        )
    )
    return lines


def _window_band(pm: PostMortem, frame: _Frame) -> alt.Chart:
    label = "Incident window"
    row = {"start": _ms(pm.start), "end": _ms(pm.end), "label": label,
           "span": f"{pm.start:%H:%M:%S}–{pm.end:%H:%M:%S} UTC ({report_text.format_duration(pm.end - pm.start)})"}
    band: alt.Chart = alt.Chart(_table([row])).mark_rect(opacity=0.45).encode(
        x=_x(frame, "start"), x2="end:T",
        color=alt.Color("label:N", title="Shaded", scale=alt.Scale(domain=[label], range=[_WINDOW_FILL]),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=[alt.Tooltip("label:N", title="Shaded"), alt.Tooltip("span:N", title="Window")],
    )
    return band


def _alert_rows(alerts: Sequence[AlertInterval], frame: _Frame, height: int) -> _Rows:
    """Give each alert a lane where its bar and its name do not overlap another's (at most ``_MAX_LANES``)."""
    free_at: list[float] = []  # the pixel where each lane is free again
    rows: _Rows = []
    for alert in sorted(alerts, key=lambda a: (a.start, a.name)):
        end = alert.end or frame.end
        left = frame.px(alert.start)
        reach = max(frame.px(end), left + len(alert.name) * _FONT_PX + 8)
        lane = next((i for i, free in enumerate(free_at) if free <= left), None)
        if lane is None and len(free_at) < _MAX_LANES:
            free_at.append(reach)
            lane = len(free_at) - 1
        elif lane is None:
            lane = min(range(len(free_at)), key=lambda i: free_at[i])
        free_at[lane] = max(free_at[lane], reach)
        rows.append({
            "alert": alert.name, "severity": alert.severity or "unknown", "lane": lane,
            "start": _ms(alert.start), "end": _ms(end), "from": _hms(alert.start),
            "to": _hms(alert.end) if alert.end else "still firing",
            "lasted": report_text.format_duration(end - alert.start),
        })
    lanes = 1 + max((r["lane"] for r in rows), default=-1)
    layout = _Layout(height, lanes, metrics=True)
    for row in rows:
        top = _ROW_PX * (_LABEL_ROWS + row["lane"]) + 3
        row["y"], row["y2"], row["mid"] = layout.y(top), layout.y(top + _ROW_PX - 3), layout.y(top + _ROW_PX / 2)
    return rows


def _alert_layers(rows: _Rows, frame: _Frame, layout: _Layout) -> list[alt.Chart]:
    known = [s for s in _SEVERITY_COLOURS if any(r["severity"] == s for r in rows)]
    other = sorted({r["severity"] for r in rows} - set(known))
    colour = alt.Color(
        "severity:N", title="Alert severity", legend=alt.Legend(orient="bottom", direction="horizontal"),
        scale=alt.Scale(domain=known + other,
                        range=[_SEVERITY_COLOURS[s] for s in known] + [_OTHER_SEVERITY] * len(other)),
    )
    tooltip = [alt.Tooltip("alert:N", title="Alert"), alt.Tooltip("severity:N", title="Severity"),
               alt.Tooltip("from:N", title="Firing from"), alt.Tooltip("to:N", title="Until"),
               alt.Tooltip("lasted:N", title="Lasted")]
    data = _table(rows)
    bars = alt.Chart(data).mark_rect(opacity=0.85, cornerRadius=2).encode(
        x=_x(frame, "start"), x2="end:T", y=_y(layout, "y"), y2="y2:Q", color=colour, tooltip=tooltip)
    names = alt.Chart(data).mark_text(align="left", baseline="middle", dx=4, fontSize=10, color="#111111").encode(
        x=_x(frame, "start"), y=_y(layout, "mid"), text="alert:N", tooltip=tooltip)
    return [bars, names]


def _event_rows(events: Sequence[TimelineEvent]) -> _Rows:
    return [
        {"t": _ms(e.time), "at": _hms(e.time), "event": _short(e.event), "source": e.source, "actor": e.actor,
         "milestone": e.milestone.label if e.milestone else ""}
        for e in events
    ]


def _milestone_rows(events: Sequence[TimelineEvent], frame: _Frame, layout: _Layout) -> tuple[_Rows, _Rows]:
    """Return the milestone rules and their labels, each label in the first row where it overlaps no other."""
    free_at = [-math.inf] * _LABEL_ROWS
    rules, labels = _event_rows(events), []
    for rule, event in zip(rules, events, strict=True):
        text = f"{rule['milestone']} {event.time:%H:%M}"
        width = len(text) * _FONT_PX + 6
        x = frame.px(event.time) + 3
        if x + width > frame.width:  # no room on the right: the label ends at its rule instead
            x = frame.px(event.time) - 3 - width
        row = next((i for i, free in enumerate(free_at) if free <= x), None)
        if row is None:
            row = min(range(_LABEL_ROWS), key=lambda i: free_at[i])
        free_at[row] = x + width
        labels.append({"label": text, "t": frame.at_px(x), "y": layout.y(_ROW_PX * row + _ROW_PX / 2 + 1)})
        # a milestone rule ends at its own label, so it never crosses the labels above it
        rule["y"], rule["y2"] = 0.0, layout.y(_ROW_PX * row + 2)
    return rules, labels


def _event_layers(events: Sequence[TimelineEvent], frame: _Frame, layout: _Layout) -> list[alt.Chart]:
    tooltip = [alt.Tooltip("at:N", title=_TIME_TITLE), alt.Tooltip("event:N", title="Event"),
               alt.Tooltip("source:N", title="Source"), alt.Tooltip("actor:N", title="Actor")]
    layers = []
    plain = _event_rows([e for e in events if e.milestone is None][:MAX_ROWS])
    if plain:
        # plain events stop below the alert bars and milestone labels, which stay legible
        for row in plain:
            row["y"], row["y2"] = 0.0, layout.y(layout.top_px - 4)
        layers.append(alt.Chart(_table(plain)).mark_rule(
            color=_EVENT_COLOUR, strokeDash=[3, 3], strokeWidth=1, opacity=0.7,
        ).encode(x=_x(frame, "t"), y=_y(layout, "y"), y2="y2:Q", tooltip=tooltip))
    marked = [e for e in events if e.milestone is not None]
    if marked:
        rules, labels = _milestone_rows(marked, frame, layout)
        layers.append(alt.Chart(_table(rules)).mark_rule(color=_MILESTONE_COLOUR, strokeWidth=1.5).encode(
            x=_x(frame, "t"), y=_y(layout, "y"), y2="y2:Q",
            tooltip=[alt.Tooltip("milestone:N", title="Milestone"), *tooltip]))
        layers.append(alt.Chart(_table(labels)).mark_text(
            align="left", baseline="middle", fontSize=11, fontWeight="bold", color=_MILESTONE_COLOUR,
        ).encode(x=_x(frame, "t"), y=_y(layout, "y"), text="label:N"))
    return layers


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


def timeline_chart(pm: PostMortem, *, width: int = 800, height: int = 320,
                   interactive: bool = True, max_rows: int = MAX_ROWS) -> alt.LayerChart:
    """Return the layered timeline chart of ``pm`` (plot area ``width`` × ``height`` px), in UTC throughout.

    Layers, back to front: the incident window (shaded), alert bars coloured by severity with their names,
    metric lines (each series as a share of its own peak; hover for values), event rules, milestone rules
    and labels. When ``interactive``, drag pans and the wheel zooms the time axis, and shift-drag selects a
    stretch: the interval selection named "window" (``st.altair_chart(..., selection_mode=["window"])``).
    """
    metric_rows = _metric_rows(pm, max_rows)
    frame = _frame(pm, metric_rows, width)
    alert_rows = _alert_rows(pm.alerts, frame, height)
    lanes = 1 + max((r["lane"] for r in alert_rows), default=-1)
    layout = _Layout(height, lanes, metrics=bool(metric_rows))
    events = sorted((e for e in pm.events if not e.hidden), key=lambda e: (e.time, e.id))

    band = _window_band(pm, frame)
    lines = _lines(pm, metric_rows, frame, layout) if metric_rows else None
    if interactive and lines is not None:
        lines = lines.add_params(*_selections())
    elif interactive:
        band = band.add_params(*_selections())
    layers = [band]
    if alert_rows:
        layers += _alert_layers(alert_rows, frame, layout)
    if lines is not None:
        layers.append(lines)
    layers += _event_layers(events, frame, layout)
    chart: alt.LayerChart = (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .properties(width=width, height=height)
        .configure_view(stroke="#cccccc")
        .configure_axis(labelFontSize=11, titleFontSize=12)
        .configure_legend(labelFontSize=11, titleFontSize=11)
    )
    return chart


def has_data(pm: PostMortem) -> bool:
    """Return True when the post-mortem has anything to chart (series, alerts or events)."""
    return bool(pm.series or pm.alerts or any(not e.hidden for e in pm.events))


def chart_png(pm: PostMortem, *, scale: float = 1.5) -> bytes:
    """Render the timeline chart to PNG bytes, offline through vl-convert, for the PDF."""
    # without zoom, Vega clips no mark: clipping each of 20 series lines made rendering 5 times slower
    # a printed chart is 180 mm wide: 1,500 points across all series keep every shape and halve the render time
    import vl_convert  # imported here: it loads a JavaScript engine, which only the PDF path needs

    spec = timeline_chart(pm, interactive=False, max_rows=PRINT_ROWS).to_dict()
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale))
