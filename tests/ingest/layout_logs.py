"""Write the layout logs of ``tests/ingest/data/layouts/{dev,test}``: one file per layout, with a truth file.

Each log covers 13:30–15:30 UTC on 2026-03-14 (the incident window is 14:00–15:30): INFO noise all
along, a chronic warning seen before the window too, a precursor warning a few minutes before the
impact, several error templates (each repeated with different values) and a burst of one error.
``<file>.truth.json`` lists the error and warning templates that occur in the window by a phrase
of their constant words. The dev and test sets differ in vocabulary, seed and layout variants, so
tuning on one says little about the other. Run ``python -m tests.ingest.layout_logs`` to rewrite them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "data" / "layouts"
START = datetime(2026, 3, 14, 13, 30, tzinfo=UTC)
WINDOW_START = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
IMPACT = datetime(2026, 3, 14, 14, 20, tzinfo=UTC)
END = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)
DOW = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Vocabulary:
    """The messages of one set: templates with ``{n}``, ``{ip}``, ``{id}`` holes, and their key phrases."""

    info: tuple[str, ...]
    chronic: str
    precursor: str
    errors: tuple[str, ...]
    burst: str


DEV = Vocabulary(
    info=("request served in {n}ms", "cache refreshed with {n} entries", "heartbeat from {ip} ok",
          "session {id} opened", "scheduled job sweep finished, {n} items"),
    chronic="disk usage at {n} percent on /var",
    precursor="query latency above 2s for orders ({n}ms)",
    errors=("connection pool exhausted (max 20) for orders-db", "cannot write block {id} to {ip}",
            "upstream timed out after {n}ms reading response", "lease for task {id} expired"),
    burst="request to payments failed with status 503",
)
TEST = Vocabulary(
    info=("user {id} logged in", "flushed {n} records to storage", "ping {ip} replied in {n} ms",
          "config reload done", "worker {n} idle"),
    chronic="retrying metadata fetch, attempt {n}",
    precursor="replication lag growing: {n}s behind primary",
    errors=("out of memory allocating {n} bytes", "checksum mismatch in segment {id}",
            "connection refused by {ip}", "transaction {id} rolled back: deadlock detected"),
    burst="write to queue inventory failed: broker unavailable",
)


_TITLE = {"INFO": "Info", "WARN": "Warning", "ERROR": "Error"}
_UPPER = {"INFO": "INFO", "WARN": "WARNING", "ERROR": "ERROR"}


def _fill(template: str, rng: random.Random) -> str:
    ip = f"10.{rng.randint(0, 9)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return template.format(n=rng.randint(2, 99999), ip=ip, id=f"{rng.getrandbits(48):012x}")


def _phrase(template: str) -> str:
    """Return the longest run of constant words of a template: the words a proposal must show."""
    runs = [run.strip(" ,:()") for run in template.replace("{", "\0{").split("\0")]
    words = [r.split("}", 1)[-1].strip(" ,:()") for r in runs]
    return max(words, key=len)


Writer = Callable[[datetime, str, str, random.Random], str]


def _frac(time: datetime, digits: int) -> str:
    return f"{time.microsecond:06d}"[:digits]


LAYOUTS: dict[str, tuple[Writer, Writer]] = {
    # name: (dev writer, test writer); each gets a UTC time, a level (INFO, WARN, ERROR) and a message
    "apache-error": (
        lambda t, lv, m, r: f"[{DOW[t.weekday()]} {MON[t.month - 1]} {t.day:02d} {t:%H:%M:%S} {t.year}] "
                            f"[{lv.lower().replace('warn', 'warn')}] [client 10.0.0.{r.randint(1, 9)}] {m}",
        lambda t, lv, m, r: f"[{DOW[t.weekday()]} {MON[t.month - 1]} {t.day:02d} {t:%H:%M:%S}.{_frac(t, 6)} "
                            f"{t.year}] [core:{lv.lower()}] [pid {r.randint(100, 999)}] {m}"),
    "log4j-spark": (
        lambda t, lv, m, r: f"{t:%y/%m/%d %H:%M:%S} {lv} storage.BlockManager: {m}",
        lambda t, lv, m, r: f"{t:%y/%m/%d %H:%M:%S} {lv} executor.Executor: {m}"),
    "compact-hdfs": (
        lambda t, lv, m, r: f"{t:%y%m%d %H%M%S} {r.randint(10, 9999)} {lv} dfs.DataNode: {m}",
        lambda t, lv, m, r: f"{t:%y%m%d %H%M%S} {r.randint(10, 9999)} {lv} dfs.FSNamesystem: {m}"),
    "java-default": (
        lambda t, lv, m, r: f"{t:%Y-%m-%d %H:%M:%S},{_frac(t, 3)} {lv} [main] org.example.App: {m}",
        lambda t, lv, m, r: f"{t:%Y-%m-%d %H:%M:%S},{_frac(t, 3)} {lv} [IPC Server handler {r.randint(1, 9)}] "
                            f"org.apache.hadoop.ipc.Server: {m}"),
    "zookeeper": (
        lambda t, lv, m, r: f"{t:%Y-%m-%d %H:%M:%S},{_frac(t, 3)} - {lv:<5} [QuorumPeer[myid=1]:Learner@233] - {m}",
        lambda t, lv, m, r: f"{t:%Y-%m-%d %H:%M:%S},{_frac(t, 3)} - {lv:<5} [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:"
                            f"2181:NIOServerCnxn@{r.randint(100, 999)}] - {m}"),
    "openstack": (
        lambda t, lv, m, r: f"nova-api.log.1.2026-03-14_13:00:00 {t:%Y-%m-%d %H:%M:%S}.{_frac(t, 3)} "
                            f"{r.randint(1000, 30000)} {lv} nova.osapi_compute.wsgi.server "
                            f"[req-{r.getrandbits(32):08x}] {m}",
        lambda t, lv, m, r: f"nova-compute.log {t:%Y-%m-%d %H:%M:%S}.{_frac(t, 3)} {r.randint(1000, 30000)} {lv} "
                            f"nova.compute.manager [instance: {r.getrandbits(32):08x}] {m}"),
    "logcat": (
        lambda t, lv, m, r: f"{t:%m-%d %H:%M:%S}.{_frac(t, 3)}  {r.randint(100, 3000)}  {r.randint(100, 3000)} "
                            f"{lv[0]} ActivityManager: {m}",
        lambda t, lv, m, r: f"{t:%m-%d %H:%M:%S}.{_frac(t, 3)} {r.randint(100, 3000):>5} {r.randint(100, 3000):>5} "
                            f"{lv[0]} PowerManagerService: {m}"),
    "windows-cbs": (
        lambda t, lv, m, r: f"{t:%Y-%m-%d %H:%M:%S}, {_TITLE[lv]:<22}"
                            f"CBS    {m}",
        lambda t, lv, m, r: f"{t:%Y-%m-%d %H:%M:%S}, {_TITLE[lv]:<22}"
                            f"CSI    {m}"),
    "ssh-syslog": (
        lambda t, lv, m, r: f"{MON[t.month - 1]} {t.day:2d} {t:%H:%M:%S} LabSZ sshd[{r.randint(1000, 30000)}]: "
                            + (f"error: {m}" if lv == "ERROR" else f"warning: {m}" if lv == "WARN" else m),
        lambda t, lv, m, r: f"{MON[t.month - 1]} {t.day:2d} {t:%H:%M:%S} bastion-2 sshd[{r.randint(1000, 30000)}]: "
                            + (f"fatal: {m}" if lv == "ERROR" else f"WARNING: {m}" if lv == "WARN" else m)),
    "epoch-cluster": (
        lambda t, lv, m, r: f"- {int(t.timestamp())} {t:%Y.%m.%d} R02-M1-N{r.randint(0, 9)} "
                            f"{t:%Y-%m-%d-%H.%M.%S}.{_frac(t, 6)} R02-M1-N0 RAS KERNEL {lv} {m}",
        lambda t, lv, m, r: f"{r.randint(1, 99999)} node-{r.randint(1, 300)} unix.hw {int(t.timestamp())} 1 "
                            f"{_UPPER[lv]} {m}"),
    "mobile-dashed": (
        lambda t, lv, m, r: f"{t:%Y%m%d}-{t.hour}:{t.minute}:{t.second}:{_frac(t, 3)}|Step_LSC|{r.randint(1, 99999999)}"
                            f"|{lv}|{m}",
        lambda t, lv, m, r: f"{t:%Y%m%d}-{t.hour}:{t.minute}:{t.second}:{_frac(t, 3)}|Step_SPUtils|"
                            f"{r.randint(1, 99999999)}|{lv} {m}"),
    "logfmt": (
        lambda t, lv, m, r: f'ts={t:%Y-%m-%dT%H:%M:%S}.{_frac(t, 3)}Z level={lv.lower()} msg="{m}" '
                            f"pool=orders-db caller=db.go:{r.randint(10, 300)}",
        lambda t, lv, m, r: f'time="{t:%Y-%m-%dT%H:%M:%SZ}" level={lv.lower()} msg="{m}" component=ingester'),
    "json": (
        lambda t, lv, m, r: json.dumps({"ts": f"{t:%Y-%m-%dT%H:%M:%S}.{_frac(t, 3)}Z", "level": lv.lower(),
                                        "msg": m, "caller": f"db.go:{r.randint(10, 300)}"}),
        lambda t, lv, m, r: json.dumps({"time": f"{t:%Y-%m-%dT%H:%M:%S}.{_frac(t, 6)}+00:00",
                                        "log": m, "severity": lv})),
    "kubectl": (
        lambda t, lv, m, r: f"{t:%Y-%m-%dT%H:%M:%S}.{_frac(t, 6)}000Z {lv:<5} checkout-api-7f9c6d5b8-x2kqp {m}",
        lambda t, lv, m, r: f"[pod/orders-5d8f7c9b6-qwert/app] {t:%Y-%m-%dT%H:%M:%S}.{_frac(t, 6)}000Z {lv} {m}"),
}


def _lines(vocabulary: Vocabulary, rng: random.Random) -> list[tuple[datetime, str, str]]:
    lines: list[tuple[datetime, str, str]] = []
    time = START
    while time < END:  # INFO noise every 2–20 s, all along
        lines.append((time, "INFO", _fill(rng.choice(vocabulary.info), rng)))
        time += timedelta(seconds=rng.uniform(2, 20))
    for minute in range(0, 120, 7):  # the chronic warning, before the window too
        lines.append((START + timedelta(minutes=minute, seconds=rng.uniform(0, 59)), "WARN",
                      _fill(vocabulary.chronic, rng)))
    for k in range(6):  # the precursor, from four minutes before the impact
        lines.append((IMPACT - timedelta(minutes=4) + timedelta(seconds=30 * k + rng.uniform(0, 20)), "WARN",
                      _fill(vocabulary.precursor, rng)))
    for index, template in enumerate(vocabulary.errors):
        for k in range(3 + index):
            lines.append((IMPACT + timedelta(minutes=2 * index + 3 * k, seconds=rng.uniform(0, 59)), "ERROR",
                          _fill(template, rng)))
    for second in range(0, 12 * 60, 2):  # the burst: 30 a minute for 12 minutes
        lines.append((IMPACT + timedelta(seconds=second + rng.uniform(0, 1)), "ERROR", _fill(vocabulary.burst, rng)))
    return sorted(lines, key=lambda line: line[0])


def write_set(name: str, vocabulary: Vocabulary, seed: int, variant: int) -> None:
    """Write one set: a log per layout and its truth file."""
    folder = ROOT / name
    folder.mkdir(parents=True, exist_ok=True)
    templates = [vocabulary.chronic, vocabulary.precursor, *vocabulary.errors, vocabulary.burst]
    for layout, writers in LAYOUTS.items():
        rng = random.Random(f"{seed}-{layout}")
        write = writers[variant]
        text = "\n".join(write(t, lv, m, rng) for t, lv, m in _lines(vocabulary, rng)) + "\n"
        suffix = ".jsonl" if layout == "json" else ".log"
        (folder / f"{layout}{suffix}").write_text(text, encoding="utf-8")
        (folder / f"{layout}{suffix}.truth.json").write_text(
            json.dumps({"templates": [_phrase(t) for t in templates]}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_set("dev", DEV, seed=1, variant=0)
    write_set("test", TEST, seed=2, variant=1)
