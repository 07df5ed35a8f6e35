"""A seven-file incident of its own, written as the tools write them: orders API timeouts on 2026-05-20.

The payment provider slows down at 09:14 UTC; the orders workers' queue backs up and nginx answers 5xx until a
circuit breaker is deployed at 09:41; the page is resolved at 10:05. Memory creeps up all morning and CPU is
noisy: neither belongs in the story. One Prometheus series (a saved ``histogram_quantile`` result) has no
``__name__``.
"""

from __future__ import annotations

import json
import math
import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

DAY = "2026-05-20"
START = datetime(2026, 5, 20, 9, 10, tzinfo=UTC)
END = datetime(2026, 5, 20, 10, 20, tzinfo=UTC)
IMPACT = datetime(2026, 5, 20, 9, 14, 20, tzinfo=UTC)
FIXED = datetime(2026, 5, 20, 9, 41, tzinfo=UTC)
RESOLVED = datetime(2026, 5, 20, 10, 5, tzinfo=UTC)
FIRST = datetime(2026, 5, 20, 8, 50, tzinfo=UTC)
LAST = datetime(2026, 5, 20, 10, 40, tzinfo=UTC)
FILES = ("edge-access.log", "orders-api.kubectl.log", "payments-worker.jsonl", "alertmanager.json",
         "pagerduty.json", "slack-export.zip", "prometheus-query-range.json")


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _impact(t: datetime) -> bool:
    return IMPACT <= t < FIXED


def write(folder: Path, seed: int = 7) -> list[Path]:
    """Write the seven files into ``folder`` and return their paths, in ``FILES`` order."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    _nginx(rng, folder / FILES[0])
    _kubectl(rng, folder / FILES[1])
    _jsonl(rng, folder / FILES[2])
    _alertmanager(folder / FILES[3])
    _pagerduty(folder / FILES[4])
    _slack(folder / FILES[5])
    _prometheus(rng, folder / FILES[6])
    return [folder / name for name in FILES]


def _nginx(rng: random.Random, path: Path) -> None:
    lines, t = [], FIRST
    while t < LAST:
        t += timedelta(seconds=rng.expovariate(1.1))
        status = 504 if _impact(t) and rng.random() < 0.45 else rng.choice((200,) * 30 + (302, 404))
        ip = f"203.0.113.{rng.randint(1, 254)}"
        lines.append(f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "POST /api/orders HTTP/1.1" {status} '
                     f'{rng.randint(200, 4000)} "https://shop.example.com/cart" "Mozilla/5.0"')
    path.write_text("\n".join(lines) + "\n", "ascii")


def _kubectl(rng: random.Random, path: Path) -> None:
    lines, t = [], FIRST
    while t < LAST:
        t += timedelta(seconds=rng.uniform(2, 6))
        if _impact(t) and rng.random() < 0.6:
            level, text = rng.choice([("ERROR", "payment provider call timed out after 5000 ms order=%d"),
                                      ("WARN", "retrying payment capture order=%d attempt=2")])
            lines.append(f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond * 1000:09d}Z {level} orders-api-7d9f "
                         + text % rng.randint(10_000, 99_999))
        else:
            lines.append(f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond * 1000:09d}Z INFO orders-api-7d9f "
                         f"order accepted order={rng.randint(10_000, 99_999)}")
    deploy = FIXED - timedelta(seconds=40)
    lines.append(f"{deploy:%Y-%m-%dT%H:%M:%S}.000000000Z INFO orders-api-7d9f deployed v4.2.1 "
                 "(payment circuit breaker enabled)")
    path.write_text("\n".join(sorted(lines)) + "\n", "utf-8")


def _jsonl(rng: random.Random, path: Path) -> None:
    lines, t = [], FIRST
    while t < LAST:
        t += timedelta(seconds=rng.uniform(20, 40))
        bad = _impact(t) and rng.random() < 0.7
        lines.append(json.dumps({"timestamp": _iso(t), "level": "error" if bad else "info",
                                 "message": "capture batch failed: provider timeout" if bad else "capture batch ok"}))
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _alertmanager(path: Path) -> None:
    alerts = [("OrdersHigh5xx", "critical", IMPACT + timedelta(minutes=2)),
              ("OrdersQueueBacklog", "warning", IMPACT + timedelta(minutes=3))]
    path.write_text(json.dumps([{
        "labels": {"alertname": name, "service": "orders", "severity": severity},
        "annotations": {"summary": f"{name} on orders"}, "startsAt": _iso(at),
        "endsAt": _iso(FIXED + timedelta(minutes=6)),
        "updatedAt": _iso(at), "fingerprint": f"{n:016x}", "receivers": [{"name": "pagerduty-orders"}],
        "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}, "generatorURL": "http://prometheus:9090/",
    } for n, (name, severity, at) in enumerate(alerts, start=1)], indent=2), "utf-8")


def _pagerduty(path: Path) -> None:
    service = {"id": "PSRV001", "type": "service_reference", "summary": "orders"}
    incident = {"id": "PINC001", "type": "incident_reference", "summary": "[#812] OrdersHigh5xx orders (critical)"}
    user = {"id": "PUSR001", "type": "user_reference", "summary": "Ada Okafor"}
    steps = [("trigger_log_entry", IMPACT + timedelta(minutes=2, seconds=20), service, "Triggered through the API"),
             ("acknowledge_log_entry", IMPACT + timedelta(minutes=6), user, "Acknowledged by Ada Okafor"),
             ("resolve_log_entry", RESOLVED, user, "Resolved by Ada Okafor")]
    entries = [{"id": f"R{n:025d}", "type": kind, "summary": summary, "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "agent": agent, "channel": {"type": "api" if n == 1 else "web_ui"}, "service": service,
                "incident": incident} for n, (kind, at, agent, summary) in enumerate(steps, start=1)]
    path.write_text(json.dumps({"log_entries": entries, "limit": 100, "offset": 0, "more": False}, indent=2), "utf-8")


def _slack(path: Path) -> None:
    users = [{"id": "U01", "name": "ada", "real_name": "Ada Okafor", "is_bot": False, "deleted": False,
              "profile": {"real_name": "Ada Okafor", "display_name": "ada"}}]
    channels = [{"id": "C01", "name": "inc-orders", "created": int(IMPACT.timestamp()), "creator": "U01",
                 "members": ["U01"], "is_archived": False}]
    said = [(IMPACT + timedelta(minutes=7), "Looking at orders 504s: payment provider calls time out"),
            (FIXED - timedelta(minutes=1), "Deploying v4.2.1 with the payment circuit breaker"),
            (FIXED + timedelta(minutes=4), "5xx back to zero, queue draining")]
    messages = [{"type": "message", "user": "U01", "text": text, "ts": f"{int(at.timestamp())}.000100",
                 "team": "T01"} for at, text in said]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("users.json", json.dumps(users))
        archive.writestr("channels.json", json.dumps(channels))
        archive.writestr(f"inc-orders/{DAY}.json", json.dumps(messages))


def _prometheus(rng: random.Random, path: Path) -> None:
    steps = [FIRST + timedelta(seconds=15 * n) for n in range(int((LAST - FIRST).total_seconds() // 15) + 1)]
    minutes = [(t - FIRST).total_seconds() / 60 for t in steps]
    waves = {
        ("orders:http_requests:rate5m", "orders"): [1.1 + 0.1 * math.sin(m / 9) + rng.gauss(0, 0.03) for m in minutes],
        ("orders_worker_queue_depth", "orders"): [(380 + rng.gauss(0, 20)) if _impact(t) else max(0, rng.gauss(3, 2))
                                                  for t in steps],
        ("process_resident_memory_bytes", "orders"): [4.0e8 + 3.0e5 * m + rng.gauss(0, 2e6) for m in minutes],
        ("node_cpu_utilisation", "orders"): [0.35 + rng.gauss(0, 0.05) for _ in minutes],
        (None, "orders"): [(4.8 + rng.gauss(0, 0.1)) if _impact(t) else 0.3 + rng.gauss(0, 0.02) for t in steps],
    }
    result = [{"metric": ({"__name__": name} if name else {}) | {"service": service},
               "values": [[int(t.timestamp()), f"{v:.6g}"] for t, v in zip(steps, values, strict=True)]}
              for (name, service), values in waves.items()]
    path.write_text(json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}}), "utf-8")
