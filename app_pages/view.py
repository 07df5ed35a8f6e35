"""The read-only view behind a share link, for the review meeting: no editing, large type."""

import streamlit as st

from core.export import markdown
from ui import deps, views

token = st.query_params.get("token", "")
link = deps.repository().resolve_share_link(token) if token else None
if link is None or link.pm_id != st.query_params.get("pm"):
    st.error("This link is no longer valid. Ask the post-mortem's facilitator for a new one.")
    st.stop()

pm = deps.repository().get(link.pm_id)
views.large_type()
st.caption(f"Read-only view of {pm.id} · status {pm.status.value}")
st.markdown(markdown.render(pm, now=deps.now()))
