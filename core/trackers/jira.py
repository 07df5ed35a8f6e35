"""Jira Cloud REST v3 as the tracker: one issue per action item (ADF description), its status read back."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

import requests
from pydantic import BaseModel

from core.errors import InvalidInputError
from core.models import ActionStatus
from core.trackers import http
from core.trackers.base import MANAGED_LABELS, Ticket, TicketState, TrackerError

SOURCE = "Jira"
_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")
_PROJECT = re.compile(r"^[A-Z][A-Z0-9_]*$")
_STATUS = {"new": ActionStatus.OPEN, "indeterminate": ActionStatus.IN_PROGRESS, "done": ActionStatus.DONE}


class _Created(BaseModel):
    key: str


class _User(BaseModel):
    accountId: str  # noqa: N815 (Jira's field name)
    displayName: str = ""  # noqa: N815


class _StatusCategory(BaseModel):
    key: str


class _Status(BaseModel):
    statusCategory: _StatusCategory  # noqa: N815


class _Fields(BaseModel):
    summary: str = ""
    description: dict[str, object] | None = None
    labels: list[str] = []
    assignee: _User | None = None
    status: _Status | None = None
    resolutiondate: datetime | None = None


class _Issue(BaseModel):
    key: str
    fields: _Fields


class _ErrorBody(BaseModel):
    errorMessages: list[str] = []  # noqa: N815
    errors: dict[str, str] = {}


class JiraTracker:
    """Issues of one Jira Cloud project; Basic auth with email and API token, never put in a message."""

    name = SOURCE

    def __init__(
        self,
        session: requests.Session,
        *,
        site_url: str,
        project: str,
        email: str,
        token: str,
        issue_type: str = "Task",
        timeout: float = 15.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not _PROJECT.match(project.strip()):
            raise InvalidInputError(f"{project!r} is not a Jira project key: give it in capitals, e.g. OPS.")
        self.project = project.strip()
        self.issue_type = issue_type
        credentials = base64.b64encode(f"{email}:{token}".encode()).decode("ascii")
        headers = {"Authorization": f"Basic {credentials}", "Accept": "application/json"}
        self._client = http.Client(
            session, source=SOURCE, base=http.base_url(site_url, source=SOURCE), headers=headers, secret=token,
            timeout=timeout, max_wait=max_wait, sleep=sleep, clock=clock,
        )

    def __repr__(self) -> str:
        return f"JiraTracker(site_url={self._client.base!r}, project={self.project!r})"

    def owns(self, url: str) -> bool:
        """Return True if ``url`` is an issue page (…/browse/KEY-1) of this Jira site."""
        return self._key(url) is not None

    def create(self, ticket: Ticket) -> str:
        """Create the issue and return its browse URL."""
        fields: dict[str, object] = {
            "project": {"key": self.project},
            "issuetype": {"name": self.issue_type},
            **self._content(ticket),
        }
        response = self._client.send("POST", "/rest/api/3/issue", item_id=ticket.item_id, json={"fields": fields})
        if response.status_code != 201:
            raise self._failure(ticket.item_id, response, creating=True)
        key = self._client.parse(response, _Created, item_id=ticket.item_id).key
        return f"{self._client.base}/browse/{key}"

    def update(self, url: str, ticket: Ticket) -> bool:
        """PUT the summary, description, labels or assignee where they differ from ``ticket``."""
        key, issue = self._get(ticket.item_id, url, "summary,description,labels,assignee")
        wanted = self._content(ticket)
        current = issue.fields
        labels = [name for name in current.labels if name not in MANAGED_LABELS] + _labels(ticket)
        changes: dict[str, object] = {}
        if current.summary != wanted["summary"]:
            changes["summary"] = wanted["summary"]
        if current.description != wanted["description"]:
            changes["description"] = wanted["description"]
        if set(labels) != set(current.labels):
            changes["labels"] = labels
        # an unmapped owner leaves whoever is assigned in Jira alone
        if "assignee" in wanted and (current.assignee is None or current.assignee.accountId != ticket.assignee):
            changes["assignee"] = wanted["assignee"]
        if not changes:
            return False
        response = self._client.send("PUT", f"/rest/api/3/issue/{key}", item_id=ticket.item_id,
                                     json={"fields": changes})
        if response.status_code not in (200, 204):
            raise self._failure(ticket.item_id, response, creating=False)
        return True

    def fetch(self, item_id: str, url: str) -> TicketState:
        """Return the status category (done means done), the resolution date and the assignee."""
        _, issue = self._get(item_id, url, "status,resolutiondate,assignee")
        fields = issue.fields
        category = fields.status.statusCategory.key if fields.status else "new"
        status = _STATUS.get(category, ActionStatus.OPEN)
        closed_on = fields.resolutiondate.astimezone(UTC).date() if fields.resolutiondate else None
        assignee = (fields.assignee.displayName or fields.assignee.accountId) if fields.assignee else ""
        return TicketState(status, closed_on if status is ActionStatus.DONE else None, assignee)

    def _content(self, ticket: Ticket) -> dict[str, object]:
        content: dict[str, object] = {
            "summary": ticket.title[:255],
            "description": render_description(ticket),
            "labels": _labels(ticket),
        }
        if ticket.assignee:
            content["assignee"] = {"accountId": ticket.assignee}
        return content

    def _get(self, item_id: str, url: str, fields: str) -> tuple[str, _Issue]:
        key = self._key(url)
        if key is None:
            raise TrackerError(item_id, f"{url} is not an issue of the Jira site {self._client.base}")
        response = self._client.send("GET", f"/rest/api/3/issue/{key}", item_id=item_id, params={"fields": fields})
        if response.status_code != 200:
            raise self._failure(item_id, response, creating=False)
        return key, self._client.parse(response, _Issue, item_id=item_id)

    def _key(self, url: str) -> str | None:
        prefix = f"{self._client.base}/browse/"
        cleaned = url.strip().rstrip("/")
        if not cleaned.lower().startswith(prefix.lower()):
            return None
        key = cleaned[len(prefix):]
        return key if _KEY.match(key) else None

    def _failure(self, item_id: str, response: requests.Response, *, creating: bool) -> TrackerError:
        code = response.status_code
        detail = self._client.scrub(_error_text(response))
        if code == 401:
            return TrackerError(item_id, "Jira token rejected (HTTP 401): check the email and API token", fatal=True)
        if code == 403:
            return TrackerError(item_id, f"Jira refused the request (HTTP 403): {detail}", fatal=creating)
        if code == 404:
            what = f"project {self.project} not found or no access" if creating else "issue not found, or no access"
            return TrackerError(item_id, f"{what} (HTTP 404)", fatal=creating)
        if code == 400:
            return TrackerError(item_id, f"Jira rejected the issue: {detail}")
        if code >= 500:
            return TrackerError(item_id, f"Jira had a server error (HTTP {code}), retry later")
        return TrackerError(item_id, f"Jira answered HTTP {code}: {detail}")


def render_description(ticket: Ticket) -> dict[str, object]:
    """Return the issue description as an Atlassian Document: the facts, then a link back to the post-mortem."""
    paragraphs = [
        _paragraph(_text(f"Action item {ticket.item_id} from post-mortem "), _text(ticket.pm_id, href=ticket.pm_url),
                   _text(f": {ticket.pm_title}" if ticket.pm_title else ".")),
        *(_paragraph(_text(f"{label}: ", strong=True), _text(value)) for label, value in ticket.facts()),
    ]
    return {"type": "doc", "version": 1, "content": paragraphs}


def _paragraph(*nodes: dict[str, object]) -> dict[str, object]:
    return {"type": "paragraph", "content": list(nodes)}


def _text(text: str, *, href: str = "", strong: bool = False) -> dict[str, object]:
    marks: list[dict[str, object]] = []
    if strong:
        marks.append({"type": "strong"})
    if href:
        marks.append({"type": "link", "attrs": {"href": href}})
    return {"type": "text", "text": text, "marks": marks} if marks else {"type": "text", "text": text}


def _labels(ticket: Ticket) -> list[str]:
    return ["-".join(label.split()) for label in ticket.labels]  # Jira labels may not contain spaces


def _error_text(response: requests.Response) -> str:
    try:
        body = _ErrorBody.model_validate_json(response.content)
    except ValueError:
        return response.text[:200] or response.reason
    details = [*body.errorMessages, *(f"{field}: {message}" for field, message in body.errors.items())]
    return "; ".join(details) or response.reason
