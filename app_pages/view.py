"""The read-only view behind a share link, for the review meeting: no editing, large type."""

import streamlit as st

from core.export import markdown, report_model
from ui import deps, reports, timeline_view, views

token = st.query_params.get("token", "")
link = deps.repository().resolve_share_link(token) if token else None
if link is None or link.pm_id != st.query_params.get("pm"):
    st.error("This link is no longer valid. Ask the post-mortem's facilitator for a new one.")
    st.stop()

pm = deps.repository().get(link.pm_id)
views.large_type()
st.caption(f"Read-only view of {views.md(pm.id)} · status {pm.status.value} · all times UTC")
report = markdown.render(pm, now=deps.now())
# split at the section heading's own line: user text saying "## Timeline" is escaped, never a heading
head, timeline_heading, rest = report.partition(f"\n## {report_model.TIMELINE}\n")
st.markdown(views.on_screen(head))
timeline_view.shared_chart(pm)
st.markdown(views.on_screen(timeline_heading + rest))
st.download_button("Download the PDF", lambda: reports.pdf_report(pm), file_name=f"{pm.id}.pdf",
                   mime="application/pdf", on_click="ignore", icon=":material/picture_as_pdf:", key="view.pdf")
