"""The Factors step's similar past incidents: what they share and how their action items turned out."""

from __future__ import annotations

import streamlit as st

from core import similar
from core.models import PostMortem
from core.steps import Step
from ui import deps, state, views


def similar_incidents(pm: PostMortem) -> None:
    """Draw, on request, the earlier post-mortems that share services, factor categories or alert names."""
    # loading every post-mortem is the costly part: only when asked, not on each rerun of the step
    if not st.toggle("Show similar past incidents", key=state.widget_key(Step.FACTORS, "similar"),
                     help="Earlier post-mortems that share services, factor categories or alert names, with what "
                          "their action items achieved."):
        return
    found = similar.similar_incidents(pm, deps.repository().list_all())
    if not found:
        st.info("No earlier post-mortem shares a service, a factor category or an alert with this one.")
    for match in found:
        with st.container(border=True):
            st.markdown(f"**[{views.md(match.title)}](/factors?pm={match.pm_id})** · {match.start:%Y-%m-%d} · "
                        f"{views.md(match.pm_id)}")
            st.markdown(f"Shares {views.md(match.reasons)}")
            lines = [f"- {views.md(a.id)}: {views.md(a.action)} — **{views.md(a.outcome)}**" for a in match.actions]
            st.markdown("\n".join(lines) or "_No action items were recorded._")
