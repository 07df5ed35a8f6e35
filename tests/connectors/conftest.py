"""Real Prometheus and Alertmanager on loopback (Debian binaries), with a backfilled past incident.

The incident is 2024-05-01 10:00-11:00 UTC, far older than Prometheus's head block (~3 h), so it is written
with ``promtool tsdb create-blocks-from openmetrics`` before the server starts. Missing binaries fail the
tests: install the Debian packages ``prometheus`` and ``prometheus-alertmanager``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from core.connectors import egress
from core.models import TimeWindow

INCIDENT = TimeWindow(datetime(2024, 5, 1, 10, 0, tzinfo=UTC), datetime(2024, 5, 1, 11, 0, tzinfo=UTC))
DATA_START, DATA_END = datetime(2024, 5, 1, 9, 0, tzinfo=UTC), datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
STEP = timedelta(seconds=15)
ERRORS = (datetime(2024, 5, 1, 10, 5, tzinfo=UTC), datetime(2024, 5, 1, 10, 35, tzinfo=UTC))
FIRING = {  # alertname: [(first firing sample, last firing sample)], as backfilled
    "HighErrorRate": [(datetime(2024, 5, 1, 10, 6, tzinfo=UTC), datetime(2024, 5, 1, 10, 35, tzinfo=UTC))],
    "HighLatency": [
        (datetime(2024, 5, 1, 10, 10, tzinfo=UTC), datetime(2024, 5, 1, 10, 20, tzinfo=UTC)),
        (datetime(2024, 5, 1, 10, 25, tzinfo=UTC), datetime(2024, 5, 1, 10, 30, tzinfo=UTC)),
    ],
    "NightlyBackup": [(datetime(2024, 5, 1, 9, 0, tzinfo=UTC), datetime(2024, 5, 1, 9, 10, tzinfo=UTC))],
}
ACTIVE_SINCE = datetime(2024, 5, 1, 10, 5, 15, tzinfo=UTC)  # HighErrorRate pending from here, firing at 10:06
NAN_AT, INF_AT = datetime(2024, 5, 1, 10, 0, tzinfo=UTC), datetime(2024, 5, 1, 10, 0, 15, tzinfo=UTC)
DATA = Path(__file__).parent / "data"
_BINARIES = ("prometheus", "promtool", "prometheus-alertmanager", "amtool")


@dataclass(frozen=True)
class Server:
    """A started server: its base URL and where it logs."""

    url: str
    log: Path


def free_port() -> int:
    """Return a loopback TCP port nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def binary(name: str) -> str:
    """Return the path of a Debian telemetry binary, failing (not skipping) the test when it is missing."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} is not installed: these tests need real Prometheus and Alertmanager. Install them with "
            "`apt-get install -y prometheus prometheus-alertmanager` (Debian 12: Prometheus 2.42, Alertmanager 0.25).",
            pytrace=False,
        )
    return found


def _times(first: datetime, last: datetime) -> Iterator[datetime]:
    t = first
    while t <= last:
        yield t
        t += STEP


def openmetrics() -> str:
    """Return the incident as OpenMetrics text: requests, a latency histogram, a gauge, ALERTS and ALERTS_FOR_STATE."""
    s = lambda t: int(t.timestamp())  # noqa: E731 (seconds: milliseconds would land 50,000 years ahead)
    erroring = lambda t: ERRORS[0] <= t < ERRORS[1]  # noqa: E731
    out = ["# TYPE http_requests counter"]
    for code, rate in (("200", lambda _t: 10), ("500", lambda t: 5 if erroring(t) else 0)):
        total = 0
        for t in _times(DATA_START, DATA_END):
            total += rate(t) * 15
            out.append(f'http_requests_total{{service="checkout",code="{code}"}} {total} {s(t)}')
    out.append("# TYPE http_request_duration_seconds histogram")
    count = 0
    buckets = dict.fromkeys(("0.5", "1.0", "2.5", "5.0", "+Inf"), 0)
    for t in _times(DATA_START, DATA_END):
        count += 150
        fast = 150 if not erroring(t) else 5  # in the incident almost every request takes 2.5-5 s
        for le in buckets:
            buckets[le] += fast if le in ("0.5", "1.0", "2.5") else 150
            out.append(f'http_request_duration_seconds_bucket{{service="checkout",le="{le}"}} {buckets[le]} {s(t)}')
        out.append(f'http_request_duration_seconds_count{{service="checkout"}} {count} {s(t)}')
        out.append(f'http_request_duration_seconds_sum{{service="checkout"}} {count * 0.2} {s(t)}')
    out.append("# TYPE queue_depth gauge")
    for t in _times(DATA_START, DATA_END):
        value = "NaN" if t == NAN_AT else "+Inf" if t == INF_AT else "7"
        out.append(f'queue_depth{{service="checkout"}} {value} {s(t)}')
    out.append("# TYPE ALERTS gauge")
    pending = 'ALERTS{alertname="HighErrorRate",alertstate="pending",service="checkout",severity="critical"}'
    out.extend(f"{pending} 1 {s(t)}" for t in _times(ACTIVE_SINCE, FIRING["HighErrorRate"][0][0] - STEP))
    severities = {"HighErrorRate": "critical", "HighLatency": "warning", "NightlyBackup": "info"}
    for name, runs in FIRING.items():
        series = f'ALERTS{{alertname="{name}",alertstate="firing",service="checkout",severity="{severities[name]}"}}'
        out.extend(f"{series} 1 {s(t)}" for first, last in runs for t in _times(first, last))
    out.append("# TYPE ALERTS_FOR_STATE gauge")
    series = 'ALERTS_FOR_STATE{alertname="HighErrorRate",service="checkout",severity="critical"}'
    out.extend(f"{series} {s(ACTIVE_SINCE)} {s(t)}" for t in _times(ACTIVE_SINCE, FIRING["HighErrorRate"][0][1]))
    out.append("# EOF")
    return "\n".join(out) + "\n"


def _start(command: list[str], log: Path, ready_url: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(ready_url, timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.2)
    _stop(process)
    tail = log.read_text(errors="replace")[-2000:]
    pytest.fail(f"{command[0]} did not become ready at {ready_url} within 30 s; its log ends:\n{tail}", pytrace=False)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def prometheus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Prometheus on 127.0.0.1 holding the backfilled incident (no scrape targets)."""
    prometheus, promtool = binary("prometheus"), binary("promtool")
    root = tmp_path_factory.mktemp("prometheus")
    (root / "incident.om").write_text(openmetrics())
    (root / "prometheus.yml").write_text("global: {scrape_interval: 15s, evaluation_interval: 15s}\n")
    backfill = subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", str(root / "incident.om"), str(root / "data")],
        capture_output=True, text=True, check=False,
    )
    if backfill.returncode != 0:
        pytest.fail(f"promtool could not backfill the incident: {backfill.stderr or backfill.stdout}", pytrace=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = _start(
        [prometheus, f"--config.file={root / 'prometheus.yml'}", f"--storage.tsdb.path={root / 'data'}",
         "--storage.tsdb.retention.time=100y", f"--web.listen-address=127.0.0.1:{port}"],
        root / "prometheus.log", f"{url}/-/ready",
    )
    yield Server(url, root / "prometheus.log")
    _stop(process)


@pytest.fixture(scope="session")
def alertmanager_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An Alertmanager on 127.0.0.1 with a do-nothing receiver and gossip turned off."""
    alertmanager = binary("prometheus-alertmanager")
    root = tmp_path_factory.mktemp("alertmanager")
    (root / "am.yml").write_text('route: {receiver: "null"}\nreceivers: [{name: "null"}]\n')
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = _start(
        [alertmanager, f"--config.file={root / 'am.yml'}", f"--storage.path={root / 'am'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
        root / "alertmanager.log", f"{url}/-/ready",
    )
    yield Server(url, root / "alertmanager.log")
    _stop(process)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    """The app's guarded session (loopback allowed by name, as an operator would for a local server)."""
    with egress.GuardedSession(egress.EgressPolicy(allowed_hosts=frozenset({"127.0.0.1", "localhost"}))) as guarded:
        yield guarded
