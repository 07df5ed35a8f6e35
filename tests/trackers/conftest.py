"""Stateful fakes of GitHub's and Jira's issue APIs behind pytest-httpserver, and a post-mortem with six items."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from core.connectors import egress
from core.models import ActionItem, ActionStatus, ContributingFactor, FactorCategory, Priority
from core.trackers.base import TicketState
from core.trackers.github import GitHubTracker
from core.trackers.jira import JiraTracker
from tests.factories import complete_postmortem

TOKEN = "ghp_S3cretT0kenNeverShown"  # noqa: S105 (a test token)
JIRA_TOKEN = "ATATT-jira-S3cret"  # noqa: S105
JIRA_EMAIL = "bot@example.com"
NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
CLOCK = 1_773_651_600.0  # the fake clock's epoch seconds
PM_URL = "https://pm.example.com/report?pm=PM-2026-03-14"
LOGINS = {"@dan": "dan", "@maria": "maria-k", "@sam": "sam-ops"}
COLLABORATORS = {"dan", "maria-k", "sam-ops"}
JIRA_USERS = {"5b10ac8d82e05b22cc7d4ef5": "Dan Park", "5b10ac8d82e05b22cc7d4ef6": "Maria Kay"}
JIRA_IDS = {"@dan": "5b10ac8d82e05b22cc7d4ef5", "@maria": "5b10ac8d82e05b22cc7d4ef6"}

Canned = Callable[[Request], Response | None]


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Return a JSON response as the APIs send them."""
    return Response(json.dumps(body), status=status, headers=headers, content_type="application/json")


@dataclass
class Seen:
    """One request the fake received."""

    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class FakeApi:
    """What both fakes share: recorded requests and canned answers served before the normal behaviour."""

    seen: list[Seen] = field(default_factory=list)
    canned: list[Canned] = field(default_factory=list)

    def handle(self, request: Request) -> Response:
        """Record the request, serve the first canned answer that applies, else behave like the API."""
        self.seen.append(Seen(request.method, request.path, request.get_json(silent=True), dict(request.headers)))
        for canned in list(self.canned):
            answer = canned(request)
            if answer is not None:
                self.canned.remove(canned)
                return answer
        return self.behave(request)

    def behave(self, request: Request) -> Response:
        """Answer like the real API would."""
        raise NotImplementedError

    def writes(self) -> list[Seen]:
        """Return the POST, PATCH and PUT requests received."""
        return [s for s in self.seen if s.method in ("POST", "PATCH", "PUT")]


@dataclass
class FakeGitHub(FakeApi):
    """The issues endpoints of https://api.github.com for the repository acme/shop."""

    issues: dict[int, dict[str, Any]] = field(default_factory=dict)

    def behave(self, request: Request) -> Response:
        """Serve POST /issues, GET and PATCH /issues/N as documented (2022-11-28)."""
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return json_response({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
                                 401)
        assert request.headers["Accept"] == "application/vnd.github+json"
        assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
        if request.path == "/repos/acme/shop/issues" and request.method == "POST":
            return self._write(None, request.get_json())
        match = re.fullmatch(r"/repos/acme/shop/issues/(\d+)", request.path)
        if match and int(match.group(1)) in self.issues:
            number = int(match.group(1))
            if request.method == "PATCH":
                return self._write(number, request.get_json())
            return json_response(self.issues[number])
        return json_response({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, 404)

    def close(self, number: int, at: str, reason: str = "completed") -> None:
        """Close issue ``number`` as someone would on github.com."""
        self.issues[number].update(state="closed", closed_at=at, state_reason=reason)

    def _write(self, number: int | None, body: dict[str, Any]) -> Response:
        bad = [login for login in body.get("assignees", []) if login not in COLLABORATORS]
        if bad or (number is None and not body.get("title")):
            field_name = "assignees" if bad else "title"
            return json_response({"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest",
                                  "errors": [{"resource": "Issue", "code": "invalid", "field": field_name}]}, 422)
        creating = number is None
        if number is None:
            number = len(self.issues) + 1
            self.issues[number] = {
                "id": 1000 + number, "number": number, "state": "open", "state_reason": None, "closed_at": None,
                "url": f"https://api.github.com/repos/acme/shop/issues/{number}",
                "html_url": f"https://github.com/acme/shop/issues/{number}",
                "title": "", "body": None, "labels": [], "assignees": [], "assignee": None,
            }
        issue = self.issues[number]
        for key in ("title", "body"):
            if key in body:
                issue[key] = body[key]
        if "labels" in body:
            issue["labels"] = [{"id": 100 + len(n), "name": n, "color": "ededed"} for n in body["labels"]]
        if "assignees" in body:
            issue["assignees"] = [{"login": login, "id": 7} for login in body["assignees"]]
            issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None
        return json_response(issue, 201 if creating else 200)


@dataclass
class FakeJira(FakeApi):
    """The issue endpoints of a Jira Cloud site (REST v3) with the project OPS."""

    base: str = ""
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)

    def behave(self, request: Request) -> Response:
        """Serve POST /rest/api/3/issue, GET and PUT /rest/api/3/issue/KEY as documented."""
        expected = "Basic " + base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return Response("Client must be authenticated to access this resource.", status=401)
        if request.path == "/rest/api/3/issue" and request.method == "POST":
            fields = request.get_json()["fields"]
            errors = self._errors(fields, creating=True)
            if errors:
                return json_response({"errorMessages": [], "errors": errors}, 400)
            key = f"OPS-{len(self.issues) + 1}"
            self.issues[key] = {"summary": "", "description": None, "labels": [], "assignee": None,
                                "status": {"name": "To Do", "statusCategory": {"key": "new", "name": "To Do"}},
                                "resolutiondate": None}
            self._apply(key, fields)
            return json_response({"id": str(10000 + len(self.issues)), "key": key,
                                  "self": f"{self.base}/rest/api/3/issue/{10000 + len(self.issues)}"}, 201)
        match = re.fullmatch(r"/rest/api/3/issue/([A-Z]+-\d+)", request.path)
        if match and match.group(1) in self.issues:
            key = match.group(1)
            if request.method == "PUT":
                fields = request.get_json()["fields"]
                errors = self._errors(fields, creating=False)
                if errors:
                    return json_response({"errorMessages": [], "errors": errors}, 400)
                self._apply(key, fields)
                return Response(status=204)
            wanted = request.args["fields"].split(",")
            shown = {k: v for k, v in self.issues[key].items() if k in wanted}
            return json_response({"id": "10001", "key": key, "self": f"{self.base}/rest/api/3/issue/10001",
                                  "fields": shown})
        return json_response({"errorMessages": ["Issue does not exist or you do not have permission to see it."],
                              "errors": {}}, 404)

    def resolve(self, key: str, at: str) -> None:
        """Move issue ``key`` to a done status as someone would in Jira."""
        self.issues[key].update(status={"name": "Done", "statusCategory": {"key": "done", "name": "Done"}},
                                resolutiondate=at)

    def _errors(self, fields: dict[str, Any], *, creating: bool) -> dict[str, str]:
        errors = {}
        if creating and fields.get("project", {}).get("key") != "OPS":
            errors["project"] = "Specify a valid project ID or key"
        if creating and fields.get("issuetype", {}).get("name") not in ("Task", "Bug"):
            errors["issuetype"] = "Specify a valid issue type"
        if creating and not fields.get("summary"):
            errors["summary"] = "You must specify a summary of the issue."
        if "description" in fields and not isinstance(fields["description"], dict):
            errors["description"] = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
        if any(" " in label for label in fields.get("labels", [])):
            errors["labels"] = "The label can't contain spaces."
        account = (fields.get("assignee") or {}).get("accountId")
        if account is not None and account not in JIRA_USERS:
            errors["assignee"] = "Specified user does not exist or you do not have required permissions"
        return errors

    def _apply(self, key: str, fields: dict[str, Any]) -> None:
        issue = self.issues[key]
        for name in ("summary", "description", "labels"):
            if name in fields:
                issue[name] = fields[name]
        if "assignee" in fields:
            account = fields["assignee"]["accountId"] if fields["assignee"] else None
            issue["assignee"] = {"accountId": account, "displayName": JIRA_USERS[account]} if account else None


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """The app's guarded session (loopback allowed by name, as an operator would for a local server)."""
    with egress.GuardedSession(egress.EgressPolicy(allowed_hosts=frozenset({"127.0.0.1", "localhost"}))) as guarded:
        yield guarded


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the trackers asked for, recorded instead of slept."""
    return []


@pytest.fixture
def github(httpserver: HTTPServer) -> FakeGitHub:
    """A fake GitHub answering every path of the test server."""
    fake = FakeGitHub()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def jira(httpserver: HTTPServer) -> FakeJira:
    """A fake Jira Cloud site answering every path of the test server."""
    fake = FakeJira(base=httpserver.url_for("").rstrip("/"))
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def gh_tracker(session: requests.Session, httpserver: HTTPServer, sleeps: list[float]) -> GitHubTracker:
    """A GitHub tracker for acme/shop on the test server, with a fake sleep and clock."""
    return GitHubTracker(session, repo="acme/shop", token=TOKEN, api_url=httpserver.url_for("/"), timeout=5,
                         sleep=sleeps.append, clock=lambda: CLOCK)


@pytest.fixture
def jira_tracker(session: requests.Session, httpserver: HTTPServer, sleeps: list[float]) -> JiraTracker:
    """A Jira tracker for project OPS on the test server, with a fake sleep and clock."""
    return JiraTracker(session, site_url=httpserver.url_for("/"), project="OPS", email=JIRA_EMAIL,
                       token=JIRA_TOKEN, timeout=5, sleep=sleeps.append, clock=lambda: CLOCK)


def six_item_postmortem(**overrides: Any):
    """Return a complete post-mortem with three factors and six action items AI-001…AI-006."""
    factors = (
        ContributingFactor("F1", FactorCategory.MONITORING_GAP, "Pool utilisation was not monitored."),
        ContributingFactor("F2", FactorCategory.TESTING_GAP, "Load tests did not exercise the new query."),
        ContributingFactor("F3", FactorCategory.RUNBOOK_GAP, "No runbook covered pool saturation."),
    )
    owners = ("@dan", "@maria", "@sam", "@dan", "@maria", "@lee")
    actions = tuple(
        ActionItem(f"AI-00{n}", f"Change number {n}: add the pool alert variant {n} to the Checkout dashboard",
                   owner=owners[n - 1], deadline=date(2026, 3, 20 + n),
                   priority=(Priority.HIGH, Priority.MEDIUM)[n % 2],
                   factor_ids=(("F1",), ("F2",), ("F3",), ("F1", "F2"), ("F2",), ("F3",))[n - 1],
                   end_state=f"Alert variant {n} fires in staging.", status=ActionStatus.OPEN)
        for n in range(1, 7)
    )
    values: dict[str, Any] = {"factors": factors, "actions": actions, "next_action_number": 7}
    return complete_postmortem(**{**values, **overrides})


@dataclass
class InMemoryTracker:
    """A ``Tracker`` kept in a dict: for service and UI tests that need no HTTP."""

    name: str = "Memory"
    tickets: dict[str, Any] = field(default_factory=dict)
    states: dict[str, Any] = field(default_factory=dict)
    refuse: dict[str, Any] = field(default_factory=dict)  # item id → TrackerError to raise for it

    def owns(self, url: str) -> bool:
        """Return True for memory:// URLs."""
        return url.startswith("memory://")

    def create(self, ticket: Any) -> str:
        """Store the ticket and return its URL."""
        if ticket.item_id in self.refuse:
            raise self.refuse[ticket.item_id]
        url = f"memory://{len(self.tickets) + 1}"
        self.tickets[url] = ticket
        return url

    def update(self, url: str, ticket: Any) -> bool:
        """Replace the stored ticket; True if it differed."""
        if ticket.item_id in self.refuse:
            raise self.refuse[ticket.item_id]
        changed = self.tickets.get(url) != ticket
        self.tickets[url] = ticket
        return changed

    def fetch(self, item_id: str, url: str) -> Any:
        """Return the state set in ``states`` (open by default)."""
        if item_id in self.refuse:
            raise self.refuse[item_id]
        return self.states.get(url, TicketState(ActionStatus.OPEN, None, ""))
