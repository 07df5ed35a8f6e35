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


def test_issues_are_created_from_the_track_step_and_not_duplicated(app_db, monkeypatch, httpserver, github):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    pm = app_db.add(published_demo(), actor="t", now=NOW)
    app = open_app(pm.id, "track")
    by_label(app.text_input, "Repository (owner/repo)").input("acme/shop").run()
    by_label(app.text_input, "GitHub Enterprise API address").input(httpserver.url_for("/").rstrip("/")).run()
    by_label(app.button, "Create or update the issues").click().run()
    assert not app.exception, app.exception
    assert len(github.issues) == 6
    stored = app_db.get(pm.id)
    assert all(a.ticket_url for a in stored.actions)
    assert "AI-001: created" in app.success[0].value
    by_label(app.button, "Create or update the issues").click().run()
    assert len(github.issues) == 6
    assert TOKEN not in str(app_db.audit(pm.id)) + document.dumps(app_db.get(pm.id))


def test_a_missing_token_is_explained(app_db, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    pm = app_db.add(published_demo(), actor="t", now=NOW)
    app = open_app(pm.id, "track")
    by_label(app.text_input, "Repository (owner/repo)").input("acme/shop").run()
    by_label(app.button, "Create or update the issues").click().run()
    assert "Set GITHUB_TOKEN" in errors(app)


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
