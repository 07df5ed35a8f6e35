"""Step 1: the incident's details."""

import streamlit as st

from core import postmortem_service
from core.models import IncidentType, Severity
from core.steps import Step
from ui import deps, state, views, widgets

STEP = Step.INCIDENT
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
key = state.widget_key

title = st.text_input(
    "Incident title", value=pm.title, disabled=readonly, key=key(STEP, "title"),
    help="A short description a stakeholder understands, e.g. “Checkout errors after release v2.3.0”.")
left, right = st.columns(2)
start = left.datetime_input("Start (UTC)", value=views.naive_utc(pm.start), step=60, disabled=readonly,
                            min_value=views.FIRST_TIME, max_value=views.LAST_TIME, key=key(STEP, "start"),
                            help="When users were first affected, in UTC.")
end = right.datetime_input("End (UTC)", value=views.naive_utc(pm.end), step=60, disabled=readonly,
                           min_value=views.FIRST_TIME, max_value=views.LAST_TIME, key=key(STEP, "end"),
                           help="When the impact ended, in UTC.")
severities = [None, *Severity]
severity = st.selectbox("Severity", severities, index=severities.index(pm.severity), disabled=readonly,
                        format_func=lambda s: s.label if s else "Choose…", key=key(STEP, "severity"))
types = [None, *IncidentType]
incident_type = st.selectbox("Type", types, index=types.index(pm.type), disabled=readonly,
                             format_func=lambda t: t.value.capitalize() if t else "Choose…", key=key(STEP, "type"),
                             help="Outage: down. Degradation: slow or partly failing. Near miss: caught before "
                                  "users noticed. Recurring: it happened before.")
services = st.text_input("Affected services (comma-separated)", value=", ".join(pm.services), disabled=readonly,
                         key=key(STEP, "services"))

if not readonly and start is not None and end is not None:
    with widgets.reporting_errors():
        pm = postmortem_service.update_incident(
            pm,
            title=title,
            start=views.keep_seconds(pm.start, views.as_utc(start)),
            end=views.keep_seconds(pm.end, views.as_utc(end)),
            severity=severity,
            incident_type=incident_type,
            services=views.split_list(services),
            actor=state.actor(),
            now=deps.now(),
            repo=deps.repository(),
        )
        state.save(pm)

st.caption(f"Duration: {views.duration(pm)}. All times are stored and shown in UTC.")
widgets.step_footer(STEP, pm)
