"""PagerDuty REST API v2: an incident's log entries (who was paged, who acknowledged, notes) as page events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import quote

import requests

from core.connectors import egress, http
from core.connectors.errors import ConnectorError
from core.ingest import ImportResult
from core.ingest.structured import pagerduty, records
from core.models import SourceKind, TimeWindow

SOURCE = "PagerDuty"
API_URL = "https://api.pagerduty.com"
PAGE_SIZE = 100
MAX_PAGES = 100


class PagerDutyConnector:
    """Read an incident's log entries, following PagerDuty's offset pagination."""

    def __init__(self, session: requests.Session, *, token: str, api_url: str = API_URL,
                 timeout: float = 15.0) -> None:
        self._session = session
        self._token = token
        self._api = http.base_url(api_url)
        self._timeout = timeout

    def import_incident(self, incident_id: str, window: TimeWindow, *, now: datetime,
                        margin: timedelta = records.MARGIN) -> ImportResult:
        """Return the incident's trigger, notify, acknowledge, escalate, note and resolve entries as events."""
        origin = f"{egress.redact(self._api)}/incidents/{incident_id}"
        tally = records.Tally(origin, window, margin)
        events = pagerduty.events_from_entries(self._entries(incident_id, tally), tally)
        return tally.result(SourceKind.PAGING, now=now, query=incident_id, events=events)

    def _entries(self, incident_id: str, tally: records.Tally) -> Iterator[tuple[str, object]]:
        url = f"{self._api}/incidents/{quote(incident_id.strip(), safe='')}/log_entries"
        headers = {
            "Authorization": f"Token token={self._token}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        }
        offset = 0
        for page in range(1, MAX_PAGES + 1):
            params: dict[str, str | int | list[str]] = {
                "time_zone": "UTC", "is_overview": "false", "include[]": ["channels"],
                "limit": PAGE_SIZE, "offset": offset,
            }
            doc = http.get_json(self._session, url, source=SOURCE, server=self._api, timeout=self._timeout,
                                params=params, headers=headers, describe=_error_text)
            entries = doc.get("log_entries") if isinstance(doc, dict) else None
            if not isinstance(doc, dict) or not isinstance(entries, list):
                raise ConnectorError(
                    f"{egress.redact(self._api)} did not answer with log entries: is it the PagerDuty API address?"
                )
            yield from ((f"page {page} item {n}", e) for n, e in enumerate(entries, start=1))
            if not doc.get("more") or not entries:
                return
            offset += len(entries)
        tally.reject("", f"more than {MAX_PAGES * PAGE_SIZE} log entries: only the first {MAX_PAGES} pages were read")


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        details = error.get("errors")
        extra = f": {'; '.join(map(str, details))}" if isinstance(details, list) and details else ""
        return f"{error.get('message', '')}{extra}"
    return response.text[:300]
