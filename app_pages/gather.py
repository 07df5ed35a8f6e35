"""Step 2: the incident's data — imports from files and servers, candidate events, data gaps."""

import streamlit as st

from core import postmortem_service
from core.models import SourceKind
from core.steps import Step
from ui import deps, gather, state, widgets

STEP = Step.GATHER
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
key = state.widget_key
edit = {"actor": state.actor(), "now": deps.now(), "repo": deps.repository()}

st.markdown(
    "Logs, metrics and alerts are **required**: import each, or record a data gap saying why it cannot be had. "
    "Paging and chat records are welcome too. Only the incident window (plus 30 minutes each side) is kept."
)
for kind in SourceKind:
    gather.source_status(pm, kind, readonly)

files_tab, servers_tab, commands_tab = st.tabs(["Files", "Servers", "Export commands"])
with files_tab:
    gather.file_form(pm, readonly)
with servers_tab:
    gather.server_form(pm, readonly)
with commands_tab:
    gather.commands(pm)

st.subheader("Candidate events from the logs")
gather.candidates(pm, readonly)

with st.form(key(STEP, "gap-form"), clear_on_submit=True):
    st.markdown("**Record a data gap**")
    source = st.selectbox("Missing source", list(SourceKind), format_func=lambda k: k.value.capitalize(),
                          disabled=readonly)
    reason = st.text_input("Why it cannot be had", placeholder="Logs are kept for 7 days only", disabled=readonly)
    if st.form_submit_button("Record gap", disabled=readonly):
        with widgets.reporting_errors():
            state.save(postmortem_service.add_gap(pm, source=source, reason=reason, **edit))
        st.rerun()

runbook = st.text_area("Runbook used during the response (link or text)", value=pm.runbook, disabled=readonly,
                       key=key(STEP, "runbook"))
if not readonly:
    with widgets.reporting_errors():
        saved = postmortem_service.set_runbook(pm, runbook, **edit)
    if saved is not pm:
        state.save(saved)
        st.rerun()  # the tables above are keyed by version: redraw them on the saved one
widgets.step_footer(STEP, pm)
