"""Home: the list of post-mortems and the form to start a new one."""

from datetime import timedelta

import streamlit as st

from core import postmortem_service
from core.models import IncidentType, Severity
from ui import deps, state, views, widgets

st.title("Postmortem Wizard")
st.markdown(
    "A guided, **blameless** post-mortem: from the incident's telemetry to a published report and action "
    "items that get done. Open a post-mortem below, or start a new one. Every change is saved as you make it."
)
message = state.notice()
if message:
    st.success(views.md(message))

with st.expander("Start a new post-mortem", icon=":material/add:", expanded=False):
    with st.form("new-postmortem", border=False):
        title = st.text_input("Incident title", placeholder="Checkout errors after release v2.3.0")
        # the defaults are fixed once per session: a default that moved every minute would reset what was typed
        now = state.remember("home.now", deps.now().replace(second=0, microsecond=0, tzinfo=None))
        left, right = st.columns(2)
        start = left.datetime_input("Incident start (UTC)", value=now - timedelta(hours=2), step=60, key="home.start",
                                    min_value=views.FIRST_TIME, max_value=views.LAST_TIME)
        end = right.datetime_input("Incident end (UTC)", value=now - timedelta(hours=1), step=60, key="home.end",
                                   min_value=views.FIRST_TIME, max_value=views.LAST_TIME)
        severity = st.selectbox("Severity", list(Severity), format_func=lambda s: s.label)
        incident_type = st.selectbox("Type", list(IncidentType), format_func=lambda t: t.value.capitalize())
        services = st.text_input("Affected services (comma-separated)", placeholder="checkout, payments-db")
        created = st.form_submit_button("Create post-mortem", type="primary")
    if created:
        with widgets.reporting_errors():
            pm = postmortem_service.create(
                title=title,
                start=views.as_utc(start),
                end=views.as_utc(end),
                severity=severity,
                services=views.split_list(services),
                incident_type=incident_type,
                actor=state.actor(),
                now=deps.now(),
                repo=deps.repository(),
            )
        state.open_postmortem(pm)
        state.set_notice(f"Post-mortem {pm.id} created. Fill in the incident details, then follow the steps.")
        st.switch_page(widgets.page_path(views.FIRST_STEP), query_params={"pm": pm.id})

st.subheader("Post-mortems")
with widgets.reporting_errors():
    summaries = deps.repository().list_summaries(today=deps.now().date())
if not summaries:
    st.info("There are no post-mortems yet. Start one with “Start a new post-mortem” above.")
for s in summaries:
    views.summary_row(s, now=deps.now())
