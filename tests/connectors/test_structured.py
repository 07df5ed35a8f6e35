"""The saved-file importers on the demo telemetry and on broken variants of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import InvalidInputError
from core.ingest import structured
from core.ingest.structured import alert_history, alertmanager, pagerduty, prometheus
from core.models import EventKind, SourceKind, TimeWindow
from demo import story
from tests.connectors.test_slack import EXPORT, zipped

TELEMETRY = Path(__file__).resolve().parents[2] / "demo" / "telemetry"
WINDOW = TimeWindow(story.INCIDENT_START, story.INCIDENT_END)
NOW = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)
FILES = {
    "prometheus-query_range.json": "prometheus",
    "alerts-history.json": "prometheus-alerts",
    "alertmanager-alerts.json": "alertmanager",
    "pagerduty-log-entries.json": "pagerduty",
}


def _read(name: str) -> bytes:
    return (TELEMETRY / name).read_bytes()


def _json(name: str) -> object:
    return json.loads(_read(name))


@pytest.mark.parametrize(("name", "fmt"), FILES.items())
def test_detect_the_demo_files(name: str, fmt: str):
    assert structured.detect(_read(name), name) == fmt
    assert structured.detect(_read(name)[:400], name) == fmt  # a truncated file is still recognised


def test_detect_other_files():
    assert structured.detect(zipped(EXPORT), "export.zip") == "slack"
    assert structured.detect(zipped(EXPORT / "inc-checkout"), "photos.zip") == "slack"  # the importer will explain
    assert structured.detect(zipped(EXPORT / "inc-checkout"), "photos.bin") is None
    assert structured.detect(_read("nginx-access.log"), "nginx-access.log") is None
    assert structured.detect(b"", "empty.json") is None


def test_demo_metrics():
    result = structured.import_file(_read("prometheus-query_range.json"), origin="q.json", window=WINDOW, now=NOW)
    raw = _json("prometheus-query_range.json")["data"]["result"]
    assert [s.query for s in result.series] == [r["metric"]["__name__"] for r in raw]
    assert all(s.labels == (("service", "checkout"),) for s in result.series)
    assert [len(s.points) for s in result.series] == [len(r["values"]) for r in raw]
    assert result.series[0].points[0].value == float(raw[0]["values"][0][1])
    source = result.source
    assert (source.kind, source.origin, source.imported_at, source.records_rejected) == (
        SourceKind.METRICS, "q.json", NOW, 0)
    assert source.records_read == sum(len(r["values"]) for r in raw)
    assert source.covered == TimeWindow(story.TELEMETRY_START, story.TELEMETRY_END)


def test_demo_alert_history_matches_the_story_within_a_step():
    result = structured.import_file(_read("alerts-history.json"), origin="alerts.json", window=WINDOW, now=NOW)
    assert result.source.kind is SourceKind.ALERTS
    assert {a.name for a in result.alerts} == set(story.ALERT_TIMES)
    for alert in result.alerts:
        _, firing, resolved = story.ALERT_TIMES[alert.name]
        assert timedelta(0) <= alert.start - firing < story.STEP
        assert alert.end is not None and timedelta(0) < resolved - alert.end <= story.STEP
    events = [(e.event, e.source, e.actor, e.kind) for e in result.events]
    assert ("HighErrorRate firing", "Prometheus", "System", EventKind.ALERT) in events
    assert ("HighLatency resolved", "Prometheus", "System", EventKind.ALERT) in events
    assert len(events) == 4


def test_demo_alertmanager_snapshot():
    result = structured.import_file(_read("alertmanager-alerts.json"), origin="am.json", window=WINDOW, now=NOW)
    for alert in result.alerts:
        assert abs(alert.start - story.ALERT_TIMES[alert.name][1]) < timedelta(seconds=1)
        assert alert.end is None  # the snapshot was taken while both fired
    assert [e.event for e in result.events] == ["HighErrorRate firing", "HighLatency firing"]
    assert result.events[0].evidence.startswith("Checkout 5xx ratio above 5% for 1 min;")


def test_demo_pagerduty_log():
    result = structured.import_file(_read("pagerduty-log-entries.json"), origin="pd.json", window=WINDOW, now=NOW)
    entries = _json("pagerduty-log-entries.json")["log_entries"]
    assert result.source.kind is SourceKind.PAGING
    assert result.source.records_read == len(entries) and len(result.events) == len(entries)
    by_time = {e.time: e for e in result.events}
    assert by_time[story.PAGED].event.startswith("Page triggered: ") and by_time[story.PAGED].actor == "System"
    assert (by_time[story.ACKED].event, by_time[story.ACKED].actor) == ("Acknowledged by Maria Lopez", "Maria Lopez")
    assert by_time[story.RESOLVED].event == "Resolved by Maria Lopez"
    assert any(e.event.startswith("Note: ") for e in result.events)
    assert all(e.source == "PagerDuty" and e.kind is EventKind.PAGE for e in result.events)


def test_same_file_same_event_ids():
    first = structured.import_file(_read("pagerduty-log-entries.json"), origin="a.json", window=WINDOW, now=NOW)
    again = structured.import_file(_read("pagerduty-log-entries.json"), origin="b.json", window=WINDOW, now=NOW)
    assert [e.id for e in first.events] == [e.id for e in again.events]


def test_truncated_metrics_keep_the_whole_series_before_the_cut():
    data = _read("prometheus-query_range.json")
    result = prometheus.import_file(data[: int(len(data) * 0.6)], origin="q.json", window=WINDOW, now=NOW)
    assert len(result.series) == 2
    assert result.source.records_rejected == 1
    [reason] = result.source.rejected_reasons
    assert reason.startswith("q.json: the file ends in the middle of item 3 (line 1)") and "truncated" in reason


def test_bad_samples_and_series_are_rejected_by_position():
    doc = _json("prometheus-query_range.json")
    result_list = doc["data"]["result"]
    result_list[0]["values"][2][1] = "abc"
    result_list[0]["values"][4] = [1773496260]
    del result_list[1]["values"]
    result_list[2]["values"][0][0] = "tomorrow"
    result = prometheus.import_file(json.dumps(doc).encode(), origin="q.json", window=WINDOW, now=NOW)
    assert result.source.rejected_reasons == (
        "q.json series 1 sample 3: value 'abc' is not a number",
        "q.json series 1 sample 5: [1773496260] is not a [time, \"value\"] pair",
        "q.json series 2: values missing",
        "q.json series 3 sample 1: time 'tomorrow' is not a Unix timestamp",
    )
    assert len(result.series) == 3 and len(result.series[0].points) == len(result_list[0]["values"]) - 2


def test_only_five_reasons_are_kept_but_all_are_counted():
    doc = _json("pagerduty-log-entries.json")
    for entry in doc["log_entries"]:
        del entry["created_at"]
    result = pagerduty.import_file(json.dumps(doc).encode(), origin="pd.json", window=WINDOW, now=NOW)
    assert result.events == ()
    assert result.source.records_rejected == len(doc["log_entries"]) > 5
    assert result.source.rejected_reasons == tuple(f"pd.json item {n}: created_at missing" for n in range(1, 6))


def test_an_alert_missing_a_field_does_not_stop_the_others():
    doc = _json("alertmanager-alerts.json")
    del doc[1]["startsAt"]
    doc.append({"labels": {"severity": "page"}, "startsAt": "2026-03-14T14:05:00Z"})
    doc.append({"labels": {"alertname": "X"}, "startsAt": "2026-03-14T14:05:00"})
    result = alertmanager.import_file(json.dumps(doc).encode(), origin="alerts.json", window=WINDOW, now=NOW)
    assert [a.name for a in result.alerts] == ["HighErrorRate"]
    assert result.source.rejected_reasons[:2] == (
        "alerts.json item 2: startsAt missing", "alerts.json item 3: labels.alertname missing")
    assert result.source.rejected_reasons[2].startswith("alerts.json item 4: startsAt '2026-03-14T14:05:00': ")
    assert "time zone" in result.source.rejected_reasons[2]


def test_a_truncated_alert_list_keeps_the_complete_alerts():
    data = json.dumps(_json("alertmanager-alerts.json"), indent=2).encode()
    result = alertmanager.import_file(data[: len(data) - 40], origin="alerts.json", window=WINDOW, now=NOW)
    assert [a.name for a in result.alerts] == ["HighErrorRate"]
    assert result.source.rejected_reasons[0].startswith("alerts.json: the file ends in the middle of item 2")


def test_pagerduty_list_of_pages_and_truncation():
    entries = _json("pagerduty-log-entries.json")["log_entries"]
    pages = [{"log_entries": entries[:3], "more": True, "offset": 0}, {"log_entries": entries[3:], "more": False}]
    pages[1]["log_entries"][0] = {**entries[3], "created_at": "yesterday"}
    data = json.dumps(pages).encode()
    result = pagerduty.import_file(data, origin="pd.json", window=WINDOW, now=NOW)
    assert len(result.events) == len(entries) - 1
    assert result.source.rejected_reasons[0].startswith("pd.json page 2 item 1: created_at 'yesterday': ")
    cut = pagerduty.import_file(data[: len(data) - 300], origin="pd.json", window=WINDOW, now=NOW)
    assert 3 < len(cut.events) < len(entries) - 1
    assert "truncated" in cut.source.rejected_reasons[0]


def test_records_outside_the_window_are_counted_not_kept():
    later = TimeWindow(WINDOW.start + timedelta(days=1), WINDOW.end + timedelta(days=1))
    result = pagerduty.import_file(_read("pagerduty-log-entries.json"), origin="pd.json", window=later, now=NOW)
    assert result.events == ()
    assert result.skipped_outside_window == result.source.records_read > 0
    assert (result.source.records_rejected, result.source.rejected_reasons, result.source.covered) == (0, (), None)
    metrics = prometheus.import_file(_read("prometheus-query_range.json"), origin="q.json", window=later, now=NOW)
    assert all(s.points == () for s in metrics.series)
    assert metrics.skipped_outside_window == metrics.source.records_read
    tight = TimeWindow(story.INCIDENT_START, story.INCIDENT_START + timedelta(minutes=1))
    metrics = prometheus.import_file(_read("prometheus-query_range.json"), origin="q.json", window=tight, now=NOW)
    assert metrics.source.covered == TimeWindow(story.TELEMETRY_START, story.INCIDENT_START + timedelta(minutes=31))


def test_alertmanager_webhook_log_and_groups():
    alert = {"labels": {"alertname": "HighErrorRate", "service": "checkout"}, "annotations": {"summary": "5xx"},
             "startsAt": "2026-03-14T14:04:02Z", "endsAt": "0001-01-01T00:00:00Z", "status": "firing"}
    resolved = {**alert, "endsAt": "2026-03-14T14:23:47Z", "status": "resolved"}
    log = "\n".join(json.dumps({"receiver": "hook", "status": s["status"], "alerts": [s], "version": "4"})
                    for s in (alert, resolved)) + "\nnot json\n"
    assert structured.detect(log.encode(), "hook.log") == "alertmanager"
    result = alertmanager.import_file(log.encode(), origin="hook.log", window=WINDOW, now=NOW)
    [interval] = result.alerts
    assert interval.end == datetime(2026, 3, 14, 14, 23, 47, tzinfo=UTC)
    assert [e.event for e in result.events] == ["HighErrorRate firing", "HighErrorRate resolved"]
    assert result.source.rejected_reasons == ('hook.log line 3: not a webhook payload (one JSON object with "alerts" '
                                              "per line)",)
    groups = [{"labels": {"alertname": "HighErrorRate"}, "receiver": {"name": "pd"}, "alerts": [alert]}]
    grouped = alertmanager.import_file(json.dumps(groups).encode(), origin="groups.json", window=WINDOW, now=NOW)
    assert [(a.name, a.end) for a in grouped.alerts] == [("HighErrorRate", None)]


def test_alert_history_runs_split_on_gaps():
    doc = _json("alerts-history.json")
    values = doc["data"]["result"][0]["values"]
    del values[10:20]  # a 165 s hole in 15 s steps: resolved, then fired again
    result = alert_history.import_file(json.dumps(doc).encode(), origin="a.json", window=WINDOW, now=NOW)
    runs = [a for a in result.alerts if a.name == "HighErrorRate"]
    assert len(runs) == 2 and runs[0].end is not None and runs[0].end < runs[1].start


@pytest.mark.parametrize(
    ("importer", "name", "expected"),
    [
        (prometheus.import_file, "alertmanager-alerts.json", "is not a Prometheus query_range JSON"),
        (alert_history.import_file, "prometheus-query_range.json", "not ALERTS history"),
        (alertmanager.import_file, "pagerduty-log-entries.json", "is not an Alertmanager alert list"),
        (pagerduty.import_file, "alerts-history.json", "is not a PagerDuty log entries JSON"),
        (pagerduty.import_file, "nginx-access.log", "is not a PagerDuty log entries JSON: it is not valid JSON"),
    ],
)
def test_the_wrong_kind_of_file_is_refused(importer, name: str, expected: str):
    with pytest.raises(InvalidInputError, match=expected):
        importer(_read(name), origin=name, window=WINDOW, now=NOW)


def test_auto_names_the_formats_tried():
    with pytest.raises(InvalidInputError, match="Formats tried: Prometheus query_range JSON; .*; Slack export"):
        structured.import_file(_read("app.jsonl"), origin="app.jsonl", window=WINDOW, now=NOW)
    with pytest.raises(InvalidInputError, match="Unknown format 'csv'"):
        structured.import_file(b"{}", origin="x", window=WINDOW, now=NOW, fmt="csv")


def test_other_refusals():
    with pytest.raises(InvalidInputError, match="holds a Prometheus error, not data: bad_data"):
        prometheus.import_file(b'{"status":"error","error":"bad_data"}', origin="e.json", window=WINDOW, now=NOW)
    with pytest.raises(InvalidInputError, match="is not a text file"):
        prometheus.import_file(b"\xff\xfe\x00garbage", origin="b.bin", window=WINDOW, now=NOW)
    with pytest.raises(InvalidInputError, match=r'\(resultType "vector"\)'):
        prometheus.import_file(b'{"status":"success","data":{"resultType":"vector","result":[]}}', origin="v.json",
                               window=WINDOW, now=NOW)


def test_every_format_is_registered_with_its_kind():
    assert {f: structured.FORMATS[f].kind for f in structured.FORMATS} == {
        "prometheus": SourceKind.METRICS, "prometheus-alerts": SourceKind.ALERTS, "alertmanager": SourceKind.ALERTS,
        "pagerduty": SourceKind.PAGING, "slack": SourceKind.CHAT}
    result = structured.import_file(zipped(EXPORT), origin="export.zip", window=WINDOW, now=NOW)
    assert result.source.kind is SourceKind.CHAT and result.events


def test_alert_history_file_with_pending_nameless_old_and_for_state_series():
    doc = _json("alerts-history.json")
    series = doc["data"]["result"]
    first = series[0]
    active_at = int(story.ALERT_TIMES["HighErrorRate"][0].timestamp())
    extra = [
        {"metric": {**first["metric"], "alertstate": "pending"}, "values": first["values"][:3]},
        {"metric": {"__name__": "ALERTS", "alertstate": "firing"}, "values": first["values"][:3]},
        {"metric": {**first["metric"], "alertname": "Yesterday"},
         "values": [[t - 86400, v] for t, v in first["values"]]},
        {"metric": {k: v for k, v in first["metric"].items() if k != "alertstate"} | {"__name__": "ALERTS_FOR_STATE"},
         "values": [[t, str(active_at)] for t, _ in first["values"]]},
    ]
    doc["data"]["result"] = [*series, *extra]
    result = alert_history.import_file(json.dumps(doc).encode(), origin="a.json", window=WINDOW, now=NOW)
    assert {a.name for a in result.alerts} == {"HighErrorRate", "HighLatency"}
    assert result.source.rejected_reasons == ("a.json series 4: alertname label missing",)
    assert result.skipped_outside_window == 1
    firing = next(e for e in result.events if e.event == "HighErrorRate firing")
    assert firing.evidence.startswith("condition true since 2026-03-14 14:03:02 UTC;")
