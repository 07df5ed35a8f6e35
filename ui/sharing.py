"""The report step's share links: create one, show its address once, list and revoke them."""

from __future__ import annotations

import streamlit as st

from core import postmortem_service
from core.export import qr
from core.models import PostMortem, ShareLink
from core.steps import Step
from ui import auth, deps, state, views, widgets

STEP = Step.REPORT


def share_links(pm: PostMortem, readonly: bool) -> None:
    """Draw the read-only links of ``pm`` for the review meeting; a new one's address is shown only once.

    Creating and revoking links is audited, and only for the operator's editors when EDITORS is set.
    """
    refusal = auth.publishing_refusal(deps.settings().editors)
    if refusal:
        st.caption(views.md(refusal))
    locked = readonly or refusal is not None
    actor, now, repo = state.actor(), deps.now(), deps.repository()
    new = state.new_share_link(pm.id)
    if new is not None:
        _new_link(new)
    links = deps.repository().share_links(pm.id)
    for link in links:
        left, right = st.columns([4, 1], vertical_alignment="center")
        when = f"created {link.created_at:%Y-%m-%d %H:%M} UTC"
        if link.active:
            kind = ":violet-badge[public version] " if link.public else ""
            left.markdown(f":material/link: Link `{link.id[:8]}` · {when} · {kind}:green-badge[active]")
            if right.button("Revoke this link", key=state.widget_key(STEP, f"revoke-{link.id}"), disabled=locked):
                with widgets.reporting_errors():
                    postmortem_service.revoke_share_link(pm, link.id, actor=actor, now=now, repo=repo, refusal=refusal)
                if new is not None and new.id == link.id:
                    state.set_new_share_link(None)
                st.rerun()
        else:
            left.markdown(f":material/link_off: Link `{link.id[:8]}` · {when} · "
                          f":gray-badge[revoked {link.revoked_at:%Y-%m-%d %H:%M} UTC]")
    left, right = st.columns(2)
    for column, public in ((left, False), (right, True)):
        label = "Create public share link" if public else "Create share link"
        help_text = ("Opens the public version: people as roles, internal parts left out, hosts, addresses and "
                     "tokens masked (review them under “Review and download the public version”)." if public else
                     "Opens the whole report, read-only, for people inside the company.")
        if column.button(label, key=state.widget_key(STEP, "share-public" if public else "share"), help=help_text,
                         icon=":material/public:" if public else ":material/add_link:", disabled=locked):
            with widgets.reporting_errors():
                state.set_new_share_link(postmortem_service.create_share_link(
                    pm, actor=actor, now=now, repo=repo, refusal=refusal, public=public))
            st.rerun()


def _new_link(link: ShareLink) -> None:
    with st.container(border=True):
        st.warning(
            "**Copy this link now: it is shown only once.** The wizard keeps only a fingerprint of it, so it "
            "cannot show it again. If it is lost, create a new one and revoke this one.", icon=":material/key:")
        url = views.share_url(deps.public_url(), link)
        if link.public:
            st.info("This link opens the **public version** only.", icon=":material/public:")
        text, code = st.columns([3, 1], vertical_alignment="center")
        with text:
            st.markdown("**The read-only page** (the copy button is at its right):")
            st.code(url, language=None)
            st.caption("For the meeting-room screen, presentation mode shows one section per screen (← → keys): "
                       "the same link with &present=1 at its end.")
            st.link_button("Open presentation mode", url + "&present=1", icon=":material/slideshow:")
        code.image(qr.png(url), caption="Scan to follow on a phone", width=180)
        if st.button("I have copied it: hide the link", key=state.widget_key(STEP, f"hide-{link.id}")):
            state.set_new_share_link(None)
            st.rerun()
