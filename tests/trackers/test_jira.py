"""The Jira Cloud tracker against a fake of Jira's documented REST v3 issue API."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
import requests
from werkzeug import Response

from core.errors import InvalidInputError
from core.models import ActionStatus
from core.trackers import sync
from core.trackers.base import ItemResult, TrackerError
from core.trackers.jira import JiraTracker, render_description
from tests.trackers.conftest import (
    JIRA_EMAIL,
    JIRA_IDS,
    JIRA_TOKEN,
    NOW,
    PM_URL,
    FakeJira,
    json_response,
    six_item_postmortem,
)


def outcomes(results: list[ItemResult]) -> list[str]:
    return [r.outcome.value for r in results]


def test_creation_sends_adf_labels_and_account_id(jira: FakeJira, jira_tracker):
    pm = six_item_postmortem()
    after, results = sync.create_tickets(pm, jira_tracker, pm_url=PM_URL, logins=JIRA_IDS, now=NOW)

    assert outcomes(results) == ["created"] * 6
    assert [a.ticket_url for a in after.actions] == [f"{jira.base}/browse/OPS-{n}" for n in range(1, 7)]
    fields = jira.writes()[0].body["fields"]
    assert fields["project"] == {"key": "OPS"} and fields["issuetype"] == {"name": "Task"}
    assert fields["summary"] == "AI-001: " + pm.actions[0].action
    assert fields["labels"] == ["post-mortem", "monitoring-gap"]
    assert fields["assignee"] == {"accountId": "5b10ac8d82e05b22cc7d4ef5"}
    doc = fields["description"]
    assert (doc["type"], doc["version"]) == ("doc", 1)
    assert {p["type"] for p in doc["content"]} == {"paragraph"}
    first = doc["content"][0]["content"]
    assert first[1] == {"type": "text", "text": "PM-2026-03-14", "marks": [{"type": "link", "attrs": {"href": PM_URL}}]}
    texts = [node["text"] for p in doc["content"] for node in p["content"]]
    assert all(texts) and "@dan" in texts and "2026-03-21" in texts
    assert "Monitoring gap (F1): Pool utilisation was not monitored." in texts
    assert "assignee" not in jira.writes()[2].body["fields"]  # @sam has no Jira account mapped


def test_rerun_is_idempotent_and_puts_only_changes(jira: FakeJira, jira_tracker):
    pm, _ = sync.create_tickets(six_item_postmortem(), jira_tracker, pm_url=PM_URL, logins=JIRA_IDS, now=NOW)
    jira.seen.clear()
    same, results = sync.create_tickets(pm, jira_tracker, pm_url=PM_URL, logins=JIRA_IDS, now=NOW)
    assert outcomes(results) == ["unchanged"] * 6 and same == pm and jira.writes() == []
    assert all(s.method == "GET" for s in jira.seen)

    actions = list(pm.actions)
    actions[3] = dataclasses.replace(actions[3], action="Add the pool alert to Checkout", factor_ids=("F3",))
    actions[4] = dataclasses.replace(actions[4], owner="@dan", end_state="Alert 5 pages the on-call in staging.")
    _, results = sync.create_tickets(dataclasses.replace(pm, actions=tuple(actions)), jira_tracker, pm_url=PM_URL,
                                     logins=JIRA_IDS, now=NOW)
    assert outcomes(results) == ["unchanged"] * 3 + ["updated", "updated", "unchanged"]
    fourth, fifth = jira.writes()
    assert (fourth.method, fourth.path, fifth.path) == ("PUT", "/rest/api/3/issue/OPS-4", "/rest/api/3/issue/OPS-5")
    assert set(fourth.body["fields"]) == {"summary", "description", "labels"}
    assert fourth.body["fields"]["labels"] == ["post-mortem", "runbook-gap"]
    assert set(fifth.body["fields"]) == {"description", "assignee"}
    assert jira.issues["OPS-5"]["assignee"]["displayName"] == "Dan Park"


def test_field_errors_are_reported_per_item(jira: FakeJira, jira_tracker):
    ids = {**JIRA_IDS, "@sam": "no-such-account"}
    pm, results = sync.create_tickets(six_item_postmortem(), jira_tracker, pm_url=PM_URL, logins=ids, now=NOW)
    assert outcomes(results) == ["created", "created", "failed", "created", "created", "created"]
    assert results[2].reason == (
        "Jira rejected the issue: assignee: Specified user does not exist or you do not have required permissions"
    )
    _, retry = sync.create_tickets(pm, jira_tracker, pm_url=PM_URL, logins=JIRA_IDS, now=NOW)
    assert outcomes(retry) == ["unchanged", "unchanged", "created", "unchanged", "unchanged", "unchanged"]


def test_unknown_issue_type_and_messages_without_fields(jira: FakeJira, session, httpserver):
    tracker = JiraTracker(session, site_url=httpserver.url_for("/"), project="OPS", email=JIRA_EMAIL,
                          token=JIRA_TOKEN, issue_type="Epic Story")
    _, results = sync.create_tickets(six_item_postmortem(), tracker, pm_url=PM_URL, logins={}, now=NOW)
    assert results[0].reason == "Jira rejected the issue: issuetype: Specify a valid issue type"

    jira.canned.append(lambda r: json_response({"errorMessages": ["Project is archived."], "errors": {}}, 400))
    jira_ok = JiraTracker(session, site_url=httpserver.url_for("/"), project="OPS", email=JIRA_EMAIL,
                          token=JIRA_TOKEN)
    _, results = sync.create_tickets(six_item_postmortem(), jira_ok, pm_url=PM_URL, logins={}, now=NOW)
    assert results[0].reason == "Jira rejected the issue: Project is archived."


def test_rejected_token_and_unknown_project(jira: FakeJira, session, httpserver):
    bad = JiraTracker(session, site_url=httpserver.url_for("/"), project="OPS", email=JIRA_EMAIL,
                      token="wrong-" + JIRA_TOKEN)
    _, results = sync.create_tickets(six_item_postmortem(), bad, pm_url=PM_URL, logins={}, now=NOW)
    assert outcomes(results) == ["failed"] * 6 and len(jira.seen) == 1
    assert results[0].reason == "Jira token rejected (HTTP 401): check the email and API token"
    assert all(JIRA_TOKEN not in r.message for r in results) and JIRA_TOKEN not in repr(bad)

    jira.canned.append(lambda r: json_response({"errorMessages": ["No project could be found"], "errors": {}}, 404))
    ok = JiraTracker(session, site_url=httpserver.url_for("/"), project="OPS", email=JIRA_EMAIL, token=JIRA_TOKEN)
    _, results = sync.create_tickets(six_item_postmortem(), ok, pm_url=PM_URL, logins={}, now=NOW)
    assert results[0].reason == "project OPS not found or no access (HTTP 404)"


def test_rate_limit_is_waited_out(jira: FakeJira, jira_tracker, sleeps):
    jira.canned.append(lambda r: json_response({"errorMessages": ["Rate limit exceeded."]}, 429,
                                               {"Retry-After": "3"}))
    _, results = sync.create_tickets(six_item_postmortem(), jira_tracker, pm_url=PM_URL, logins={}, now=NOW)
    assert sleeps == [3.0] and outcomes(results) == ["created"] * 6


def test_sync_back_uses_the_status_category_and_resolution_date(jira: FakeJira, jira_tracker):
    pm, _ = sync.create_tickets(six_item_postmortem(), jira_tracker, pm_url=PM_URL, logins=JIRA_IDS, now=NOW)
    jira.resolve("OPS-2", "2026-03-20T01:15:30.000+0200")
    jira.issues["OPS-3"]["status"] = {"name": "In Progress", "statusCategory": {"key": "indeterminate"}}
    synced, results = sync.sync_status(pm, jira_tracker, now=NOW)

    assert outcomes(results) == ["unchanged", "updated", "updated", "unchanged", "unchanged", "unchanged"]
    assert (synced.actions[1].status, synced.actions[1].done_at) == (ActionStatus.DONE, date(2026, 3, 19))
    assert synced.actions[2].status is ActionStatus.IN_PROGRESS
    assert results[1].assignee == "Maria Kay" and results[2].assignee == ""

    jira.issues["OPS-2"]["resolutiondate"] = None  # done without a resolution date: today stands in
    jira.issues["OPS-3"]["status"] = {"name": "To Do", "statusCategory": {"key": "new"}}
    again, results = sync.sync_status(synced, jira_tracker, now=NOW)
    assert again.actions[1].done_at == date(2026, 3, 19)  # the date already known is kept
    assert again.actions[2].status is ActionStatus.IN_PROGRESS  # an open ticket does not undo "in progress"
    assert outcomes(results) == ["unchanged"] * 6


def test_only_this_sites_browse_urls_are_owned(jira_tracker, jira: FakeJira):
    assert jira_tracker.owns(f"{jira.base}/browse/OPS-12")
    assert not jira_tracker.owns("https://other.atlassian.net/browse/OPS-12")
    assert not jira_tracker.owns(f"{jira.base}/browse/not-a-key")
    assert not jira_tracker.owns("https://github.com/acme/shop/issues/1")


def test_labels_lose_their_spaces_and_an_untitled_post_mortem_still_reads(jira: FakeJira, jira_tracker):
    pm = six_item_postmortem(title="")
    ticket = dataclasses.replace(sync.ticket_for(pm, pm.actions[0], pm_url=PM_URL, logins={}),
                                 labels=("post-mortem", "needs review"))
    assert render_description(ticket)["content"][0]["content"][2] == {"type": "text", "text": "."}
    assert jira_tracker.create(ticket) == f"{jira.base}/browse/OPS-1"
    assert jira.issues["OPS-1"]["labels"] == ["post-mortem", "needs-review"]
    with requests.Session() as session, pytest.raises(InvalidInputError, match="project key"):
        JiraTracker(session, site_url="https://acme.atlassian.net", project="ops team", email="a@b", token="t")


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (403, {"errorMessages": ["You do not have permission to edit issues."]},
         "Jira refused the request (HTTP 403): You do not have permission to edit issues."),
        (503, {"errorMessages": []}, "Jira had a server error (HTTP 503), retry later"),
        (409, "Conflict, try again", "Jira answered HTTP 409: Conflict, try again"),
        (400, {"errorMessages": [], "errors": {}}, "Jira rejected the issue: BAD REQUEST"),
    ],
)
def test_refused_updates_name_jira_s_reason(jira: FakeJira, jira_tracker, status, body, reason):
    pm, _ = sync.create_tickets(six_item_postmortem(), jira_tracker, pm_url=PM_URL, logins=JIRA_IDS, now=NOW)

    def refuse_put(request):
        if request.method != "PUT":
            return None
        return json_response(body, status) if isinstance(body, dict) else Response(body, status=status)

    jira.canned.append(refuse_put)
    changed = dataclasses.replace(pm, actions=(dataclasses.replace(pm.actions[0], end_state="Alert in prod."),))
    _, results = sync.create_tickets(changed, jira_tracker, pm_url=PM_URL, logins=JIRA_IDS, now=NOW)
    assert [r.reason for r in results] == [reason]


def test_a_missing_issue_and_a_foreign_url(jira: FakeJira, jira_tracker):
    item = dataclasses.replace(six_item_postmortem().actions[0], ticket_url=f"{jira.base}/browse/OPS-77")
    synced, results = sync.sync_status(six_item_postmortem(actions=(item,)), jira_tracker, now=NOW)
    assert results[0].reason == "issue not found, or no access (HTTP 404)" and synced.actions == (item,)
    with pytest.raises(TrackerError, match="is not an issue of the Jira site"):
        jira_tracker.fetch("AI-001", "https://other.atlassian.net/browse/OPS-1")
