"""The caps of one import hold for every source: a huge file is refused before it is built in memory or stored.

The finding behind them: one 28 MB Prometheus file of 400,000 series took the server from 0.3 GB to a
2.7 GB peak and left a 130 MB post-mortem that no page could open afterwards.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import requests
from pytest_httpserver import HTTPServer

from core import gathering, limits
from core.connectors.prometheus import PrometheusConnector
from core.errors import InvalidInputError, PostmortemError
from core.ingest.structured import alert_history, alertmanager, pagerduty, prometheus, slack
from core.limits import LimitExceededError
from core.storage import engine
from core.storage.repository import SqlPostMortemRepository
from tests.factories import NOW, START, make_postmortem

MB = 1024 * 1024
PM = make_postmortem()
T0 = START + timedelta(minutes=30)


def matrix(series: int, samples: int = 1, *, step: float = 15.0, name: str = "http_requests_total",
           extra: str = "") -> bytes:
    """Return a saved ``query_range`` response with ``series`` series of ``samples`` samples inside the window."""
    t0 = T0.timestamp()
    values = ",".join(f'[{t0 + i * step:.3f},"{i % 7}"]' for i in range(samples))
    body = ",".join(f'{{"metric":{{"__name__":"{name}","pod":"checkout-{n:06d}"{extra}}},"values":[{values}]}}'
                    for n in range(series))
    return f'{{"status":"success","data":{{"resultType":"matrix","result":[{body}]}}}}'.encode()


def peak(function: Callable[[], object]) -> int:
    """Return the peak of memory allocated while ``function`` runs (it may refuse), in bytes."""
    return peak_and_refusal(function)[0]


def peak_and_refusal(function: Callable[[], object]) -> tuple[int, PostmortemError | None]:
    """Return the peak of memory allocated while ``function`` runs, in bytes, and its refusal if it refused."""
    tracemalloc.start()
    try:
        try:
            function()
        except PostmortemError as exc:
            return tracemalloc.get_traced_memory()[1], exc
        return tracemalloc.get_traced_memory()[1], None
    finally:
        tracemalloc.stop()


def read(data: bytes, name: str = "metrics.json", fmt: str = "auto"):  # noqa: ANN201
    return gathering.read_file(io.BytesIO(data), name=name, pm=PM, now=NOW, fmt=fmt)


@pytest.fixture
def repo(sqlite_url: str) -> Iterator[SqlPostMortemRepository]:
    repository = engine.open_repository(sqlite_url)
    yield repository
    repository.close()


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> limits.Caps:
    caps = limits.Caps(series_per_import=8, series_per_postmortem=12, points_per_series=50, points_per_import=300,
                       events=10, candidates_per_import=3)
    monkeypatch.setattr(limits, "CAPS", caps)
    return caps


# --- the finding: 400,000 series ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huge() -> bytes:
    """The finding's file: 400,000 series of one sample, about 28 MB."""
    return matrix(400_000)


def test_a_400000_series_file_is_refused_naming_the_cap_and_what_to_do(huge: bytes):
    assert 25 * MB < len(huge) < 40 * MB
    with pytest.raises(LimitExceededError) as refused:
        read(huge)
    message = str(refused.value)
    assert message.startswith("metrics.json has 400,000 metric series, more than the 200 one import may add")
    assert "(cap: series per import)" in message and "Nothing was imported" in message
    assert "sum by (status)" in message and "label matcher" in message
    assert (refused.value.cap, refused.value.found, refused.value.limit) == ("series_per_import", 400_000, 200)


def test_a_400000_series_file_is_refused_before_its_series_are_built(huge: bytes):
    # before the caps: a 580 MB peak here (2.7 GB in the server once stored); now the file and its text only
    assert peak(lambda: read(huge)) < 2.5 * len(huge)


def test_a_400000_series_file_stores_nothing(huge: bytes, repo: SqlPostMortemRepository):
    pm = repo.add(PM, actor="t", now=NOW)
    with pytest.raises(LimitExceededError):
        gathering.apply_import(pm, read(huge), actor="t", now=NOW, repo=repo)
    assert repo.get(pm.id) == pm
    assert [a.summary for a in repo.audit(pm.id)] == ["created the post-mortem"]


def test_the_same_file_gzipped_is_refused_in_bounded_memory(huge: bytes):
    packed = gzip.compress(huge, compresslevel=1, mtime=0)
    with pytest.raises(InvalidInputError):
        read(packed, "metrics.json.gz")
    assert peak(lambda: read(packed, "metrics.json.gz")) < 100 * MB


def test_a_live_prometheus_answer_with_too_many_series_is_refused(httpserver: HTTPServer,
                                                                  repo: SqlPostMortemRepository):
    httpserver.expect_request("/api/v1/query_range").respond_with_data(matrix(5_000), content_type="application/json")
    pm = repo.add(PM, actor="t", now=NOW)
    connector = PrometheusConnector(requests.Session(), timeout=10)
    with pytest.raises(LimitExceededError, match=r"has 5,000 metric series, more than the 200 one import may add"):
        result = connector.import_metrics(httpserver.url_for("/"), "http_requests_total", pm.window, now=NOW)
        gathering.apply_import(pm, result, actor="t", now=NOW, repo=repo)
    assert repo.get(pm.id).series == ()


def test_a_series_at_the_cap_imports():
    result = read(matrix(200, 3))
    assert len(result.series) == 200 and result.source.records_read == 600


# --- points -------------------------------------------------------------------------------------------------------


def test_a_long_series_is_downsampled_to_the_cap_keeping_its_shape():
    t0 = T0.timestamp()
    values = [[t0 + i * 0.1, str(math.sin(i / 500) + (5.0 if i == 31_337 else 0.0))] for i in range(60_000)]
    data = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"__name__": "latency"}, "values": values}]}}).encode()
    [series] = read(data).series
    assert limits.CAPS.points_per_series - 10 < len(series.points) <= limits.CAPS.points_per_series
    kept = {p.time.timestamp(): p.value for p in series.points}
    assert max(kept.values()) == pytest.approx(5.0 + math.sin(31_337 / 500))  # the spike survives
    assert min(kept) == pytest.approx(t0) and max(kept) == pytest.approx(t0 + 5_999.9)
    assert [p.time for p in series.points] == sorted(p.time for p in series.points)


def test_too_many_points_in_one_import_are_refused_as_soon_as_seen(small_caps: limits.Caps):
    with pytest.raises(LimitExceededError) as refused:
        read(matrix(7, 45))
    assert str(refused.value).startswith(
        "metrics.json has more than 300 samples in the incident window, the most one import may add "
        "(cap: points per import). Nothing was imported: choose a larger step")


def test_series_are_decoded_one_at_a_time_so_too_many_points_are_refused_in_bounded_memory():
    data = matrix(200, 11_000, step=0.5)  # 46 MB: the most points Prometheus gives a series, in 200 series
    used, refused = peak_and_refusal(lambda: read(data))
    assert isinstance(refused, LimitExceededError) and refused.cap == "points_per_import"
    assert used < 150 * MB  # decoding the file whole took 310 MB before its series were even built


def test_log_series_longer_than_the_cap_are_downsampled_when_applied(small_caps: limits.Caps,
                                                                     repo: SqlPostMortemRepository):
    pm = repo.add(PM, actor="t", now=NOW)
    lines = b"".join(f"{START + timedelta(minutes=m):%Y-%m-%dT%H:%M:%SZ} ERROR boom\n".encode() for m in range(90))
    result = gathering.read_file(io.BytesIO(lines), name="app.log", pm=pm, now=NOW)
    assert max(len(s.points) for s in result.series) > small_caps.points_per_series
    stored = gathering.apply_import(pm, result, actor="t", now=NOW, repo=repo)
    assert stored.series and all(len(s.points) <= small_caps.points_per_series for s in stored.series)


# --- series of alerts, events and candidates ------------------------------------------------------------------------


def test_alert_history_with_more_alert_series_than_events_allowed_is_refused(small_caps: limits.Caps):
    data = matrix(11, name="ALERTS", extra=',"alertname":"HighErrorRate","alertstate":"firing"')
    with pytest.raises(LimitExceededError, match=r"^alerts\.json has 11 alert series, more than the 10 one import "
                                                 r"may add \(cap: timeline events\)\. .*ALERTS\{alertstate="):
        alert_history.import_file(data, origin="alerts.json", window=PM.window, now=NOW)


def test_alert_history_bringing_too_many_events_is_refused(small_caps: limits.Caps):
    # 6 alert series, each firing twice with a gap: 24 firing/resolved events
    t0 = T0.timestamp()
    values = ",".join(f'[{t0 + t:.0f},"1"]' for t in (0, 15, 30, 600, 615))
    body = ",".join(f'{{"metric":{{"__name__":"ALERTS","alertname":"A{n}","alertstate":"firing"}},'
                    f'"values":[{values}]}}' for n in range(5))
    data = f'{{"status":"success","data":{{"resultType":"matrix","result":[{body}]}}}}'.encode()
    with pytest.raises(LimitExceededError, match=r"^alerts\.json brings more than 10 timeline events, the most a "
                                                 r"post-mortem may hold \(cap: timeline events\)"):
        alert_history.import_file(data, origin="alerts.json", window=PM.window, now=NOW)


def _alerts(count: int) -> bytes:
    return json.dumps([{"labels": {"alertname": f"A{n}"}, "startsAt": (T0 + timedelta(minutes=n)).isoformat(),
                        "endsAt": (T0 + timedelta(minutes=n + 1)).isoformat(), "status": "resolved"}
                       for n in range(count)]).encode()


def test_an_alertmanager_list_bringing_too_many_events_is_refused(small_caps: limits.Caps):
    alertmanager.import_file(_alerts(5), origin="am.json", window=PM.window, now=NOW)  # 10 events: at the cap
    with pytest.raises(LimitExceededError, match=r"^am\.json brings 12 timeline events, more than the 10 a "
                                                 r"post-mortem may hold \(cap: timeline events\)"):
        alertmanager.import_file(_alerts(6), origin="am.json", window=PM.window, now=NOW)


def _pages(count: int) -> bytes:
    return json.dumps({"log_entries": [
        {"id": f"L{n}", "type": "acknowledge_log_entry", "created_at": (T0 + timedelta(seconds=n)).isoformat(),
         "summary": f"Acknowledged {n}"} for n in range(count)]}).encode()


def test_pagerduty_entries_stop_being_read_past_the_cap(small_caps: limits.Caps):
    assert len(pagerduty.import_file(_pages(10), origin="pd.json", window=PM.window, now=NOW).events) == 10
    with pytest.raises(LimitExceededError, match=r"^pd\.json brings more than 10 timeline events, the most"):
        pagerduty.import_file(_pages(11), origin="pd.json", window=PM.window, now=NOW)


def _slack_export(days: int, per_day: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("users.json", json.dumps([{"id": "U1", "name": "alice"}]))
        for day in range(days):
            messages = [{"ts": f"{T0.timestamp() + day * 60 + n:.6f}", "user": "U1", "text": f"message {day}/{n}"}
                        for n in range(per_day)]
            archive.writestr(f"inc/2026-03-{14 + day:02d}.json", json.dumps(messages))
    return out.getvalue()


def test_a_slack_export_stops_being_read_past_the_cap(small_caps: limits.Caps):
    with pytest.raises(LimitExceededError, match=r"^export\.zip brings more than 10 timeline events, the most a "
                                                 r"post-mortem may hold \(cap: timeline events\)\. Nothing was "
                                                 r"imported: import only the incident's channels"):
        slack.import_file(_slack_export(3, 6), origin="export.zip", window=PM.window, now=NOW)


def test_a_log_proposing_too_many_candidates_is_refused_and_nothing_stored(small_caps: limits.Caps,
                                                                           repo: SqlPostMortemRepository):
    pm = repo.add(PM, actor="t", now=NOW)
    kinds = ("disk full", "cannot open socket", "token expired for this session", "out of memory in worker pool now",
             "upstream closed the connection before sending headers")  # five templates, not one
    lines = b"".join(f"{T0 + timedelta(seconds=n):%Y-%m-%dT%H:%M:%SZ} ERROR {kind}\n".encode()
                     for n, kind in enumerate(kinds))
    result = gathering.read_file(io.BytesIO(lines), name="app.log", pm=pm, now=NOW)
    with pytest.raises(LimitExceededError, match=r"^app\.log proposes 5 candidate events, more than the 3 one import "
                                                 r"may add \(cap: candidates per import\)"):
        gathering.apply_import(pm, result, actor="t", now=NOW, repo=repo)
    assert repo.get(pm.id) == pm


# --- what still reads as before -------------------------------------------------------------------------------------


def test_a_truncated_file_keeps_the_series_before_the_cut():
    data = matrix(3, 4)
    result = read(data[: data.rindex(b'{"metric"') + 30])
    assert len(result.series) == 2
    assert result.source.rejected_reasons == ("metrics.json: the file ends in the middle of item 3 (line 1): "
                                              "is it truncated?",)


@pytest.mark.parametrize(("data", "message"), [
    (b'{"status": "error", "errorType": "bad_data", "error": "parse error"}',
     "metrics.json holds a Prometheus error, not data: parse error"),
    (b'{"status": "success", "data": {"resultType": "vector", "result": []}}',
     'metrics.json is not a Prometheus query_range JSON (resultType "vector")'),
    (b'{"status": "success", "data": {"resultType": "matrix", "result": [}}',
     "metrics.json is not a Prometheus query_range JSON: it is not valid JSON (Expecting value at line 1"),
])
def test_other_shapes_are_still_refused_as_such(data: bytes, message: str):
    with pytest.raises(InvalidInputError) as refused:
        prometheus.import_file(data, origin="metrics.json", window=PM.window, now=NOW)
    assert str(refused.value).startswith(message)
    assert not isinstance(refused.value, LimitExceededError)


def test_the_envelope_damaged_after_a_complete_list_keeps_the_series():
    result = read(matrix(2, 3)[:-2])
    assert len(result.series) == 2
    assert result.source.rejected_reasons == ("metrics.json: the JSON is damaged outside its list of items",)


def test_series_and_window_of_a_file_are_the_same_read_one_at_a_time():
    data = matrix(3, 5)
    whole = prometheus.matrix_result(json.loads(data), "m", expected=prometheus.NAME)
    tally = prometheus.records.Tally("m", PM.window)
    one_by_one = list(prometheus.matrix_items(data, "m", tally, expected=prometheus.NAME,
                                              cap=limits.metric_series()))
    assert one_by_one == list(whole)
