"""Insights across post-mortems: what recurs, how fast the team responds and follows through."""

from datetime import date, timedelta

import streamlit as st

from core import insights
from ui import deps, insights_view

st.title("Insights across post-mortems")
st.markdown("Patterns over all post-mortems: counts, what keeps coming back, response times (medians and "
            "percentiles, not averages), time to publish and how action items are followed through.")
everything = deps.repository().list_all()
services = sorted({s for pm in everything for s in pm.services})
left, right = st.columns(2)
chosen = left.multiselect("Services", services, key="insights.services", placeholder="All services")
today = deps.now().date()
earliest = min((pm.start.date() for pm in everything), default=today - timedelta(days=365))
period = right.date_input("Incident period", value=(earliest, today), key="insights.period")
since, until = (period[0], period[1]) if isinstance(period, tuple) and len(period) == 2 else (None, None)
result = insights.summarize(everything, now=deps.now(), services=chosen,
                            since=since if isinstance(since, date) else None,
                            until=until if isinstance(until, date) else None)
if not result.count:
    st.info("No post-mortem matches this selection. Widen the period or clear the service filter.")
    st.stop()

pub, acts = result.publishing, result.actions
a, b, c, d = st.columns(4)
a.metric("Post-mortems", result.count)
b.metric("Published within 48 h", f"{pub.share_within_48h:.0%}" if pub.share_within_48h is not None else "—")
c.metric("Median hours to publish", f"{pub.hours.median:.0f}" if pub.hours.median is not None else "—")
d.metric("Action items done", f"{acts.completion_rate:.0%}" if acts.completion_rate is not None else "—",
         help=f"{acts.done} of {acts.total} (dropped items not counted); {acts.overdue} overdue")
insights_view.month_bars(result.by_severity, "Post-mortems by severity", "severity")
insights_view.month_bars(result.by_category, "Contributing factors by category", "category")
left, right = st.columns(2)
with left:
    insights_view.recurrences(result.recurring_categories, "Recurring factor categories")
with right:
    insights_view.recurrences(result.recurring_services, "Recurring services")
insights_view.response_times(result)
insights_view.ageing(acts.ageing)
