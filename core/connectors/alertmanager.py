"""Alertmanager API v2: the alerts it holds now (it keeps no history: resolved alerts leave it)."""

from __future__ import annotations

from datetime import datetime, timedelta

import requests

from core.connectors import egress, http
from core.connectors.errors import ConnectorError
from core.ingest import ImportResult
from core.ingest.structured import alertmanager, records
from core.models import SourceKind, TimeWindow

SOURCE = "Alertmanager"


class AlertmanagerConnector:
    """Read the current alerts (active, silenced, inhibited) of an Alertmanager."""

    def __init__(self, session: requests.Session, *, timeout: float = 15.0) -> None:
        self._session = session
        self._timeout = timeout

    def import_alerts(self, url: str, window: TimeWindow, *, now: datetime, margin: timedelta = records.MARGIN,
                      filters: tuple[str, ...] = ()) -> ImportResult:
        """Return the alerts touching the window ± ``margin`` as open intervals with their firing events.

        ``filters`` are Alertmanager matchers such as ``service="checkout"``.
        """
        server = http.base_url(url)
        params: dict[str, str | list[str]] = {
            "active": "true", "silenced": "true", "inhibited": "true", "unprocessed": "true",
        }
        if filters:
            params["filter"] = list(filters)
        doc = http.get_json(self._session, server + "/api/v2/alerts", source=SOURCE, server=server,
                            timeout=self._timeout, params=params)
        if not isinstance(doc, list):
            raise ConnectorError(
                f"{egress.redact(server)} did not answer with a list of alerts: is it the Alertmanager address?"
            )
        tally = records.Tally(egress.redact(server), window, margin)
        history = alertmanager.history_from_alerts(((f"alert {n}", a) for n, a in enumerate(doc, start=1)), tally)
        return tally.result(SourceKind.ALERTS, now=now, query=" ".join(filters), alerts=history.alerts,
                            events=history.events)
