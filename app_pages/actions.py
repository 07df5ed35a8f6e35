"""Step 5: specific, owned, dated action items (AI-001, AI-002, …)."""

import streamlit as st

from core import language, postmortem_service
from core.models import ActionType, FactorCategory, Priority
from core.steps import Step
from ui import deps, state, tables, views, widgets

STEP = Step.ACTIONS
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
edit = {"actor": state.actor(), "now": deps.now(), "repo": deps.repository()}

st.markdown(
    "Each item names **a concrete thing to change and how you will know it is done** — “Add metric X to "
    "dashboard Y and alert at 80 %”, not “improve monitoring”. Link each to the factor(s) it addresses. "
    "IDs are given when the row is saved and never reused. Add an item in the empty row at the bottom."
)
if pm.factors:
    st.caption("Factors: " + " · ".join(f"**{views.md(f.id)}** {f.category.value}: {views.md(f.text)}"
                                        for f in pm.factors))
edited = st.data_editor(
    tables.actions_frame(pm), key=state.widget_key(STEP, f"actions-v{pm.version}"), num_rows="dynamic",
    hide_index=True, disabled=readonly or ["id"], width="stretch",
    column_order=["id", "action", "owner", "deadline", "priority", "type", "factors", "end_state"],
    column_config={
        "id": st.column_config.TextColumn("ID", width="small"),
        "action": st.column_config.TextColumn("Action", required=True, width="large"),
        "owner": st.column_config.TextColumn("Owner", help="@handle of the person accountable"),
        "deadline": st.column_config.DateColumn("Deadline", format="YYYY-MM-DD", min_value=pm.end.date()),
        "priority": st.column_config.SelectboxColumn("Priority", options=[p.value for p in Priority]),
        "type": st.column_config.SelectboxColumn("Type", options=[t.value for t in ActionType],
                                                 default=ActionType.PREVENT.value),
        "factors": st.column_config.MultiselectColumn("Factors", options=[f.id for f in pm.factors]),
        "end_state": st.column_config.TextColumn("Done when…", help="A verifiable end state"),
    },
)
for item in pm.actions:
    for finding in language.check_action(item.action):
        st.warning(f"**{views.md(item.id)}** “{views.md(item.action)}”: {views.md(finding.why)} "
                   f"{views.md(finding.suggestion)}", icon=":material/edit:")

if not readonly:
    with widgets.reporting_errors():
        saved = postmortem_service.set_actions(pm, tables.actions_from_frame(edited, pm), **edit)
    if saved is not pm:
        state.save(saved)
        st.rerun()

draftable = [f for f in pm.factors if f.category in (FactorCategory.RUNBOOK_GAP, FactorCategory.MONITORING_GAP)]
if draftable:
    st.subheader("Drafts")
    st.caption("For a runbook gap, a runbook pre-filled from this post-mortem; for a monitoring gap, a Prometheus "
               "alerting rule. The draft is attached to the factor's action item (or a new one) to finish.")
for factor in draftable:
    kind = "runbook" if factor.category is FactorCategory.RUNBOOK_GAP else "alert-rule"
    label = "Draft a runbook" if kind == "runbook" else "Draft an alerting rule"
    if st.button(f"{label} for {views.md(factor.id)}", disabled=readonly,
                 key=state.widget_key(STEP, f"draft-{factor.id}")):
        with widgets.reporting_errors():
            state.save(postmortem_service.attach_draft(pm, factor.id, kind=kind,
                                                       public_url=deps.public_url(), **edit))
        st.rerun()
for item in pm.actions:
    if item.attachment:
        st.download_button(f"{views.md(item.id)}: download {views.md(item.attachment_name)}", item.attachment,
                           file_name=item.attachment_name, key=state.widget_key(STEP, f"attachment-{item.id}"),
                           on_click="ignore", icon=":material/download:")

widgets.step_footer(STEP, pm)
