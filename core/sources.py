"""Gather from a live source: one use case for the Gather page and ``postmortem gather``.

The caller brings the HTTP session (the app's is locked to the operator's configured server, or limited to
public addresses) and the token of that server; this module picks the connector and runs the import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import requests

from core import gathering
from core.connectors import alertmanager, egress, loki, pagerduty, prometheus, slack
from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.models import PostMortem


class Server(StrEnum):
    """What a live import reads, and from which kind of server."""

    PROMETHEUS = "prometheus"
    ALERT_HISTORY = "alert-history"
    ALERTMANAGER = "alertmanager"
    PAGERDUTY = "pagerduty"
    SLACK = "slack"
    LOKI = "loki"


@dataclass(frozen=True)
class SourceRequest:
    """One live import: the server's address and what to ask it.

    ``query`` is the PromQL (Prometheus), the LogQL (Loki), the incident id (PagerDuty) or the channel id
    (Slack); ``step`` the resolution of a Prometheus query (None: chosen from the window).
    """

    server: Server
    url: str
    query: str = ""
    step: timedelta | None = None


_NEEDS_QUERY = {Server.PROMETHEUS: "a PromQL query (e.g. sum(rate(http_requests_total[5m])))",
                Server.LOKI: 'a LogQL query (e.g. {app="checkout"})',
                Server.PAGERDUTY: "the PagerDuty incident id", Server.SLACK: "the Slack channel id"}


def read(pm: PostMortem, request: SourceRequest, *, session: requests.Session, token: str = "",
         now: datetime) -> ImportResult:
    """Run the import ``request`` names over the incident window and return what it found (nothing stored)."""
    query = request.query.strip()
    if request.server in _NEEDS_QUERY and not query:
        raise InvalidInputError(f"Give {_NEEDS_QUERY[request.server]} to import from {request.server.value}.")
    window = pm.window
    match request.server:
        case Server.PROMETHEUS:
            return prometheus.PrometheusConnector(session).import_metrics(request.url, query, window, now=now,
                                                                           step=request.step)
        case Server.ALERT_HISTORY:
            return prometheus.PrometheusConnector(session).import_alert_history(request.url, window, now=now)
        case Server.ALERTMANAGER:
            return alertmanager.AlertmanagerConnector(session).import_alerts(request.url, window, now=now)
        case Server.PAGERDUTY:
            return pagerduty.PagerDutyConnector(session, token=token, api_url=request.url).import_incident(
                query, window, now=now)
        case Server.SLACK:
            return slack.SlackConnector(session, token=token, api_url=request.url).import_channel(
                query, window, now=now)
        case Server.LOKI:
            return loki.LokiConnector(session).import_logs(
                request.url, query, window, now=now, consume=gathering.loki_candidates(pm, egress.redact(request.url)))
