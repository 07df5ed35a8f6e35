"""The read-only view behind a share link, for the review meeting: no editing, large type."""

import streamlit as st

from ui import deps, presentation, reports, views

token = st.query_params.get("token", "")
link = deps.repository().resolve_share_link(token) if token else None
if link is None or link.pm_id != st.query_params.get("pm"):
    st.error("This link is no longer valid. Ask the post-mortem's facilitator for a new one.")
    st.stop()

pm = deps.repository().get(link.pm_id)
views.large_type()
presentation.view(pm.id, token, present=st.query_params.get("present") == "1")
render = reports.public_pdf_report if link.public else reports.pdf_report
st.download_button("Download the PDF", lambda: render(deps.repository().get(pm.id)),
                   file_name=f"{pm.id}{'-public' if link.public else ''}.pdf",
                   mime="application/pdf", on_click="ignore", icon=":material/picture_as_pdf:", key="view.pdf")
