"""Optional sign-in: when OIDC is configured in secrets ([auth]), editing requires it; share links never do."""

from __future__ import annotations

import contextlib

import streamlit as st

from ui import views


def configured() -> bool:
    """Return True when an OIDC provider is configured in ``.streamlit/secrets.toml``."""
    with contextlib.suppress(FileNotFoundError):
        return "auth" in st.secrets
    return False


def signed_in_name() -> str | None:
    """Return the signed-in person's name (or e-mail), or None when nobody is signed in."""
    if not configured() or not st.user.is_logged_in:
        return None
    name = st.user.get("name") or st.user.get("email") or st.user.get("sub")
    return str(name) if name else None


def require_sign_in() -> None:
    """Stop the page with a sign-in screen while OIDC is configured and nobody is signed in."""
    if not configured() or st.user.is_logged_in:
        return
    st.title("Postmortem Wizard")
    st.markdown("This wizard is shared by your team: **sign in** to open and edit post-mortems. "
                "Links shared for a review meeting work without signing in.")
    if st.button("Sign in", type="primary", icon=":material/login:", key="auth.login"):
        st.login()
    st.stop()


def account_box() -> None:
    """Show who is signed in, with a sign-out button (only when sign-in is configured)."""
    name = signed_in_name()
    if name is None:
        return
    st.caption(f"Signed in as **{views.md(name)}**")
    if st.button("Sign out", key="auth.logout", icon=":material/logout:"):
        st.logout()


def publishing_refusal(editors: tuple[str, ...]) -> str | None:
    """Return why this person may not publish or create/revoke share links, or None when they may.

    ``editors`` (the operator's EDITORS setting) names who may; it needs sign-in to know who is who.
    """
    if not editors:
        return None
    if not configured():
        return ("Publishing and share links are turned off: the operator named EDITORS but sign-in is not "
                "configured, so the wizard cannot tell who you are. Ask the operator to set up sign-in ([auth]).")
    who = {str(st.user.get(k) or "").strip().lower() for k in ("email", "name")} - {""}
    if who & set(editors):
        return None
    return (f"Only the editors named by the operator may publish and create or revoke share links; you are signed "
            f"in as {views.md(signed_in_name() or 'nobody')}. Ask one of them, or the operator to add you to EDITORS.")
