"""Serve the wizard with the HTTP headers a browser needs to refuse framing: ``streamlit run serve.py``.

``app.py`` is the router script; this file wraps it in ``st.App`` so every response carries
``Content-Security-Policy: frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` (no other site can
show the wizard inside a frame and trick a signed-in person into clicking).
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.headers import SecurityHeaders

app = st.App("app.py", middleware=[Middleware(SecurityHeaders)])
