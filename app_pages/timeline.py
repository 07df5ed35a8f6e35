"""Step 3: one ordered UTC timeline with its milestones, durations and the incident chart."""

import streamlit as st

from core import postmortem_service, time_range, timeline
from core.models import EventKind, Milestone
from core.steps import Step
from ui import deps, state, tables, timeline_view, widgets

STEP = Step.TIMELINE
readonly = widgets.step_header(STEP)
pm = widgets.require_postmortem()
key = state.widget_key

zone = timeline_view.zone_picker(key(STEP, "zone"))
timeline_view.chart(pm, readonly, zone)
timeline_view.suggestions(pm, readonly)
timeline_view.skews(pm, readonly)

st.subheader("Events")
st.markdown(
    f"One row per moment, shown in **{zone}** (stored in UTC). *Actor* is `-` for something observed, `System` "
    "for automation, or the person who acted. Mark milestones in the **Milestone** column; star the rows the "
    "report must show; hide rows that are noise. Add a row at the bottom of the table."
)
milestones = [tables.NO_MILESTONE, *(m.value for m in Milestone)]
edited = st.data_editor(
    tables.events_frame(pm),
    key=key(STEP, f"events-v{pm.version}-{zone}"),
    num_rows="dynamic",
    disabled=readonly or ["id"],
    hide_index=True,
    width="stretch",
    column_order=["time", "event", "source", "actor", "milestone", "kind", "starred", "hidden"],
    column_config={
        "time": st.column_config.DatetimeColumn(f"Time ({zone})", format="YYYY-MM-DD HH:mm:ss", timezone=zone,
                                                step=1, required=True, min_value=time_range.EARLIEST,
                                                max_value=time_range.LATEST),
        "event": st.column_config.TextColumn("Event", required=True, width="large"),
        "source": st.column_config.TextColumn("Source", required=True, help="Where the fact comes from"),
        "actor": st.column_config.TextColumn("Actor", default="-", help="-, System or a person"),
        "milestone": st.column_config.SelectboxColumn(
            "Milestone", options=milestones, default=tables.NO_MILESTONE,
            format_func=lambda v: Milestone(v).label if v != tables.NO_MILESTONE else v),
        "kind": st.column_config.SelectboxColumn("Kind", options=[k.value for k in EventKind],
                                                 default=EventKind.MANUAL.value),
        "starred": st.column_config.CheckboxColumn("★ In report", default=False),
        "hidden": st.column_config.CheckboxColumn("Hidden", default=False),
    },
)
na_options = [m for m in Milestone if m.optional]
not_applicable = st.multiselect(
    "Milestones that do not apply to this incident", na_options, default=list(pm.not_applicable),
    format_func=lambda m: m.label, disabled=readonly, key=key(STEP, "not-applicable"),
    help="For example, a near miss may have nobody paged to acknowledge it.")

if not readonly:
    with widgets.reporting_errors():
        events = tables.events_from_frame(edited, pm)
        saved = postmortem_service.set_timeline(pm, events, not_applicable=not_applicable, actor=state.actor(),
                                                now=deps.now(), repo=deps.repository())
    if saved is not pm:
        state.save(saved)
        st.rerun()

for d in timeline.durations(pm):
    st.markdown(f"**{d.name}:** {d.sentence}")
widgets.step_footer(STEP, pm)
