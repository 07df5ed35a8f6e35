"""The Alertmanager connector (and the amtool JSON importer) against a real Alertmanager."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import requests

from core.connectors.alertmanager import AlertmanagerConnector
from core.connectors.errors import ConnectorError
from core.ingest.structured import alertmanager
from core.models import EventKind, SourceKind
from tests.connectors.conftest import INCIDENT, Server, binary, free_port

NOW = datetime(2024, 5, 2, tzinfo=UTC)
STARTS = {
    "HighErrorRate": datetime(2024, 5, 1, 10, 6, tzinfo=UTC),
    "DiskFilling": datetime(2024, 5, 1, 10, 20, tzinfo=UTC),
    "LongGone": datetime(2024, 5, 1, 10, 1, tzinfo=UTC),
}


@pytest.fixture(scope="module")
def alerts_posted(alertmanager_server: Server) -> Server:
    """Two firing alerts (one silenced) and one already resolved, posted like Prometheus would."""
    def alert(name: str, severity: str, **extra: str) -> dict[str, object]:
        return {"labels": {"alertname": name, "service": "checkout", "severity": severity},
                "annotations": {"summary": f"{name} on checkout"}, "startsAt": STARTS[name].isoformat(),
                "generatorURL": f"http://prometheus:9090/graph?g0.expr={name}", **extra}

    ends = (STARTS["LongGone"] + timedelta(minutes=5)).isoformat()
    with requests.Session() as http_session:
        posted = http_session.post(f"{alertmanager_server.url}/api/v2/alerts", timeout=5, json=[
            alert("HighErrorRate", "critical"), alert("DiskFilling", "warning"),
            alert("LongGone", "info", endsAt=ends),
        ])
        assert posted.status_code == 200, posted.text
        silence = http_session.post(f"{alertmanager_server.url}/api/v2/silences", timeout=5, json={
            "matchers": [{"name": "alertname", "value": "DiskFilling", "isRegex": False, "isEqual": True}],
            "startsAt": datetime.now(UTC).isoformat(), "endsAt": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
            "createdBy": "tests", "comment": "known, being fixed",
        })
        assert silence.status_code == 200, silence.text
    return alertmanager_server


def test_current_alerts_become_open_intervals(session, alerts_posted: Server):
    result = AlertmanagerConnector(session).import_alerts(alerts_posted.url, INCIDENT, now=NOW)
    found = {a.name: a for a in result.alerts}
    assert set(found) == {"HighErrorRate", "DiskFilling"}  # a resolved alert has left Alertmanager
    assert found["HighErrorRate"].start == STARTS["HighErrorRate"]
    assert found["HighErrorRate"].end is None
    assert found["HighErrorRate"].severity == "critical"
    assert dict(found["HighErrorRate"].labels) == {"service": "checkout", "severity": "critical"}
    source = result.source
    assert (source.kind, source.origin, source.records_read, source.records_rejected) == (
        SourceKind.ALERTS, alerts_posted.url, 2, 0)


def test_firing_events_carry_the_summary_and_silences(session, alerts_posted: Server):
    result = AlertmanagerConnector(session).import_alerts(alerts_posted.url, INCIDENT, now=NOW)
    assert [(e.time, e.event) for e in result.events] == [
        (STARTS["HighErrorRate"], "HighErrorRate firing"), (STARTS["DiskFilling"], "DiskFilling firing")]
    assert all((e.source, e.actor, e.kind) == ("Alertmanager", "System", EventKind.ALERT) for e in result.events)
    assert result.events[0].evidence.startswith("HighErrorRate on checkout;")
    assert "(silenced or inhibited)" in result.events[1].evidence


def test_filters_are_passed_to_alertmanager(session, alerts_posted: Server):
    result = AlertmanagerConnector(session).import_alerts(
        alerts_posted.url, INCIDENT, now=NOW, filters=('severity="critical"',))
    assert [a.name for a in result.alerts] == ["HighErrorRate"]
    assert result.source.query == 'severity="critical"'


def test_alerts_outside_the_window_are_counted_not_kept(session, alerts_posted: Server):
    later = type(INCIDENT)(INCIDENT.start + timedelta(days=10), INCIDENT.end + timedelta(days=10))
    result = AlertmanagerConnector(session).import_alerts(alerts_posted.url, later, now=NOW)
    # both alerts are still firing, so they overlap any later window
    assert {a.name for a in result.alerts} == {"HighErrorRate", "DiskFilling"}
    earlier = type(INCIDENT)(INCIDENT.start - timedelta(days=10), INCIDENT.end - timedelta(days=10))
    result = AlertmanagerConnector(session).import_alerts(alerts_posted.url, earlier, now=NOW)
    assert result.alerts == ()
    assert (result.skipped_outside_window, result.source.records_rejected, result.source.covered) == (2, 0, None)


def test_amtool_json_imports_like_the_api(alerts_posted: Server):
    out = subprocess.run(
        [binary("amtool"), f"--alertmanager.url={alerts_posted.url}", "alert", "query", "-o", "json"],
        capture_output=True, check=True, timeout=30,
    ).stdout
    result = alertmanager.import_file(out, origin="amtool.json", window=INCIDENT, now=NOW)
    assert [a.name for a in result.alerts] == ["HighErrorRate"]  # amtool shows unsilenced alerts by default
    assert result.alerts[0].start == STARTS["HighErrorRate"] and result.alerts[0].end is None


def test_a_server_that_is_down_is_named_in_plain_words(session):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ConnectorError, match=rf"Could not connect to Alertmanager: is the server at {url} reachable"):
        AlertmanagerConnector(session).import_alerts(url, INCIDENT, now=NOW)


def test_prometheus_is_not_alertmanager(session, prometheus_server: Server):
    with pytest.raises(ConnectorError, match="Alertmanager"):
        AlertmanagerConnector(session).import_alerts(prometheus_server.url, INCIDENT, now=NOW)
