"""The only module touching ``st.session_state``: the post-mortem in use, widget keys, conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from core import postmortem_service
from core.errors import NotFoundError
from core.models import PostMortem, ShareLink
from core.steps import Step
from ui import auth, deps

T = TypeVar("T")

_PM = "pm"
_GENERATION = "generation"
_CONFLICT = "conflict"
_ACTOR = "actor"
_NOTICE = "notice"
_NEW_SHARE_LINK = "new_share_link"


@dataclass(frozen=True)
class Conflict:
    """A change of this session that was refused because someone else saved first."""

    base: PostMortem
    mine: PostMortem


def init() -> None:
    """Set up this browser session's state (called once per run by the router)."""
    st.session_state.setdefault(_PM, None)
    st.session_state.setdefault(_GENERATION, 0)
    st.session_state.setdefault(_CONFLICT, None)
    st.session_state.setdefault(_ACTOR, "")
    st.session_state.setdefault(_NOTICE, None)
    st.session_state.setdefault(_NEW_SHARE_LINK, None)


def sync_with_url() -> str | None:
    """Load the post-mortem named by ``?pm=`` (or keep the session's one in the URL); return a problem."""
    wanted = st.query_params.get("pm")
    current: PostMortem | None = st.session_state[_PM]
    if wanted and (current is None or current.id != wanted):
        try:
            _set_pm(deps.repository().get(wanted))
        except NotFoundError as exc:
            st.session_state[_PM] = None
            return str(exc)
    elif not wanted and current is not None:
        st.query_params["pm"] = current.id
    return None


def postmortem() -> PostMortem | None:
    """Return the post-mortem this session works on, or None."""
    pm: PostMortem | None = st.session_state[_PM]
    return pm


def open_postmortem(pm: PostMortem) -> None:
    """Switch this session to ``pm`` (fresh widgets) and name it in the URL."""
    _set_pm(pm)
    st.query_params["pm"] = pm.id


def close_postmortem() -> None:
    """Forget the post-mortem in use (back to the list)."""
    st.session_state[_PM] = None
    st.session_state[_CONFLICT] = None
    st.query_params.pop("pm", None)


def save(pm: PostMortem) -> None:
    """Keep ``pm`` (just saved by a core call) as this session's current version.

    When the save merged in changes others made meanwhile, the page is drawn again from the merged version
    (after a notice of who changed what): the edit is already stored, so nothing typed is lost.
    """
    current: PostMortem | None = st.session_state[_PM]
    st.session_state[_PM] = pm
    if current is not None and current.id == pm.id and pm.version > current.version + 1:
        _announce_changes(pm.id, current.version, skip_version=pm.version)
        refresh_widgets()
        st.rerun()


def follow_latest() -> None:
    """Show what others saved since this page was drawn (with who changed what), unless a conflict waits.

    Called after the page has read and saved its widgets, so redrawing them loses nothing.
    """
    pm = postmortem()
    if pm is None or conflict() is not None or not stored_version_is_newer():
        return
    latest = deps.repository().get(pm.id)
    _announce_changes(pm.id, pm.version, skip_version=None)
    st.session_state[_PM] = latest
    refresh_widgets()
    st.rerun()


def _announce_changes(pm_id: str, since: int, *, skip_version: int | None) -> None:
    by_actor: dict[str, list[str]] = {}
    for change in deps.repository().changes_since(pm_id, since):
        if change.version == skip_version or change.path[0] == "telemetry":
            continue
        labels = by_actor.setdefault(change.actor, [])
        if change.label not in labels:
            labels.append(change.label)
    if by_actor:
        set_notice("Updated with changes saved meanwhile: " + "; ".join(
            f"{who} changed {', '.join(labels[:4])}{' and more' if len(labels) > 4 else ''}"
            for who, labels in by_actor.items()) + ".")


def reload() -> PostMortem:
    """Load the stored version, drop unsaved widget values and any conflict."""
    current = postmortem()
    assert current is not None
    pm = deps.repository().get(current.id)
    _set_pm(pm)
    return pm


def widget_key(step: Step | str, field: str) -> str:
    """Return a widget key unique to the step, field, post-mortem and its load generation."""
    pm = postmortem()
    name = step.value if isinstance(step, Step) else step
    return f"{name}.{field}.{pm.id if pm else '-'}.{st.session_state[_GENERATION]}"


def refresh_widgets() -> None:
    """Make every widget start again from the stored values (after a reload or merge)."""
    st.session_state[_GENERATION] += 1


def stored_version_is_newer() -> bool:
    """Return True when someone else saved a newer version of the post-mortem in use."""
    pm = postmortem()
    if pm is None:
        return False
    try:
        return deps.repository().version_of(pm.id) > pm.version
    except NotFoundError:
        return False


def conflict() -> Conflict | None:
    """Return the refused change waiting for the user's decision, or None."""
    value: Conflict | None = st.session_state[_CONFLICT]
    return value


def set_conflict(base: PostMortem, mine: PostMortem) -> None:
    """Remember a refused change so the user can re-apply or discard it."""
    st.session_state[_CONFLICT] = Conflict(base, mine)


def resolve_conflict(*, keep_mine: bool) -> None:
    """Put the refused change in place of theirs on the newest version, or drop it; then refresh the widgets."""
    pending = conflict()
    st.session_state[_CONFLICT] = None
    latest = reload()
    if keep_mine and pending is not None:
        merged = postmortem_service.reapply(latest, pending.base, pending.mine)
        saved = postmortem_service.commit(latest, merged, actor=actor(), now=deps.now(), repo=deps.repository())
        st.session_state[_PM] = saved


def actor() -> str:
    """Return who is editing: the signed-in person, else the name typed in the sidebar, else "anonymous"."""
    signed_in = auth.signed_in_name()
    if signed_in:
        return signed_in
    name: str = st.session_state[_ACTOR]
    return name.strip() or "anonymous"


def set_actor(name: str) -> None:
    """Remember who is editing in this session."""
    st.session_state[_ACTOR] = name


def notice() -> str | None:
    """Return and clear a one-time message for the next run (e.g. "Post-mortem created")."""
    value: str | None = st.session_state[_NOTICE]
    st.session_state[_NOTICE] = None
    return value


def set_notice(message: str) -> None:
    """Show ``message`` once on the next run."""
    st.session_state[_NOTICE] = message


def new_share_link(pm_id: str) -> ShareLink | None:
    """Return the share link this session just created for ``pm_id`` (with its token), or None."""
    link: ShareLink | None = st.session_state[_NEW_SHARE_LINK]
    return link if link is not None and link.pm_id == pm_id else None


def set_new_share_link(link: ShareLink | None) -> None:
    """Keep a just-created share link, token included, for this session only; None forgets it."""
    st.session_state[_NEW_SHARE_LINK] = link


def remember(name: str, value: T) -> T:
    """Return the value stored under ``name`` for this session, storing ``value`` the first time."""
    stored: T = st.session_state.setdefault(f"remember.{name}", value)
    return stored


def _set_pm(pm: PostMortem) -> None:
    st.session_state[_PM] = pm
    st.session_state[_CONFLICT] = None
    st.session_state[_GENERATION] += 1
