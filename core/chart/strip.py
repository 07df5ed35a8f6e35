"""The strip above the panels: milestone labels (drawn once), alert bars in lanes, and the plain events as ticks.

The strip's y axis counts pixels from its top, so rows of labels and lanes of bars sit where they are put.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import altair as alt
import pandas as pd

from core import report_text
from core.models import AlertInterval, Milestone, TimelineEvent

ROW_PX = 15
"""The height of one row of milestone labels, of alert bars or of event ticks."""

LABEL_ROWS = 3
MAX_LANES = 6
MILESTONE_DASH = {Milestone.IMPACT_START: [1, 0], Milestone.DETECTED: [6, 3], Milestone.ACKNOWLEDGED: [2, 2],
                  Milestone.MITIGATED: [8, 3, 2, 3], Milestone.RESOLVED: [1, 0]}
"""The dash pattern of each milestone's rule, so a printed chart in black and white still tells them apart."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FONT_PX = 6.2  # average width of one character of an 11 px label, to keep labels from overlapping
_SEVERITY_COLOURS = {"critical": "#b2182b", "error": "#d35400", "warning": "#e69f00", "info": "#4575b4"}
_OTHER_SEVERITY = "#7f7f7f"
_INK = "#222222"
_TEXT_LIMIT = 160

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Frame:
    """The time span the chart opens on and its width in pixels, to place labels without overlap."""

    start: datetime
    end: datetime
    width: int

    def px(self, moment: datetime) -> float:
        """Return the pixel of ``moment`` from the left of the plot."""
        return (moment - self.start) / (self.end - self.start) * self.width

    def at_px(self, px: float) -> int:
        """Return the time (ms since the epoch) at pixel ``px``."""
        return ms(self.start) + round(px / self.width * ((self.end - self.start) / timedelta(milliseconds=1)))


def ms(moment: datetime) -> int:
    """Return ``moment`` in milliseconds since the epoch, as Vega-Lite reads times."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def table(rows: Rows) -> pd.DataFrame:
    """Return ``rows`` as a frame (Altair deep-copies list data at every chained call, not a DataFrame)."""
    return pd.DataFrame(rows)


def hms(moment: datetime) -> str:
    """Return the time of day of ``moment`` with its zone, UTC."""
    return f"{moment:%H:%M:%S} UTC"


def milestone_rows(events: Sequence[TimelineEvent]) -> Rows:
    """Return one row per milestone event: its time, its name and its dash pattern's key."""
    return [{"t": ms(e.time), "milestone": e.milestone.label, "at": hms(e.time), "event": _short(e.event)}
            for e in events if e.milestone is not None]


def height(lanes: int) -> int:
    """Return the strip's height for ``lanes`` alert lanes: label rows, lanes and one row of event ticks."""
    return ROW_PX * (LABEL_ROWS + lanes + 1) + 4


def lanes(alerts: Sequence[AlertInterval], frame: Frame) -> Rows:
    """Give each alert a lane where its bar and its name do not overlap another's (at most ``MAX_LANES``)."""
    free_at: list[float] = []  # the pixel where each lane is free again
    rows: Rows = []
    for alert in sorted(alerts, key=lambda a: (a.start, a.name)):
        end = alert.end or frame.end
        left = frame.px(alert.start)
        reach = max(frame.px(end), left + len(alert.name) * _FONT_PX + 8)
        lane = next((i for i, free in enumerate(free_at) if free <= left), None)
        if lane is None and len(free_at) < MAX_LANES:
            free_at.append(reach)
            lane = len(free_at) - 1
        elif lane is None:
            lane = min(range(len(free_at)), key=lambda i: free_at[i])
        free_at[lane] = max(free_at[lane], reach)
        top = ROW_PX * (LABEL_ROWS + lane) + 2
        rows.append({
            "alert": alert.name, "severity": alert.severity or "unknown", "lane": lane,
            "start": ms(alert.start), "end": ms(end), "from": hms(alert.start),
            "to": hms(alert.end) if alert.end else "still firing",
            "lasted": report_text.format_duration(end - alert.start),
            "y": top, "y2": top + ROW_PX - 3, "mid": top + (ROW_PX - 3) / 2,
        })
    return rows


def layers(events: Sequence[TimelineEvent], alert_rows: Rows, frame: Frame, x: Any, strip_height: int) -> list[Any]:
    """Return the strip's layers: alert bars and names, event ticks, milestone rules and their labels."""
    y = alt.Y("y:Q", scale=alt.Scale(domain=[strip_height, 0], nice=False, zero=False), axis=None)
    found: list[Any] = []
    if alert_rows:
        found += _alerts(alert_rows, x, y)
    plain = [e for e in events if e.milestone is None][:4_000]
    if plain:
        top = strip_height - ROW_PX
        rows = [{"t": ms(e.time), "at": hms(e.time), "event": _short(e.event), "source": e.source, "actor": e.actor,
                 "y": top, "y2": strip_height} for e in plain]
        found.append(alt.Chart(table(rows)).mark_rule(aria=False, color="#666666", strokeWidth=1, opacity=0.7).encode(
            x=x("t"), y=y, y2="y2:Q",
            tooltip=[alt.Tooltip("at:N", title="Time (UTC)"), alt.Tooltip("event:N", title="Event"),
                     alt.Tooltip("source:N", title="Source"), alt.Tooltip("actor:N", title="Actor")]))
    marked = [e for e in events if e.milestone is not None]
    if marked:
        found += _milestones(marked, frame, x, y, strip_height)
    return found


def dash(milestones: Sequence[Milestone]) -> alt.StrokeDash:
    """Return the stroke-dash encoding of milestone rules, one pattern per milestone, without a legend."""
    return alt.StrokeDash("milestone:N", legend=None, scale=alt.Scale(
        domain=[m.label for m in milestones], range=[MILESTONE_DASH[m] for m in milestones]))


def _alerts(rows: Rows, x: Any, y: alt.Y) -> list[Any]:
    known = [s for s in _SEVERITY_COLOURS if any(r["severity"] == s for r in rows)]
    other = sorted({r["severity"] for r in rows} - set(known))
    colour = alt.Color("severity:N", title="Alert severity", legend=alt.Legend(orient="top", direction="horizontal"),
                       scale=alt.Scale(domain=known + other,
                                       range=[_SEVERITY_COLOURS[s] for s in known] + [_OTHER_SEVERITY] * len(other)))
    tooltip = [alt.Tooltip("alert:N", title="Alert"), alt.Tooltip("severity:N", title="Severity"),
               alt.Tooltip("from:N", title="Firing from"), alt.Tooltip("to:N", title="Until"),
               alt.Tooltip("lasted:N", title="Lasted")]
    data = table(rows)
    bars = alt.Chart(data).mark_rect(aria=False, opacity=0.4, cornerRadius=2, stroke=_INK, strokeWidth=0.5).encode(
        x=x("start"), x2="end:T", y=y, y2="y2:Q", color=colour, tooltip=tooltip)
    names = alt.Chart(data).mark_text(aria=False, align="left", baseline="middle", dx=4, fontSize=10,
                                      color="#111111").encode(
        x=x("start"), y=alt.Y("mid:Q", scale=y["scale"], axis=None), text="alert:N", tooltip=tooltip)
    return [bars, names]


def _milestones(events: Sequence[TimelineEvent], frame: Frame, x: Any, y: alt.Y, strip_height: int) -> list[Any]:
    """Return the milestone rules through the strip and their labels, each in the first row where it fits."""
    free_at = [-math.inf] * LABEL_ROWS
    rules, labels = milestone_rows(events), []
    for rule, event in zip(rules, events, strict=True):
        text = f"{rule['milestone']} {event.time:%H:%M}"
        width = len(text) * _FONT_PX + 6
        left = frame.px(event.time) + 3
        if left + width > frame.width:  # no room on the right: the label ends at its rule instead
            left = frame.px(event.time) - 3 - width
        row = next((i for i, free in enumerate(free_at) if free <= left), None)
        if row is None:
            row = min(range(LABEL_ROWS), key=lambda i: free_at[i])
        free_at[row] = left + width
        labels.append({"label": text, "t": frame.at_px(left), "y": ROW_PX * row + ROW_PX / 2 + 1})
        rule["y"], rule["y2"] = ROW_PX * row + 2, strip_height  # a rule starts at its own label
    used = [m for m in Milestone if any(e.milestone is m for e in events)]
    tooltip = [alt.Tooltip("milestone:N", title="Milestone"), alt.Tooltip("at:N", title="Time (UTC)"),
               alt.Tooltip("event:N", title="Event")]
    return [
        alt.Chart(table(rules)).mark_rule(aria=False, color=_INK, strokeWidth=1.5).encode(
            x=x("t"), y=y, y2="y2:Q", strokeDash=dash(used), tooltip=tooltip),
        alt.Chart(table(labels)).mark_text(aria=False, align="left", baseline="middle", fontSize=11, fontWeight="bold",
                                           color=_INK).encode(x=x("t"), y=y, text="label:N"),
    ]


def _short(text: str) -> str:
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"
