"""The Track step in AppTest: GitHub issues through the UI, the calendar, the follow-up review."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from core import demo
from core.export import document
from core.models import FollowUpReview, Status
from tests.apptest import by_label, errors, open_app
from tests.factories import NOW
from tests.trackers.conftest import TOKEN

PUBLISHED = NOW - timedelta(weeks=5)


def published_demo():
    pm = document.loads(demo.DEMO_DOCUMENT.read_text(encoding="utf-8"))
    return dataclasses.replace(pm, status=Status.PUBLISHED, published_at=PUBLISHED)


def configure_github(monkeypatch, url: str) -> None:
    """The operator's GitHub connection: the token, and the API address it belongs to."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", url)
    monkeypatch.setenv("GITHUB_ALLOW_HTTP", "1")  # the fake GitHub speaks plain http on loopback


def test_issues_are_created_from_the_track_step_and_not_duplicated(app_db, monkeypatch, httpserver, github):
    configure_github(monkeypatch, httpserver.url_for("/").rstrip("/"))
    pm = app_db.add(published_demo(), actor="t", now=NOW)
    app = open_app(pm.id, "track")
    assert by_label(app.selectbox, "Server").value == "GitHub"
    by_label(app.text_input, "Repository (owner/repo)").input("acme/shop").run()
    by_label(app.button, "Create or update the issues").click().run()
    assert not app.exception, app.exception
    assert len(github.issues) == 6
    stored = app_db.get(pm.id)
    assert all(a.ticket_url for a in stored.actions)
    assert "AI-001: created" in app.success[0].value
    by_label(app.button, "Create or update the issues").click().run()
    assert len(github.issues) == 6
    assert TOKEN not in str(app_db.audit(pm.id)) + document.dumps(app_db.get(pm.id))


def test_without_a_configured_server_the_page_says_who_can_add_one_and_offers_no_address_box(app_db, monkeypatch):
    for name in ("GITHUB_TOKEN", "GITHUB_API_URL", "JIRA_URL", "JIRA_TOKEN", "JIRA_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    pm = app_db.add(published_demo(), actor="t", now=NOW)
    app = open_app(pm.id, "track")
    assert "No GitHub server is configured" in " ".join(i.value for i in app.info)
    assert not [b for b in app.button if b.label.startswith("Create or update")]
    assert not [t for t in app.text_input if "address" in t.label.lower() or "site" in t.label.lower()]
    by_label(app.radio, "Tracker").set_value("jira").run()
    assert "No Jira server is configured" in " ".join(i.value for i in app.info)


def test_a_configured_token_on_plain_http_is_refused_with_what_to_do(app_db, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", "http://github.internal.example")
    monkeypatch.delenv("GITHUB_ALLOW_HTTP", raising=False)
    pm = app_db.add(published_demo(), actor="t", now=NOW)
    app = open_app(pm.id, "track")
    assert "plain http, so the GitHub token would travel unencrypted" in errors(app)
    assert TOKEN not in errors(app)


def test_the_follow_up_review_closes_the_postmortem_once_every_outcome_is_recorded(app_db):
    pm = published_demo()
    actions = tuple(dataclasses.replace(a, tracked_in_app=True) for a in pm.actions)
    review = FollowUpReview(scheduled_for=(PUBLISHED + timedelta(weeks=4)).date())
    stored = app_db.add(dataclasses.replace(pm, actions=actions, weekly_review_issued_at=PUBLISHED, follow_up=review),
                        actor="t", now=NOW)
    app = open_app(stored.id, "track")
    by_label(app.button, "Complete the follow-up review").click().run()
    assert "Record the outcome of AI-001" in errors(app)
    table = next(t for t in app.data_editor if "outcomes" in t.key)
    edits = {str(n): {"outcome": "done", "worked": "yes"} for n in range(len(actions))}
    edits["0"] = {"outcome": "stalled"}
    app.session_state[table.key] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    app.run()
    by_label(app.button, "Complete the follow-up review").click().run()
    assert "executive sponsor" in errors(app)
    table = next(t for t in app.data_editor if "outcomes" in t.key)
    app.session_state[table.key] = {"edited_rows": {"0": {"sponsor": "@cto"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    by_label(app.button, "Complete the follow-up review").click().run()
    assert app_db.get(stored.id).status is Status.CLOSED
