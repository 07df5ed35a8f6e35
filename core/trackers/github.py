"""GitHub REST issues as the tracker: one issue per action item, its state read back."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

import requests
from pydantic import BaseModel

from core.errors import InvalidInputError
from core.models import ActionStatus
from core.trackers import http
from core.trackers.base import MANAGED_LABELS, Ticket, TicketState, TrackerError

SOURCE = "GitHub"
API_URL = "https://api.github.com"
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class _Label(BaseModel):
    name: str


class _User(BaseModel):
    login: str


class _Issue(BaseModel):
    number: int
    html_url: str
    title: str
    body: str | None = None
    state: Literal["open", "closed"]
    state_reason: str | None = None
    closed_at: datetime | None = None
    labels: list[_Label] = []
    assignees: list[_User] = []


class _ErrorDetail(BaseModel):
    field: str = ""
    code: str = ""
    message: str = ""


class _ErrorBody(BaseModel):
    message: str = ""
    errors: list[_ErrorDetail | str] = []


class GitHubTracker:
    """Issues of one GitHub repository; the token is sent as a bearer header and never put in a message."""

    name = SOURCE

    def __init__(
        self,
        session: requests.Session,
        *,
        repo: str,
        token: str,
        api_url: str = API_URL,
        timeout: float = 15.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not _REPO.match(repo.strip()):
            raise InvalidInputError(f"{repo!r} is not a GitHub repository: give it as OWNER/REPO, e.g. acme/shop.")
        self.repo = repo.strip()
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        self._client = http.Client(
            session, source=SOURCE, base=http.base_url(api_url, source=SOURCE), headers=headers, secret=token,
            timeout=timeout, max_wait=max_wait, sleep=sleep, clock=clock,
        )

    def __repr__(self) -> str:
        return f"GitHubTracker(repo={self.repo!r}, api_url={self._client.base!r})"

    def owns(self, url: str) -> bool:
        """Return True if ``url`` is an issue of this repository, on github.com or GitHub Enterprise."""
        return self._number(url) is not None

    def create(self, ticket: Ticket) -> str:
        """Open the issue and return its html_url."""
        payload: dict[str, object] = {"title": ticket.title, "body": render_body(ticket), "labels": list(ticket.labels)}
        if ticket.assignee:
            payload["assignees"] = [ticket.assignee]
        response = self._client.send("POST", f"/repos/{self.repo}/issues", item_id=ticket.item_id, json=payload)
        if response.status_code != 201:
            raise self._failure(ticket.item_id, response, creating=True)
        return self._client.parse(response, _Issue, item_id=ticket.item_id).html_url

    def update(self, url: str, ticket: Ticket) -> bool:
        """PATCH the issue's title, body, labels or assignee where they differ from ``ticket``."""
        issue = self._get(ticket.item_id, url)
        patch: dict[str, object] = {}
        if issue.title != ticket.title:
            patch["title"] = ticket.title
        body = render_body(ticket)
        if (issue.body or "") != body:
            patch["body"] = body
        current = [label.name for label in issue.labels]
        labels = [name for name in current if name not in MANAGED_LABELS] + list(ticket.labels)
        if set(labels) != set(current):
            patch["labels"] = labels
        # an unmapped owner leaves whoever is assigned in GitHub alone
        if ticket.assignee and ticket.assignee not in {user.login for user in issue.assignees}:
            patch["assignees"] = [ticket.assignee]
        if not patch:
            return False
        response = self._client.send("PATCH", self._issue_path(issue.number), item_id=ticket.item_id, json=patch)
        if response.status_code != 200:
            raise self._failure(ticket.item_id, response, creating=False)
        return True

    def fetch(self, item_id: str, url: str) -> TicketState:
        """Return open/closed (closed as not planned means dropped), the closing date and the assignees."""
        issue = self._get(item_id, url)
        if issue.state == "open":
            status, closed_on = ActionStatus.OPEN, None
        else:
            status = ActionStatus.DROPPED if issue.state_reason == "not_planned" else ActionStatus.DONE
            closed_on = issue.closed_at.astimezone(UTC).date() if issue.closed_at else None
        return TicketState(status, closed_on, ", ".join(user.login for user in issue.assignees))

    def _get(self, item_id: str, url: str) -> _Issue:
        number = self._number(url)
        if number is None:
            raise TrackerError(item_id, f"{url} is not an issue of {self.repo}")
        response = self._client.send("GET", self._issue_path(number), item_id=item_id)
        if response.status_code != 200:
            raise self._failure(item_id, response, creating=False)
        return self._client.parse(response, _Issue, item_id=item_id)

    def _number(self, url: str) -> int | None:
        match = re.search(r"/([^/]+/[^/]+)/issues/(\d+)/?$", url.strip())
        if match is None or match.group(1).lower() != self.repo.lower():
            return None
        return int(match.group(2))

    def _issue_path(self, number: int) -> str:
        return f"/repos/{self.repo}/issues/{number}"

    def _failure(self, item_id: str, response: requests.Response, *, creating: bool) -> TrackerError:
        code = response.status_code
        detail = self._client.scrub(_error_text(response))
        if code == 401:
            return TrackerError(item_id, "GitHub token rejected (HTTP 401): check that it is valid and not expired",
                                fatal=True)
        if code == 404:
            what = "repository not found or no access" if creating else "issue not found, or no access to it"
            return TrackerError(item_id, f"{what} ({self.repo}, HTTP 404)", fatal=creating)
        if code == 410:
            return TrackerError(item_id, f"issues are disabled in {self.repo} (HTTP 410)", fatal=creating)
        if code == 403:
            return TrackerError(item_id, f"GitHub refused the request (HTTP 403): {detail}", fatal=creating)
        if code == 422:
            return TrackerError(item_id, f"GitHub rejected the issue: {detail}")
        if code >= 500:
            return TrackerError(item_id, f"GitHub had a server error (HTTP {code}), retry later")
        return TrackerError(item_id, f"GitHub answered HTTP {code}: {detail}")


def render_body(ticket: Ticket) -> str:
    """Return the issue body in GitHub Markdown: the facts, then a link back to the post-mortem."""
    lines = [f"Action item **{ticket.item_id}** from post-mortem **{ticket.pm_id}**: {ticket.pm_title}", ""]
    for label, value in ticket.facts():
        # owners are people in the wizard, not necessarily GitHub logins: a code span avoids pinging a stranger
        shown = f"`{value}`" if label == "Owner" and value.startswith("@") else value
        lines.append(f"- **{label}:** {shown}")
    lines += ["", f"Post-mortem: [{ticket.pm_id}]({ticket.pm_url})"]
    return "\n".join(lines)


def _error_text(response: requests.Response) -> str:
    try:
        body = _ErrorBody.model_validate_json(response.content)
    except ValueError:
        return response.text[:200] or response.reason
    details = [_detail_text(d) for d in body.errors]
    extra = f" ({'; '.join(details)})" if details else ""
    return f"{body.message or response.reason}{extra}"


def _detail_text(detail: _ErrorDetail | str) -> str:
    if isinstance(detail, str):
        return detail
    if detail.message:
        return detail.message
    return f"{detail.field}: {detail.code}" if detail.field else detail.code
