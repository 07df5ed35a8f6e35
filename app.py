"""Router: page config, the post-mortem named in the URL, navigation and the sidebar progress."""

import streamlit as st

from core.steps import Step
from ui import auth, state, views, widgets

st.set_page_config(page_title="Postmortem Wizard", page_icon="📝", layout="wide")
state.init()

home = st.Page(widgets.HOME_PAGE, title="Post-mortems", icon=":material/home:", default=True)
steps = [st.Page(widgets.page_path(step), title=step.label, url_path=step.value) for step in Step]
insights = st.Page("app_pages/insights.py", title="Insights", url_path="insights")
view = st.Page("app_pages/view.py", title="Shared post-mortem", url_path="view")
page = st.navigation([home, *steps, insights, view], position="hidden")

# the last line of defence: an error of ours that no page catches (the database down while the sidebar
# reads it, say) is shown in plain words, not as a traceback
with widgets.reporting_errors():
    if page.url_path == "view":
        page.run()
    else:
        auth.require_sign_in()
        problem = state.sync_with_url()
        if problem:
            st.error(views.md(problem), icon=":material/search_off:")  # it quotes the ?pm= of the URL
        slot = st.sidebar.container()
        try:
            page.run()
        finally:
            # drawn after the page, so each step's state already counts the edit this run saved
            widgets.sidebar(page.url_path, slot)
