"""The Report step's drafts: a button that drafts empty sections from the data, and each draft's sources."""

from __future__ import annotations

import streamlit as st

from core import postmortem_service, report_drafts
from core.models import PostMortem
from core.steps import Step
from ui import deps, state, views, widgets


def draft_button(pm: PostMortem, *, readonly: bool) -> None:
    """Draw "Draft from the data": it fills the empty Summary and Impact, never text someone typed."""
    empty = [name for name in report_drafts.SECTIONS if not getattr(pm.report, name).strip()]
    help_text = ("Writes a first Summary and Impact from the milestones, metric peaks, alerts and action items, "
                 "into the sections that are still empty. Check every number, then edit or accept it.")
    if st.button("Draft from the data", disabled=readonly or not empty, key=state.widget_key(Step.REPORT, "draft"),
                 help=help_text, icon=":material/edit_note:"):
        with widgets.reporting_errors():
            state.save(postmortem_service.fill_drafts(pm, empty, actor=state.actor(), now=deps.now(),
                                                      repo=deps.repository()))
        state.refresh_widgets()  # the text areas show the drafts, not what they held before
        st.rerun()


def draft_note(pm: PostMortem, section: str, text: str, *, readonly: bool) -> None:
    """Under a drafted section (``text`` as the box holds it): say it is a draft, list sources, offer to accept it."""
    if section not in report_drafts.SECTIONS or not report_drafts.is_draft(text):
        return
    st.warning("This is a draft written from the data. Check each number against its source below, then edit "
               "the text or accept it.", icon=":material/edit_note:")
    with st.expander("Where each number comes from", icon=":material/link:"):
        figures = report_drafts.draft(pm, section).figures
        st.markdown("\n".join(f"- **{views.md(f.value)}** ← {views.md(f.source)}" for f in figures))
    if st.button("Accept the draft", disabled=readonly, key=state.widget_key(Step.REPORT, f"accept-{section}")):
        with widgets.reporting_errors():
            state.save(postmortem_service.accept_draft(pm, section, actor=state.actor(), now=deps.now(),
                                                       repo=deps.repository()))
        state.refresh_widgets()
        st.rerun()
