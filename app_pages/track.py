"""Step 7: tickets for the action items, the weekly review and the 4-week follow-up review."""

from datetime import timedelta

import streamlit as st

from core import postmortem_service
from core.export import ics
from core.models import ActionStatus, FollowUpReview
from core.steps import Step
from ui import deps, state, tables, widgets

STEP = Step.TRACK
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
key = state.widget_key

st.subheader("Tickets")
st.caption("Paste the tracker issue (GitHub or Jira URL) of each item, or tick “Tracked here” to follow it in "
           "this app. Update the status as work progresses.")
edited = st.data_editor(
    tables.actions_frame(pm), key=key(STEP, f"tickets-v{pm.version}"), hide_index=True, width="stretch",
    disabled=readonly or ["id", "action", "owner", "deadline", "priority"],
    column_order=["id", "action", "owner", "deadline", "priority", "ticket_url", "tracked_in_app", "status"],
    column_config={
        "id": st.column_config.TextColumn("ID", width="small"),
        "deadline": st.column_config.DateColumn("Deadline", format="YYYY-MM-DD"),
        "ticket_url": st.column_config.LinkColumn("Ticket URL", validate=r"^https?://.+"),
        "tracked_in_app": st.column_config.CheckboxColumn("Tracked here"),
        "status": st.column_config.SelectboxColumn("Status", options=[s.value for s in ActionStatus], required=True),
    },
)

st.subheader("Weekly review")
first_review = (deps.now() + timedelta(days=7 - deps.now().weekday())).date()
calendar = ics.render(pm, first_review=first_review, created_at=deps.now(), public_url=deps.settings().public_url)
issued = pm.weekly_review_issued_at
if st.download_button("Download the review calendar (.ics)", calendar, file_name=f"{pm.id}-reviews.ics",
                      mime="text/calendar", key=key(STEP, "ics"), icon=":material/event:", disabled=readonly):
    issued = issued or deps.now()
if issued is not None:
    st.caption(f"Calendar issued on {issued:%Y-%m-%d}: weekly review every Monday 09:30 UTC from "
               f"{first_review:%Y-%m-%d}.")

st.subheader("Follow-up review")
follow_up = pm.follow_up
if pm.published_at is None:
    st.info("The follow-up review is scheduled four weeks after the report is published.")
else:
    default = follow_up.scheduled_for if follow_up else (pm.published_at + timedelta(weeks=4)).date()
    when = st.date_input("Follow-up review on", value=default, disabled=readonly, key=key(STEP, "followup"))
    follow_up = FollowUpReview(scheduled_for=when, held_on=follow_up.held_on if follow_up else None,
                               outcomes=follow_up.outcomes if follow_up else ())

if not readonly:
    with widgets.reporting_errors():
        saved = postmortem_service.update_tracking(pm, tables.actions_from_frame(edited, pm),
                                                   weekly_review_issued_at=issued, follow_up=follow_up,
                                                   actor=state.actor(), now=deps.now(), repo=deps.repository())
    if saved is not pm:
        state.save(saved)
        st.rerun()

widgets.step_footer(STEP, pm)
