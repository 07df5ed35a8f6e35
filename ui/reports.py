"""Report files for downloads and publishing, rendered on demand and cached per post-mortem content."""

from __future__ import annotations

import streamlit as st

from core import chart
from core.export import document, pdf
from core.models import PostMortem
from core.public import public_version
from ui import deps


def pdf_report(pm: PostMortem) -> bytes:
    """Return the PDF report of ``pm``, rendered once for each content of the post-mortem."""
    return _pdf(document.dumps(pm))


def public_pdf_report(pm: PostMortem) -> bytes:
    """Return the public version's PDF report of ``pm`` (``core.public``), rendered once per content."""
    return _pdf(document.dumps(pm), public=True)


@st.cache_data(max_entries=16, show_spinner="Preparing the PDF…")
def _pdf(text: str, public: bool = False) -> bytes:
    pm = document.loads(text)
    shown = public_version(pm) if public else pm
    return pdf.render(pm, now=deps.now(), chart_png=chart.chart_png(shown) if chart.has_data(shown) else None,
                      public=public)
