"""The GitHub tracker and the sync runs against a fake of GitHub's documented issues API."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
import requests
from werkzeug import Request, Response

from core.errors import InvalidInputError
from core.models import ActionStatus
from core.trackers import sync
from core.trackers.base import ItemResult, TicketOutcome, TrackerError
from core.trackers.github import GitHubTracker
from tests.trackers.conftest import (
    LOGINS,
    NOW,
    PM_URL,
    TOKEN,
    FakeGitHub,
    json_response,
    six_item_postmortem,
)


def outcomes(results: list[ItemResult]) -> list[str]:
    return [r.outcome.value for r in results]


def assert_token_hidden(results: list[ItemResult], *errors: BaseException) -> None:
    texts = [r.message for r in results] + [r.reason for r in results] + [str(e) for e in errors]
    texts += [repr(e) for e in errors]
    assert all(TOKEN not in text for text in texts)


def test_creation_sends_title_body_labels_and_assignee(github: FakeGitHub, gh_tracker):
    pm = six_item_postmortem()
    after, results = sync.create_tickets(pm, gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)

    assert outcomes(results) == ["created"] * 6
    assert [a.ticket_url for a in after.actions] == [f"https://github.com/acme/shop/issues/{n}" for n in range(1, 7)]
    assert [r.ticket_url for r in results] == [a.ticket_url for a in after.actions]
    first = github.writes()[0]
    assert (first.method, first.path) == ("POST", "/repos/acme/shop/issues")
    assert first.body["title"] == "AI-001: " + pm.actions[0].action
    assert first.body["labels"] == ["post-mortem", "monitoring-gap"]
    assert first.body["assignees"] == ["dan"]
    body = first.body["body"]
    for expected in ("PM-2026-03-14", "`@dan`", "2026-03-21", "Medium", "Monitoring gap (F1): Pool utilisation was",
                     "Alert variant 1 fires in staging.", f"[PM-2026-03-14]({PM_URL})"):
        assert expected in body
    fourth = github.writes()[3].body
    assert fourth["labels"] == ["post-mortem", "monitoring-gap", "testing-gap"]
    assert "assignees" not in github.writes()[5].body  # @lee has no GitHub login mapped
    assert after.actions[0] == dataclasses.replace(pm.actions[0], ticket_url=after.actions[0].ticket_url)
    assert results[0].message == "AI-001: created (https://github.com/acme/shop/issues/1)"


def test_rerun_creates_nothing_and_patches_only_changed_items(github: FakeGitHub, gh_tracker):
    pm, _ = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    github.seen.clear()
    same, results = sync.create_tickets(pm, gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert outcomes(results) == ["unchanged"] * 6
    assert same == pm and github.writes() == []

    github.issues[3]["labels"].append({"id": 1, "name": "team-db", "color": "ededed"})  # a label added by hand
    actions = list(pm.actions)
    actions[1] = dataclasses.replace(actions[1], action="Add a pool alert at 80% for 5 minutes to Checkout")
    actions[2] = dataclasses.replace(actions[2], factor_ids=("F1",))
    actions[3] = dataclasses.replace(actions[3], owner="@maria")
    _, results = sync.create_tickets(dataclasses.replace(pm, actions=tuple(actions)), gh_tracker, pm_url=PM_URL,
                                     logins=LOGINS, now=NOW)

    assert outcomes(results) == ["unchanged", "updated", "updated", "updated", "unchanged", "unchanged"]
    patches = {s.path.rsplit("/", 1)[1]: s.body for s in github.writes()}
    assert all(s.method == "PATCH" for s in github.writes())
    assert set(patches["2"]) == {"title", "body"}
    assert patches["2"]["title"] == "AI-002: Add a pool alert at 80% for 5 minutes to Checkout"
    assert patches["3"]["labels"] == ["team-db", "post-mortem", "monitoring-gap"]  # the hand-made label stays
    assert patches["4"]["assignees"] == ["maria-k"]
    assert len(github.issues) == 6


def test_validation_error_is_reported_for_its_item_and_the_others_go_on(github: FakeGitHub, gh_tracker):
    logins = {**LOGINS, "@sam": "sam-ghost"}  # not a collaborator: GitHub answers 422
    pm, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=logins, now=NOW)

    assert outcomes(results) == ["created", "created", "failed", "created", "created", "created"]
    assert results[2].reason == "GitHub rejected the issue: Validation Failed (assignees: invalid)"
    assert results[2].message.startswith("AI-003: failed: ")
    assert pm.actions[2].ticket_url == ""
    assert all(a.ticket_url for i, a in enumerate(pm.actions) if i != 2)

    github.seen.clear()
    done, retry = sync.create_tickets(pm, gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert outcomes(retry) == ["unchanged", "unchanged", "created", "unchanged", "unchanged", "unchanged"]
    assert [s.method for s in github.writes()] == ["POST"]
    assert done.actions[2].ticket_url == "https://github.com/acme/shop/issues/6"
    assert_token_hidden(results + retry)


def test_server_error_on_item_three_of_six_then_a_retry_completes_the_rest(github: FakeGitHub, gh_tracker):
    def third_post_fails(request: Request):
        if request.method == "POST" and len(github.issues) == 2:
            return json_response({"message": "Server Error"}, 502)
        return None

    github.canned.append(third_post_fails)
    pm, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert outcomes(results) == ["created", "created", "failed", "created", "created", "created"]
    assert results[2].reason == "GitHub had a server error (HTTP 502), retry later"

    done, retry = sync.create_tickets(pm, gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert outcomes(retry) == ["unchanged", "unchanged", "created", "unchanged", "unchanged", "unchanged"]
    assert all(a.ticket_url for a in done.actions) and len(github.issues) == 6


def test_rejected_token_fails_every_item_after_one_request(github: FakeGitHub, session, httpserver):
    tracker = GitHubTracker(session, repo="acme/shop", token="ghp_wrong_" + TOKEN, api_url=httpserver.url_for("/"))
    pm, results = sync.create_tickets(six_item_postmortem(), tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert outcomes(results) == ["failed"] * 6
    assert "token rejected" in results[0].reason
    assert results[5].reason.startswith("not tried: GitHub token rejected")
    assert len(github.seen) == 1 and pm.actions == six_item_postmortem().actions
    assert_token_hidden(results)
    assert TOKEN not in repr(tracker)


def test_unknown_repository_and_disabled_issues(github: FakeGitHub, session, httpserver):
    tracker = GitHubTracker(session, repo="acme/nope", token=TOKEN, api_url=httpserver.url_for("/"))
    _, results = sync.create_tickets(six_item_postmortem(), tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert results[0].reason == "repository not found or no access (acme/nope, HTTP 404)"

    github.canned.append(lambda r: json_response({"message": "Issues are disabled for this repo"}, 410))
    shop = GitHubTracker(session, repo="acme/shop", token=TOKEN, api_url=httpserver.url_for("/"))
    _, results = sync.create_tickets(six_item_postmortem(), shop, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert results[0].reason == "issues are disabled in acme/shop (HTTP 410)"
    assert outcomes(results) == ["failed"] * 6


def test_permission_refusal_and_an_echoed_token_are_scrubbed(github: FakeGitHub, gh_tracker):
    github.canned.append(lambda r: json_response({"message": f"Resource not accessible by token {TOKEN}"}, 403))
    _, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert results[0].reason == "GitHub refused the request (HTTP 403): Resource not accessible by token ***"
    assert_token_hidden(results)


def test_an_answer_that_is_not_an_issue_names_the_address(github: FakeGitHub, gh_tracker):
    github.canned.append(lambda r: json_response({"hello": "world"}, 201))
    _, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert "answered with something unexpected (HTTP 201): is it the GitHub API address?" in results[0].reason


def test_unreachable_server_and_timeout_are_plain_failures(session):
    tracker = GitHubTracker(session, repo="acme/shop", token=TOKEN, api_url="http://127.0.0.1:9")
    _, results = sync.create_tickets(six_item_postmortem(), tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert results[0].reason == "could not connect to GitHub at http://127.0.0.1:9: is the address right?"

    class SlowSession(requests.Session):
        def request(self, *args, **kwargs):
            assert kwargs["timeout"] == 2
            raise requests.ReadTimeout(f"read timed out, headers {kwargs['headers']}")

    with SlowSession() as slow:
        tracker = GitHubTracker(slow, repo="acme/shop", token=TOKEN, timeout=2)
        with pytest.raises(TrackerError) as caught:
            tracker.create(sync.ticket_for(six_item_postmortem(), six_item_postmortem().actions[0], pm_url=PM_URL,
                                           logins=LOGINS))
    assert str(caught.value) == ("AI-001: GitHub did not answer within 2 s; the change may have been made, "
                                 "check the tracker before retrying")
    assert TOKEN not in str(caught.value) and not caught.value.fatal


def test_sync_back_marks_closed_issues_done_with_their_date(github: FakeGitHub, gh_tracker):
    pm, _ = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    github.close(1, "2026-03-19T23:30:00Z")
    github.close(2, "2026-03-20T08:00:00Z", reason="not_planned")
    github.issues[4]["assignees"] = [{"login": "maria-k"}]
    synced, results = sync.sync_status(pm, gh_tracker, now=NOW)

    assert outcomes(results) == ["updated", "updated", "unchanged", "unchanged", "unchanged", "unchanged"]
    assert (synced.actions[0].status, synced.actions[0].done_at) == (ActionStatus.DONE, date(2026, 3, 19))
    assert (synced.actions[1].status, synced.actions[1].done_at) == (ActionStatus.DROPPED, None)
    assert synced.actions[3].owner == "@dan" and results[3].assignee == "maria-k"
    assert len(github.writes()) == 6  # syncing only reads

    github.issues[1].update(state="open", closed_at=None, state_reason="reopened")
    reopened, results = sync.sync_status(synced, gh_tracker, now=NOW)
    assert (reopened.actions[0].status, reopened.actions[0].done_at) == (ActionStatus.OPEN, None)
    assert results[0].outcome is TicketOutcome.UPDATED


def test_sync_back_skips_items_without_a_github_issue_and_reports_missing_ones(github: FakeGitHub, gh_tracker):
    pm = six_item_postmortem()
    actions = list(pm.actions)
    actions[0] = dataclasses.replace(actions[0], ticket_url="https://acme.atlassian.net/browse/OPS-1")
    actions[1] = dataclasses.replace(actions[1], ticket_url="https://github.com/acme/shop/issues/99")
    _, results = sync.sync_status(dataclasses.replace(pm, actions=tuple(actions)), gh_tracker, now=NOW)
    assert outcomes(results) == ["skipped", "failed", "skipped", "skipped", "skipped", "skipped"]
    assert results[0].reason == "no GitHub ticket"
    assert results[1].reason == "issue not found, or no access to it (acme/shop, HTTP 404)"


def test_items_tracked_elsewhere_or_finished_get_no_issue(github: FakeGitHub, gh_tracker):
    pm = six_item_postmortem()
    actions = list(pm.actions)
    actions[0] = dataclasses.replace(actions[0], ticket_url="https://github.com/acme/other/issues/3")
    actions[1] = dataclasses.replace(actions[1], status=ActionStatus.DONE, done_at=date(2026, 3, 15))
    _, results = sync.create_tickets(dataclasses.replace(pm, actions=tuple(actions)), gh_tracker, pm_url=PM_URL,
                                     logins=LOGINS, now=NOW)
    assert outcomes(results)[:3] == ["skipped", "skipped", "created"]
    assert results[0].reason == "tracked elsewhere (https://github.com/acme/other/issues/3)"
    assert results[1].reason == "already done"


def test_bad_arguments_are_named():
    with requests.Session() as session:
        with pytest.raises(InvalidInputError, match="OWNER/REPO"):
            GitHubTracker(session, repo="acme", token=TOKEN)
        with pytest.raises(InvalidInputError, match="not a GitHub address"):
            GitHubTracker(session, repo="acme/shop", token=TOKEN, api_url="api.github.com")
        tracker = GitHubTracker(session, repo="acme/shop", token=TOKEN)
        with pytest.raises(InvalidInputError, match="full web address"):
            sync.create_tickets(six_item_postmortem(), tracker, pm_url="/report", logins={}, now=NOW)


def test_long_actions_are_shortened_in_the_title_only():
    pm = six_item_postmortem()
    item = dataclasses.replace(pm.actions[0], action="x" * 400)
    ticket = sync.ticket_for(pm, item, pm_url=PM_URL, logins={})
    assert len(ticket.title) == 250 and ticket.title.endswith("…")
    assert ticket.action == "x" * 400 and ticket.assignee is None


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (409, {"message": "Conflict"}, "GitHub answered HTTP 409: Conflict"),
        (422, {"message": "Validation Failed", "errors": ["title is too long"]},
         "GitHub rejected the issue: Validation Failed (title is too long)"),
        (422, {"message": "Validation Failed", "errors": [{"code": "custom", "message": "labels are limited to 100"}]},
         "GitHub rejected the issue: Validation Failed (labels are limited to 100)"),
        (422, {"message": "Validation Failed", "errors": [{"code": "missing_field"}]},
         "GitHub rejected the issue: Validation Failed (missing_field)"),
        (400, "<html>Bad Request</html>", "GitHub answered HTTP 400: <html>Bad Request</html>"),
    ],
)
def test_other_refusals_of_an_update_name_github_s_reason(github: FakeGitHub, gh_tracker, status, body, reason):
    pm, _ = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)

    def refuse_patch(request: Request):
        if request.method != "PATCH":
            return None
        return json_response(body, status) if isinstance(body, dict) else Response(body, status=status)

    github.canned.append(refuse_patch)
    changed = dataclasses.replace(pm, actions=(dataclasses.replace(pm.actions[0], end_state="Alert in prod."),))
    _, results = sync.create_tickets(changed, gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert [(r.outcome, r.reason) for r in results] == [(TicketOutcome.FAILED, reason)]


def test_a_closed_issue_without_a_closing_time_is_done_today_and_foreign_urls_are_refused(github, gh_tracker):
    pm, _ = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    github.close(1, None)
    synced, _ = sync.sync_status(pm, gh_tracker, now=NOW)
    assert synced.actions[0].done_at == NOW.date()
    with pytest.raises(TrackerError, match="^AI-009: https://github.com/acme/other/issues/1 is not an issue of"):
        gh_tracker.fetch("AI-009", "https://github.com/acme/other/issues/1")


def test_a_request_that_cannot_be_sent_is_a_plain_failure():
    class BrokenSession(requests.Session):
        def request(self, *args, **kwargs):
            raise requests.exceptions.InvalidHeader("bad header value")

    with BrokenSession() as broken:
        tracker = GitHubTracker(broken, repo="acme/shop", token=TOKEN)
        _, results = sync.create_tickets(six_item_postmortem(), tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert results[0].reason == "the request to GitHub failed (InvalidHeader)"
    assert "api_url='https://api.github.com'" in repr(tracker) and "Client(source='GitHub'" in repr(tracker._client)
