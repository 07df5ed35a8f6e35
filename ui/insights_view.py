"""Charts of the insights page: each a small Altair chart over the tidy rows of ``core.insights``."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from core.insights import AgeBucket, Insights, MonthCount, Recurrence
from ui import views


def month_bars(rows: Sequence[MonthCount], title: str, legend: str) -> None:
    """Draw stacked bars of counts per month."""
    if not rows:
        st.caption(f"No data for “{title}” in this selection.")
        return
    frame = pd.DataFrame([{"month": r.month, legend: r.key, "count": r.count} for r in rows])
    st.altair_chart(alt.Chart(frame, title=title).mark_bar().encode(
        x=alt.X("month:O", title="Month"), y=alt.Y("count:Q", title="Post-mortems"),
        color=alt.Color(f"{legend}:N", title=legend), tooltip=["month", legend, "count"]), width="stretch")


def recurrences(rows: Sequence[Recurrence], title: str) -> None:
    """List what keeps coming back, with the post-mortems it came back in."""
    st.markdown(f"**{title}**")
    if not rows:
        st.caption("Nothing recurs in this selection.")
    for r in rows:
        shown = views.md(", ".join(r.pm_ids[:6]))
        st.markdown(f"- **{views.md(r.name)}** — {r.count} post-mortems ({shown}{'…' if r.count > 6 else ''})")


def response_times(insights: Insights) -> None:
    """Draw median, p75 and p90 minutes to detect, acknowledge, mitigate and resolve."""
    rows = insights.response.rows()
    if not rows:
        st.caption("No post-mortem marks the milestones needed for response times yet.")
        return
    frame = pd.DataFrame([{"measure": r.measure, "statistic": r.statistic, "minutes": round(r.minutes, 1)}
                          for r in rows])
    st.altair_chart(alt.Chart(frame, title="Response times (minutes): median, p75, p90").mark_bar().encode(
        y=alt.Y("measure:N", title=None, sort=None), x=alt.X("minutes:Q", title="Minutes"),
        yOffset=alt.YOffset("statistic:N", sort=["median", "p75", "p90"]),
        color=alt.Color("statistic:N", title="Statistic", sort=["median", "p75", "p90"]),
        tooltip=["measure", "statistic", "minutes"]), width="stretch")


def ageing(buckets: Sequence[AgeBucket]) -> None:
    """Draw how long overdue action items have been overdue."""
    frame = pd.DataFrame([{"overdue by": b.label, "items": b.count} for b in buckets])
    st.altair_chart(alt.Chart(frame, title="Overdue action items by days overdue").mark_bar().encode(
        x=alt.X("overdue by:N", sort=None, title="Days overdue"), y=alt.Y("items:Q", title="Items"),
        tooltip=["overdue by", "items"]), width="stretch")
