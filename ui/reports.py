"""Report files for downloads and publishing, rendered on demand and cached per post-mortem content."""

from __future__ import annotations

import streamlit as st

from core import chart
from core.export import document, pdf
from core.models import PostMortem
from ui import deps


def pdf_report(pm: PostMortem) -> bytes:
    """Return the PDF report of ``pm``, rendered once for each content of the post-mortem."""
    return _pdf(document.dumps(pm))


@st.cache_data(max_entries=16, show_spinner="Preparing the PDF…")
def _pdf(text: str) -> bytes:
    pm = document.loads(text)
    return pdf.render(pm, now=deps.now(), chart_png=chart.chart_png(pm) if chart.has_data(pm) else None)
