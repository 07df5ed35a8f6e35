"""The timeline step's panels: time zone, chart with selection, milestone suggestions, clock skew."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import available_timezones

import altair as alt
import streamlit as st

from core import chart as charts
from core import postmortem_service, report_text, timeline
from core.models import EventKind, PostMortem, TimelineEvent
from core.steps import Step
from ui import deps, state, views, widgets

STEP = Step.TIMELINE


def zone_picker(key: str) -> str:
    """Let the reader see times in another zone (the browser's is offered); storage stays UTC."""
    browser = st.context.timezone or "UTC"
    options = ["UTC", *([browser] if browser != "UTC" else []),
               *sorted(z for z in available_timezones() if "/" in z and z != browser)]
    return st.selectbox("Show times in", options, key=key, help="Only for reading: everything is stored and "
                        "exported in UTC.")


def incident_chart(pm: PostMortem, zone: str = "UTC", *, interactive: bool = True) -> alt.VConcatChart:
    """Return the chart of ``pm``, built once per post-mortem version and zone (building takes a moment).

    ``interactive=False`` (the shared view): no zoom, pan or selection, which a meeting does not need.
    """
    return _chart(pm.id, pm.version, zone, interactive, pm)


def clear_caches() -> None:
    """Forget the charts and menus built so far (they are keyed by post-mortem id and version)."""
    _chart.clear()
    _menu.clear()


@st.cache_resource(max_entries=32, show_spinner=False)
def _chart(pm_id: str, version: int, zone: str, interactive: bool,  # noqa: ARG001 (they key it)
           _pm: PostMortem) -> alt.VConcatChart:
    return charts.timeline_chart(_pm, zone=zone, interactive=interactive)


@st.cache_resource(max_entries=32, show_spinner=False)
def _menu(pm_id: str, version: int, _pm: PostMortem  # noqa: ARG001 (they key it)
          ) -> tuple[tuple[charts.ChartSeries, ...], list[str], tuple[str, ...]]:
    """Return every series described, the keys shown and the keys of the default view (scoring takes a moment)."""
    described = charts.describe(_pm)
    default = charts.default_keys(described, charts.impact_window(_pm))
    by_key = {s.key for s in described}
    saved = [k for k in _pm.chart_series if k in by_key]
    return described, saved or list(default), default


def series_picker(pm: PostMortem, readonly: bool) -> None:
    """Offer every series, grouped by source, one click away; the choice is saved with the post-mortem."""
    described, shown, default = _menu(pm.id, pm.version, pm)
    if not described:
        return
    groups: dict[str, list[charts.ChartSeries]] = {}
    for s in described:
        groups.setdefault(s.source, []).append(s)
    titles = {s.key: s.title for s in described}
    label = f"Series on the chart: {len(shown)} of {len(described)}" + ("" if pm.chart_series else " (default)")
    with st.popover(label, icon=":material/stacked_line_chart:", disabled=readonly):
        st.caption("By default the chart shows the series that changed most around impact: user-facing errors, "
                   "traffic, then the saturation or latency signal that moved.")
        picked: list[str] = []
        for source, members in groups.items():
            picked += st.multiselect(source, [s.key for s in members], default=[s.key for s in members
                                                                               if s.key in shown],
                                     format_func=titles.__getitem__,
                                     key=state.widget_key(STEP, f"series-{source}-v{pm.version}"))
        reset = st.button("Back to the default choice", disabled=not pm.chart_series,
                          key=state.widget_key(STEP, f"series-default-v{pm.version}"))
    chosen = set(picked)
    if readonly or (not reset and chosen == set(shown)):
        return
    # the panels keep their order; newly picked series go below them
    keys = [] if reset else [k for k in shown if k in chosen] + [k for k in picked if k not in shown]
    keys = [] if set(keys) == set(default) else keys
    if tuple(keys) != pm.chart_series:
        with widgets.reporting_errors():
            state.save(postmortem_service.set_chart_series(pm, keys, actor=state.actor(), now=deps.now(),
                                                           repo=deps.repository()))
        st.rerun()


def chart(pm: PostMortem, readonly: bool, zone: str = "UTC") -> None:
    """Draw the incident chart; a stretch selected with shift-drag can become a timeline event."""
    if not charts.has_data(pm):
        st.info("The chart appears when metrics, alerts or events are gathered.")
        return
    series_picker(pm, readonly)
    st.caption("Drag to pan, scroll to zoom, shift-drag to select a moment and add an event there. The chart's axis "
               "is UTC" + ("." if zone == "UTC" else f"; hovering a line shows the time in {zone} too."))
    picked = st.altair_chart(incident_chart(pm, zone), on_select="rerun",
                             selection_mode=["window"], key=state.widget_key(STEP, f"chart-v{pm.version}"))
    st.caption(views.md(charts.story(pm)))  # the chart's text alternative, for everyone
    window = picked.selection.get("window", {}) if picked else {}
    bounds = next(iter(window.values()), None) if isinstance(window, dict) else None
    if not bounds or readonly:
        return
    moment = datetime.fromtimestamp(min(bounds) / 1000, tz=UTC).replace(microsecond=0)
    with st.form(state.widget_key(STEP, "chart-event"), clear_on_submit=True):
        st.markdown(f"**Add an event at {moment:%H:%M:%S} UTC** (the start of the selection)")
        text = st.text_input("What happened")
        source = st.text_input("Source", value="chart")
        if st.form_submit_button("Add to the timeline") and text.strip():
            event = TimelineEvent(id=postmortem_service.next_event_id(pm), time=moment, event=text.strip(),
                                  source=source.strip() or "chart", kind=EventKind.MANUAL)
            with widgets.reporting_errors():
                state.save(postmortem_service.set_timeline(pm, [*pm.events, event], not_applicable=pm.not_applicable,
                                                           actor=state.actor(), now=deps.now(),
                                                           repo=deps.repository()))
            st.rerun()


def suggestions(pm: PostMortem, readonly: bool) -> None:
    """Offer the milestones found in the data that the timeline does not mark yet."""
    proposed = timeline.suggest_milestones(pm)
    missing = {m: s for m, s in proposed.items() if s is not None and pm.milestone_time(m) is None}
    if not missing:
        return
    with st.container(border=True):
        st.markdown("**Suggested milestones** from the gathered data — check them, then accept:")
        for milestone, s in missing.items():
            st.markdown(f"- **{milestone.label}** at {s.time:%H:%M:%S} UTC — {views.md(s.source)}: "
                        f"{views.md(s.reason)}")
        if st.button("Accept these milestones", disabled=readonly, key=state.widget_key(STEP, "accept")):
            with widgets.reporting_errors():
                accepted = timeline.accept_milestones(pm, missing)
                state.save(postmortem_service.commit(pm, accepted, actor=state.actor(), now=deps.now(),
                                                     repo=deps.repository(), summary="accepted suggested milestones"))
            st.rerun()


def skews(pm: PostMortem, readonly: bool) -> None:
    """Flag sources whose clock looks off by whole hours, with a one-click shift."""
    for skew in timeline.detect_skew(pm):
        with st.container(border=True):
            st.warning(views.md(skew.reason), icon=":material/schedule:")
            shift = report_text.format_duration(skew.offset)
            if st.button(f"Shift “{views.md(skew.source)}” by {shift}", disabled=readonly,
                         key=state.widget_key(STEP, f"shift-{skew.source}")):
                with widgets.reporting_errors():
                    shifted = timeline.shift_source(pm, skew.source, skew.offset)
                    state.save(postmortem_service.commit(pm, shifted, actor=state.actor(), now=deps.now(),
                                                         repo=deps.repository(),
                                                         summary=f"shifted {skew.source} by {shift}"))
                st.rerun()


def shared_chart(pm: PostMortem) -> None:
    """Draw the incident chart without selection (the read-only view) when there is anything to draw."""
    if charts.has_data(pm):
        st.altair_chart(incident_chart(pm, interactive=False))
        st.caption(views.md(charts.story(pm)))  # the chart's text alternative, for everyone
