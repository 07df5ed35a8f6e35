"""The browser harness of ``testing.browser``, under the name the tests have always imported."""

from testing.browser import CHROMIUM, ROOT, chromium, free_port, streamlit_server, wait_for_app

__all__ = ["CHROMIUM", "ROOT", "chromium", "free_port", "streamlit_server", "wait_for_app"]
