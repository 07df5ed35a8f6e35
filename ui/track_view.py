"""The track step's panels: tracker issues, the weekly review calendar and the follow-up review."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from core import ids, postmortem_service
from core.export import ics
from core.models import ItemOutcome, Outcome, PostMortem, Priority, TrackerSettings
from core.settings import ConnectionKind
from core.steps import Step
from core.trackers import sync
from core.trackers.base import ItemResult, TicketOutcome
from ui import deps, state, views, widgets

STEP = Step.TRACK


def tracker_form(pm: PostMortem, readonly: bool) -> None:
    """Create or update one tracker issue per action item, and read their status back."""
    key = state.widget_key
    current = pm.tracker or TrackerSettings(kind="github", target="")
    settings = deps.settings()
    with st.container(border=True):
        st.markdown("**Tracker issues** — one per action item, created once and updated when items change.")
        kind = st.radio("Tracker", ["github", "jira"], index=0 if current.kind == "github" else 1, horizontal=True,
                        format_func={"github": "GitHub", "jira": "Jira Cloud"}.__getitem__, disabled=readonly,
                        key=key(STEP, "tracker-kind"))
        servers = settings.connections_of(ConnectionKind.JIRA if kind == "jira" else ConnectionKind.GITHUB)
        if not servers:
            st.info(f"No {'Jira' if kind == 'jira' else 'GitHub'} server is configured, so issues cannot be created "
                    "from here. Ask whoever runs the wizard to add one (README, “Connections”), or paste each "
                    "issue's address in the table above, or tick “Tracked here”.")
            return
        names = [c.name for c in servers]
        left, right = st.columns(2)
        server = right.selectbox("Server", names, index=names.index(current.connection)
                                 if current.connection in names else 0, disabled=readonly,
                                 format_func={c.name: c.label for c in servers}.__getitem__,
                                 key=key(STEP, "tracker-server"), help="Servers are configured by the operator; "
                                 "the token is only ever sent to the server it belongs to.")
        target = left.text_input("Repository (owner/repo)" if kind == "github" else "Jira project key",
                                 value=current.target, disabled=readonly, key=key(STEP, "tracker-target"))
        owners = sorted({a.owner for a in pm.actions if a.owner})
        known = dict(current.logins)
        logins = st.data_editor(
            pd.DataFrame({"owner": owners, "login": [known.get(o, "") for o in owners]}),
            key=key(STEP, f"logins-v{pm.version}"), hide_index=True, disabled=readonly or ["owner"],
            column_config={"owner": "Action owner", "login": "GitHub login / Jira accountId (for the assignee)"},
        )
        chosen = TrackerSettings(kind=kind, target=target.strip(), connection=server,
                                 logins=tuple((o, str(lg).strip()) for o, lg in zip(logins["owner"], logins["login"],
                                                                                    strict=True) if str(lg).strip()))
        if not readonly and chosen != pm.tracker and chosen.target:
            with widgets.reporting_errors():
                state.save(postmortem_service.set_tracker(pm, chosen, actor=state.actor(), now=deps.now(),
                                                          repo=deps.repository()))
            st.rerun()  # the tables are keyed by version: redraw them on the saved one
        create, refresh = st.columns(2)
        if create.button("Create or update the issues", type="primary", disabled=readonly or not chosen.target,
                         key=key(STEP, "tickets")):
            _run(pm, chosen, create=True)
        if refresh.button("Read status back from the tracker", disabled=readonly or not chosen.target,
                          key=key(STEP, "sync")):
            _run(pm, chosen, create=False)


def _run(pm: PostMortem, chosen: TrackerSettings, *, create: bool) -> None:
    with widgets.reporting_errors(), st.spinner("Talking to the tracker…"):
        client = deps.tracker(chosen)
        if create:
            pm_url = f"{deps.public_url()}/track?pm={ids.url_value(pm.id)}"
            changed, results = sync.create_tickets(pm, client, pm_url=pm_url, logins=dict(chosen.logins),
                                                   now=deps.now())
        else:
            changed, results = sync.sync_status(pm, client, now=deps.now())
        # the successes are kept even when some items failed: a retry completes the rest
        saved = postmortem_service.set_action_states(pm, changed.actions, actor=state.actor(), now=deps.now(),
                                                     repo=deps.repository(), summary=_summary(results))
        state.save(saved)
    state.set_notice(_summary(results))
    st.rerun()


def _summary(results: list[ItemResult]) -> str:
    failed = [r for r in results if r.outcome is TicketOutcome.FAILED]
    text = "; ".join(r.message for r in results) or "No action items to track."
    if failed:
        text += f" — {len(failed)} item(s) failed: fix what the message says and press the button again."
    return text


def weekly_review(pm: PostMortem, readonly: bool) -> None:
    """Offer the calendar file with the weekly review and the follow-up; downloading it counts as issued."""
    now = deps.now()
    first_review = (now + timedelta(days=7 - now.weekday())).date()
    calendar = ics.render(pm, first_review=first_review, created_at=now, public_url=deps.public_url())
    if st.download_button("Download the review calendar (.ics)", calendar, file_name=f"{pm.id}-reviews.ics",
                          mime="text/calendar", key=state.widget_key(STEP, "ics"), icon=":material/event:",
                          disabled=readonly) and pm.weekly_review_issued_at is None:
        with widgets.reporting_errors():
            state.save(postmortem_service.mark_weekly_review_issued(pm, actor=state.actor(), now=now,
                                                                    repo=deps.repository()))
        st.rerun()
    if pm.weekly_review_issued_at is not None:
        st.caption(f"Calendar issued on {pm.weekly_review_issued_at:%Y-%m-%d}: weekly review on Mondays 09:30 UTC, "
                   "and the follow-up review.")


def follow_up(pm: PostMortem, readonly: bool) -> None:
    """The 4-week follow-up review: each item's outcome, did it work, sponsors for stalled High items."""
    key = state.widget_key
    if pm.published_at is None or pm.follow_up is None:
        st.info("The follow-up review is scheduled four weeks after the report is published.")
        return
    today = deps.now().date()
    when = st.date_input("Follow-up review on", value=pm.follow_up.scheduled_for, disabled=readonly,
                         key=key(STEP, "followup-date"))
    if isinstance(when, date) and when != pm.follow_up.scheduled_for and not readonly:
        with widgets.reporting_errors():
            state.save(postmortem_service.set_follow_up_date(pm, when, actor=state.actor(), now=deps.now(),
                                                             repo=deps.repository()))
        st.rerun()
    due = pm.follow_up.scheduled_for <= today
    if not due and not st.toggle("Hold the review now (before its date)", key=key(STEP, "early")):
        st.caption(f"It opens on {pm.follow_up.scheduled_for:%Y-%m-%d}.")
        return
    overdue = [a for a in pm.actions if a.deadline and a.deadline < today and a.status.value not in ("done", "dropped")]
    if overdue:
        st.warning("Overdue: " + ", ".join(f"{views.md(a.id)} (due {a.deadline:%Y-%m-%d})" for a in overdue
                                           if a.deadline is not None))
    recorded = {o.action_id: o for o in pm.follow_up.outcomes}
    frame = pd.DataFrame([{
        "id": a.id, "action": a.action, "priority": a.priority.value if a.priority else "",
        "outcome": recorded[a.id].outcome.value if a.id in recorded else None,
        "worked": recorded[a.id].worked if a.id in recorded else "", "sponsor": a.sponsor,
    } for a in pm.actions], columns=["id", "action", "priority", "outcome", "worked", "sponsor"])
    edited = st.data_editor(frame, key=key(STEP, f"outcomes-v{pm.version}"), hide_index=True, width="stretch",
                            disabled=readonly or ["id", "action", "priority"], column_config={
                                "outcome": st.column_config.SelectboxColumn("Outcome",
                                                                            options=[o.value for o in Outcome]),
                                "worked": st.column_config.TextColumn("Did it work?"),
                                "sponsor": st.column_config.TextColumn(
                                    "Executive sponsor", help=f"Required for {Priority.HIGH.value} items that stalled"),
                            })
    outcomes = [ItemOutcome(r["id"], Outcome(r["outcome"]), str(r["worked"] or ""))
                for r in edited.to_dict("records") if r["outcome"]]
    sponsors = {str(r["id"]): str(r["sponsor"] or "") for r in edited.to_dict("records")}
    if not readonly:
        with widgets.reporting_errors():
            saved = postmortem_service.record_follow_up(pm, outcomes, sponsors, actor=state.actor(), now=deps.now(),
                                                        repo=deps.repository())
        if saved is not pm:
            state.save(saved)
            st.rerun()
    if st.button("Complete the follow-up review and close the post-mortem", type="primary",
                 disabled=readonly or pm.status.value == "Closed", key=key(STEP, "close")):
        with widgets.reporting_errors():
            state.save(postmortem_service.complete_follow_up(pm, actor=state.actor(), now=deps.now(),
                                                             repo=deps.repository()))
        state.set_notice("The follow-up review is complete and the post-mortem is closed.")
        st.rerun()
