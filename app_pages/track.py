"""Step 7: tickets for the action items, the weekly review and the 4-week follow-up review."""

import streamlit as st

from core import postmortem_service
from core.models import ActionStatus
from core.steps import Step
from ui import deps, state, tables, track_view, widgets

STEP = Step.TRACK
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()

st.subheader("Tickets")
st.caption("Each item needs a tracker issue (created below, or a GitHub/Jira URL pasted here) or “Tracked here”. "
           "Update the status as work progresses.")
edited = st.data_editor(
    tables.actions_frame(pm), key=state.widget_key(STEP, f"tickets-v{pm.version}"), hide_index=True, width="stretch",
    disabled=readonly or ["id", "action", "owner", "deadline", "priority"],
    column_order=["id", "action", "owner", "deadline", "priority", "ticket_url", "tracked_in_app", "status"],
    column_config={
        "id": st.column_config.TextColumn("ID", width="small"),
        "action": st.column_config.TextColumn("Action", width="large"),
        "owner": st.column_config.TextColumn("Owner"),
        "priority": st.column_config.TextColumn("Priority"),
        "deadline": st.column_config.DateColumn("Deadline", format="YYYY-MM-DD"),
        "ticket_url": st.column_config.LinkColumn("Ticket URL", validate=r"^https?://.+"),
        "tracked_in_app": st.column_config.CheckboxColumn("Tracked here"),
        "status": st.column_config.SelectboxColumn("Status", options=[s.value for s in ActionStatus], required=True),
    },
)
if not readonly:
    with widgets.reporting_errors():
        saved = postmortem_service.set_action_states(pm, tables.actions_from_frame(edited, pm), actor=state.actor(),
                                                     now=deps.now(), repo=deps.repository())
    if saved is not pm:
        state.save(saved)
        st.rerun()
track_view.tracker_form(pm, readonly)

st.subheader("Weekly review")
track_view.weekly_review(pm, readonly)

st.subheader("Follow-up review (4 weeks after publication)")
track_view.follow_up(pm, readonly)

widgets.step_footer(STEP, state.postmortem() or pm)
