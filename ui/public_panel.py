"""The Report step's public-version panel: what to leave out, the masks to review, the public downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import postmortem_service, public
from core.export import markdown
from core.models import PostMortem
from core.steps import Step
from ui import deps, reports, state, tables, views


def public_version_panel(pm: PostMortem, *, readonly: bool) -> PostMortem:
    """Draw the marks, the review of masks and findings, and the public downloads; return the saved post-mortem."""
    key = state.widget_key
    st.caption("A version for people outside the company: what you mark internal is left out, people are named "
               "by their role, and e-mail addresses, IPs, internal hosts, ticket links and tokens are masked. "
               "Review the masks below before you share it.")
    fields = st.multiselect("Report parts to leave out", list(public.INTERNAL_FIELDS), default=[
        f for f in pm.internal_fields if f in public.INTERNAL_FIELDS], format_func=public.INTERNAL_FIELDS.__getitem__,
        disabled=readonly, key=key(Step.REPORT, f"internal-fields-v{pm.version}"))
    events = st.multiselect("Timeline events to leave out", [e.id for e in pm.events],
                            default=[e.id for e in pm.events if e.internal], disabled=readonly,
                            format_func=lambda event_id: tables.event_label(pm, event_id),
                            key=key(Step.REPORT, f"internal-events-v{pm.version}"))
    factors = st.multiselect("Contributing factors to leave out", [f.id for f in pm.factors],
                             default=[f.id for f in pm.factors if f.internal], disabled=readonly,
                             format_func=lambda factor_id: _factor_label(pm, factor_id),
                             key=key(Step.REPORT, f"internal-factors-v{pm.version}"))
    if not readonly:
        saved = postmortem_service.set_internal(pm, fields=fields, event_ids=events, factor_ids=factors,
                                                actor=state.actor(), now=deps.now(), repo=deps.repository())
        if saved is not pm:
            state.save(saved)
            st.rerun()
    checked = public.review(pm)
    st.markdown(f"**{len(checked.masks)} replacements to review**")
    if checked.masks:
        st.dataframe(pd.DataFrame([{"found": m.original, "shown as": m.replacement, "kind": m.kind,
                                    "where": "; ".join(m.where)} for m in checked.masks]),
                     hide_index=True, width="stretch")
    if checked.withheld:
        st.markdown("**Left out:** " + views.md(", ".join(checked.withheld)))
    for field, finding in checked.findings:
        st.warning(f"Public version, {views.md(field)}: “…{views.md(finding.text)}…” — {views.md(finding.why)}",
                   icon=":material/warning:")
    left, right = st.columns(2)
    left.download_button("Download public Markdown", lambda: markdown.render(pm, now=deps.now(), public=True),
                         file_name=f"{pm.id}-public.md", mime="text/markdown", on_click="ignore",
                         key=key(Step.REPORT, "download-public-md"), icon=":material/public:")
    right.download_button("Download public PDF", lambda: reports.public_pdf_report(pm),
                          file_name=f"{pm.id}-public.pdf", mime="application/pdf", on_click="ignore",
                          key=key(Step.REPORT, "download-public-pdf"), icon=":material/public:")
    return pm


def _factor_label(pm: PostMortem, factor_id: str) -> str:
    factor = next((f for f in pm.factors if f.id == factor_id), None)
    return f"{factor_id}: {factor.text[:60]}" if factor else factor_id
