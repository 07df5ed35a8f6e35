"""Step 2: the incident's data — imported files and the data gaps recorded with a reason."""

import streamlit as st

from core import postmortem_service
from core.models import SourceKind
from core.steps import Step
from ui import deps, state, widgets

STEP = Step.GATHER
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
key = state.widget_key
edit = {"actor": state.actor(), "now": deps.now(), "repo": deps.repository()}

st.markdown(
    "Logs, metrics and alerts are **required**: import each, or record a data gap saying why it cannot be had. "
    "Paging and chat records are welcome too."
)
for kind in SourceKind:
    files = [i for i in pm.imports if i.kind is kind]
    gaps = [(n, g) for n, g in enumerate(pm.gaps) if g.source is kind]
    label = f"{kind.value.capitalize()}{' (required)' if kind.required else ''}"
    with st.container(border=True):
        st.markdown(f"**{label}**")
        for i in files:
            rejected = f", {i.records_rejected} rejected" if i.records_rejected else ""
            st.markdown(f":material/description: `{i.origin}` — {i.records_read} lines{rejected}")
        for n, g in gaps:
            left, right = st.columns([6, 1])
            left.markdown(f":orange-badge[data gap] {g.reason}")
            if right.button("Remove", key=key(STEP, f"remove-gap-{n}"), disabled=readonly):
                with widgets.reporting_errors():
                    state.save(postmortem_service.remove_gap(pm, n, **edit))
                st.rerun()
        if not files and not gaps:
            st.caption("Nothing yet.")

left, right = st.columns(2)
with left.form(key(STEP, "upload-form"), clear_on_submit=True):
    st.markdown("**Add a file**")
    kind = st.selectbox("What the file holds", list(SourceKind), format_func=lambda k: k.value.capitalize(),
                        disabled=readonly)
    upload = st.file_uploader("Log, metrics, alert, paging or chat export", disabled=readonly)
    st.caption("The file is recorded as a source of this post-mortem. Add its key moments on the Timeline step.")
    if st.form_submit_button("Add file", disabled=readonly) and upload is not None:
        with widgets.reporting_errors():
            pm = postmortem_service.record_file(pm, kind=kind, origin=upload.name, content=upload.getvalue(), **edit)
            state.save(pm)
        st.rerun()

with right.form(key(STEP, "gap-form"), clear_on_submit=True):
    st.markdown("**Record a data gap**")
    source = st.selectbox("Missing source", list(SourceKind), format_func=lambda k: k.value.capitalize(),
                          disabled=readonly)
    reason = st.text_input("Why it cannot be had", placeholder="Logs are kept for 7 days only", disabled=readonly)
    if st.form_submit_button("Record gap", disabled=readonly):
        with widgets.reporting_errors():
            pm = postmortem_service.add_gap(pm, source=source, reason=reason, **edit)
            state.save(pm)
        st.rerun()

runbook = st.text_area("Runbook used during the response (link or text)", value=pm.runbook, disabled=readonly,
                       key=key(STEP, "runbook"))
if not readonly:
    with widgets.reporting_errors():
        pm = postmortem_service.set_runbook(pm, runbook, **edit)
        state.save(pm)

widgets.step_footer(STEP, pm)
