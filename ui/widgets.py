"""Shared screen parts: step header and footer with the gates, sidebar progress, error reporting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core import gates
from core.errors import ConflictError, PostmortemError, StaleWriteError
from core.models import PostMortem
from core.steps import Step
from ui import auth, deps, state, views

HOME_PAGE = "app_pages/home.py"


def page_path(step: Step) -> str:
    """Return the page file of ``step``."""
    return f"app_pages/{step.value}.py"


def require_postmortem() -> PostMortem:
    """Return the post-mortem in use, or explain how to pick one and stop the page."""
    pm = state.postmortem()
    if pm is None:
        st.info("No post-mortem is open. Pick one from the list, or start a new one.")
        st.page_link(HOME_PAGE, label="Go to the list of post-mortems", icon=":material/list:")
        st.stop()
    return pm


def step_header(step: Step) -> bool:
    """Draw the step's title and purpose; return True when the step is read-only for now.

    A step is read-only while an earlier step's hard gates fail: it shows what is there and points
    back to the first blocked step.
    """
    pm = require_postmortem()
    st.title(f"{step.label}")
    st.caption(f"{views.md(pm.id)} · {views.md(pm.title) or 'Untitled'} · status **{pm.status.value}**")
    st.markdown(step.purpose)
    message = state.notice()
    if message:
        st.success(views.md(message))
    blocked = gates.first_blocked_step(pm, now=deps.now(), before=step)
    if blocked is not None:
        st.warning(
            f"Step **{blocked.label}** is not finished yet, so this step is read-only for now. "
            "Finish that step first; its checklist says what is missing."
        )
        st.page_link(page_path(blocked), label=f"Go to {blocked.label}", icon=":material/arrow_back:",
                     query_params={"pm": pm.id})
        return True
    return False


def step_footer(step: Step, pm: PostMortem) -> None:
    """List the step's gates (failing ones with how to fix them) and the Next step button."""
    st.divider()
    results = gates.evaluate(pm, now=deps.now(), step=step)
    failing = [r for r in results if r.status == "fail"]
    st.subheader("Checklist for this step")
    for r in results:
        if r.status == "pass":
            st.markdown(f":green[:material/check_circle:] {r.gate.title}")
        elif r.status == "fail":
            st.error(f"**{r.gate.title}** — {views.md(r.message)}", icon=":material/cancel:")
        else:
            st.warning(f"**{r.gate.title}** (advice) — {views.md(r.message)}", icon=":material/warning:")
    following = step.next()
    if following is None:
        if not failing:
            st.success("Every step is complete. Thank you for closing the loop on this incident.")
        return
    if failing:
        st.caption(f"“Next step” unlocks when the {len(failing)} item(s) above in red are fixed.")
    if st.button(f"Next step: {following.label} →", type="primary", disabled=bool(failing),
                 key=state.widget_key(step, "next")):
        st.switch_page(page_path(following), query_params={"pm": pm.id})


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Show our errors in plain words; a refused stale save offers to re-apply or discard the change."""
    try:
        yield
    except StaleWriteError as exc:
        pm = state.postmortem()
        if pm is not None and exc.attempted is not None:
            state.set_conflict(pm, exc.attempted)
        conflict_panel(exc)
        st.stop()
    except PostmortemError as exc:
        st.error(views.md(str(exc)), icon=":material/error:")  # messages quote user text and server answers
        st.stop()


def conflict_panel(error: StaleWriteError | None = None) -> None:
    """Name each field both people changed, show both texts, and let the user keep theirs or put theirs in place."""
    pending = state.conflict()
    if pending is None:
        return
    clashes = error.conflicts if isinstance(error, ConflictError) else ()
    with st.container(border=True):
        if clashes:
            st.error("**Two people changed the same thing.** Your text was not saved, and theirs was not "
                     "overwritten: choose which one stays.", icon=":material/sync_problem:")
            for clash in clashes:
                st.markdown(f"**{views.md(clash.label)}** was changed by {views.md(clash.actor)} at "
                            f"{clash.at:%H:%M} UTC.")
                theirs, mine = st.columns(2)
                theirs.caption("Theirs (saved)")
                theirs.text(clash.theirs)
                mine.caption("Yours (not saved)")
                mine.text(clash.mine)
        else:
            st.error("**Someone else saved this post-mortem while you were publishing.** Nothing was published: "
                     "look at their change, then publish again.", icon=":material/sync_problem:")
        left, right = st.columns(2)
        if left.button("Keep theirs", type="primary", key="conflict.drop"):
            state.resolve_conflict(keep_mine=False)
            st.rerun()
        if clashes and right.button("Put mine in place of theirs", key="conflict.keep"):
            with reporting_errors():
                state.resolve_conflict(keep_mine=True)
            st.rerun()


def sidebar(current: str, where: DeltaGenerator) -> None:
    """Draw the step list with each step's state (done / current / blocked) and what is missing."""
    with where:
        st.page_link(HOME_PAGE, label="All post-mortems", icon=":material/home:")
        st.page_link("app_pages/insights.py", label="Insights across post-mortems", icon=":material/insights:")
        pm = state.postmortem()
        if pm is not None:
            st.markdown(f"**{views.md(pm.id)}**  \n{views.md(pm.title) or 'Untitled'}  \nStatus: **{pm.status.value}**")
            now = deps.now()
            blocked_seen = False
            for step in Step:
                failing = gates.failed_gates(pm, step, now=now)
                if blocked_seen:
                    icon, note = ":material/lock:", "blocked by an earlier step"
                elif failing:
                    icon, note = ":material/radio_button_unchecked:", "to do: " + failing[0].gate.title.lower()
                    blocked_seen = True
                else:
                    icon, note = ":material/check_circle:", "done"
                if current == step.value:
                    icon = ":material/arrow_right:"
                st.page_link(page_path(step), label=step.label, icon=icon, query_params={"pm": pm.id})
                st.caption(note)
            state.follow_latest()
        st.divider()
        if auth.signed_in_name():
            auth.account_box()
            return
        name = st.text_input("Your name or @handle", value=state.actor() if state.actor() != "anonymous" else "",
                             key="sidebar.actor", help="Recorded in the change history next to your edits.")
        state.set_actor(name)
