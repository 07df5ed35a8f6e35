"""Slack Web API: a channel's messages over the incident window (``conversations.history``) as chat events.

Thread replies are not in ``conversations.history``; the export (``core.ingest.structured.slack``) has them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import requests

from core.connectors import egress, http
from core.connectors.errors import ConnectorError
from core.ingest import ImportResult
from core.ingest.structured import records, slack
from core.models import SourceKind, TimeWindow

SOURCE = "Slack"
API_URL = "https://slack.com/api"
PAGE_SIZE = 200
MAX_PAGES = 50
_TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                           "missing_scope", "no_permission"})
_CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})


class SlackConnector:
    """Read a channel's history and the workspace's user names with a bot or user token."""

    def __init__(self, session: requests.Session, *, token: str, api_url: str = API_URL,
                 timeout: float = 15.0) -> None:
        self._session = session
        self._token = token
        self._api = http.base_url(api_url)
        self._timeout = timeout

    def import_channel(self, channel_id: str, window: TimeWindow, *, now: datetime, channel_name: str = "",
                       margin: timedelta = records.MARGIN) -> ImportResult:
        """Return the channel's messages in the window ± ``margin`` as chat events (names from ``users.list``)."""
        names = slack.directory(self._pages("users.list", {}, "members", records.Tally("users.list", None)))
        name = channel_name.lstrip("#") or channel_id
        tally = records.Tally(f"Slack #{name}", window, margin)
        params = {
            "channel": channel_id,
            "oldest": f"{(window.start - margin).timestamp():.6f}",
            "latest": f"{(window.end + margin).timestamp():.6f}",
            "inclusive": "true",
        }
        items = (
            (f"message {n}", m)
            for n, m in enumerate(self._pages("conversations.history", params, "messages", tally), start=1)
        )
        events = slack.events_from_messages(items, tally, channel=name, names=names)
        return tally.result(SourceKind.CHAT, now=now, query=channel_id, events=events)

    def _pages(self, method: str, params: dict[str, str], key: str, tally: records.Tally) -> Iterator[object]:
        cursor = ""
        for _ in range(MAX_PAGES):
            doc = self._call(method, {**params, "limit": str(PAGE_SIZE), **({"cursor": cursor} if cursor else {})})
            found = doc.get(key)
            yield from found if isinstance(found, list) else []
            metadata = doc.get("response_metadata")
            cursor = str(metadata.get("next_cursor") or "") if isinstance(metadata, dict) else ""
            if not cursor:
                return
        tally.reject("", f"more than {MAX_PAGES * PAGE_SIZE} items: only the first {MAX_PAGES} pages were read")

    def _call(self, method: str, params: dict[str, str]) -> dict[str, object]:
        doc = http.get_json(self._session, f"{self._api}/{method}", source=SOURCE, server=self._api,
                            timeout=self._timeout, params=params, headers={"Authorization": f"Bearer {self._token}"})
        if not isinstance(doc, dict):
            raise ConnectorError(f"{egress.redact(self._api)} did not answer like the Slack API: check the address.")
        if doc.get("ok") is True:
            return doc
        error = str(doc.get("error", "unknown_error"))
        if error in _TOKEN_ERRORS:
            raise ConnectorError(f"Slack refused the request ({error}): check the token "
                                 "(it needs the channels:history and users:read scopes).")
        if error in _CHANNEL_ERRORS:
            channel = params.get("channel", "")
            raise ConnectorError(f"Slack cannot read channel {channel} ({error}): check the channel id "
                                 "and invite the app to the channel.")
        if error == "ratelimited":
            raise ConnectorError("Slack is limiting requests (ratelimited): try again in a minute.")
        raise ConnectorError(f"Slack answered {method} with an error: {error}.")
