"""Regenerate the demo incident's raw telemetry under ``demo/telemetry/`` (stdlib only, deterministic).

A per-second model of the checkout service (request rate, 5xx fraction, slow-request fraction, DB pool
in use) is driven by the script in ``story.py`` and rendered as the files a responder would have saved:
nginx access log, ``kubectl logs --timestamps``, payment-worker JSON lines, a Prometheus ``query_range``
response, the ``ALERTS`` history, an ``amtool`` snapshot, PagerDuty log entries and a Slack export.
The alert times are derived by evaluating the alert rules on the model and must match ``story.py``.

Run: ``.venv/bin/python demo/generate.py`` (same bytes every run: ``random.Random(42)``).
"""

from __future__ import annotations

import json
import math
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

try:
    from demo import story as s
except ImportError:  # run as a script: python demo/generate.py
    import story as s  # type: ignore[no-redef]

OUT = Path(__file__).resolve().parent / "telemetry"
T0 = s.TELEMETRY_START - timedelta(minutes=5)  # the model starts 5 min early for the 5-min windows
SEC = timedelta(seconds=1)


def ramp(t: datetime, start: datetime, seconds: float) -> float:
    """Return a smooth 0→1 step over ``seconds`` from ``start``."""
    x = min(1.0, max(0.0, (t - start).total_seconds() / seconds))
    return x * x * (3 - 2 * x)


def bad_pods_serving(t: datetime) -> int:
    """Return how many v2.3.0 pods serve traffic at ``t``."""
    return sum(1 for p in s.PODS if p[1] == "v2.3.0" and p[3] <= t < p[4])


def model(rng: random.Random) -> list[dict[str, Any]]:
    """Return one dict per second from T0 to the end: req/s, 5xx/s, slow fraction, max pool in use."""
    rows, t = [], T0
    while t <= s.TELEMETRY_END:
        i = len(rows)
        req = (38 + 12 * ramp(t, s.TELEMETRY_START, 1200) - 5 * ramp(t, s.at("14:45:00"), 3600)) * (
            1 + 0.03 * math.sin(i / 97)) + rng.gauss(0, 1.2)
        filling = ramp(t, s.at("13:57:39"), (s.POOL_FULL - s.at("13:57:39")).total_seconds())
        if s.FIRST_ERROR <= t <= s.LAST_ERROR:
            err = min(0.62, 0.42 + 0.14 * ramp(t, s.FIRST_ERROR, 180) + rng.gauss(0, 0.02)) * bad_pods_serving(t) / 3
            slow, pool = err + 0.05, s.POOL_MAX
        elif bad_pods_serving(t) and t < s.FIRST_ERROR:
            err, slow = 0.0005, 0.002 + 0.004 * filling
            pool = min(s.POOL_MAX, 8 + round(12 * filling ** 1.6)) if t >= s.at("13:57:39") else rng.randint(5, 7)
        else:
            err, slow, pool = 0.0005, 0.0005, rng.choice((6, 7, 7, 8))
        rows.append({"t": t, "req": req, "err": req * err, "slow": req * slow, "pool": pool, "frac": err})
        t += SEC
    return rows


def window(rows: list[dict[str, Any]], t: datetime, key: str) -> float:
    """Return the sum of ``key`` over the 300 s ending at ``t``."""
    end = int((t - T0).total_seconds())
    return sum(r[key] for r in rows[max(0, end - 299): end + 1])


def recorded(rows: list[dict[str, Any]], t: datetime) -> dict[str, float]:
    """Return the four recording-rule values at ``t``."""
    req = window(rows, t, "req")
    q = window(rows, t, "slow") / req
    p99 = 0.27 + 1.9 * q / 0.01 if q <= 0.01 else 2.17 + 2.83 * min(1.0, (q - 0.01) / 0.1)
    return {"checkout:http_requests:rate5m": req / 300, "checkout:http_requests_5xx:ratio_rate5m":
            window(rows, t, "err") / req, "checkout:http_request_duration_seconds:p99_5m": p99,
            "checkout:db_pool_connections_in_use:max": rows[int((t - T0).total_seconds())]["pool"]}


def evaluate_alerts(rows: list[dict[str, Any]]) -> dict[str, tuple[datetime, datetime, datetime]]:
    """Evaluate the alert rules every 15 s; return name -> (activeAt, firing, resolved)."""
    times: dict[str, list[datetime]] = {name: [] for name in s.ALERT_RULES}
    t = s.TELEMETRY_START + s.EVAL_OFFSET
    while t <= s.TELEMETRY_END:
        values = recorded(rows, t)
        for name, rule in s.ALERT_RULES.items():
            got, true = times[name], values[rule["series"]] > rule["above"]
            if true and not got:
                got.append(t)
            elif true and len(got) == 1 and t - got[0] >= rule["hold"]:
                got.append(t)
            elif not true and len(got) == 2:
                got.append(t)
            elif not true and len(got) == 1:
                got.clear()
        t += s.STEP
    return {name: (v[0], v[1], v[2]) for name, v in times.items()}


def iso(t: datetime, digits: int = 0) -> str:
    """Return RFC 3339 UTC with ``digits`` fractional digits (nanoseconds padded), e.g. ...:17.123Z."""
    base = t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return base + (f".{t.microsecond:06d}000"[: digits + 1] if digits else "") + "Z"


def write(name: str, data: Any, indent: int | None = None) -> None:
    """Write JSON (compact like curl/amtool saves it, or indented) with a final newline."""
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    sep = (",", ":") if indent is None else None
    path.write_text(json.dumps(data, indent=indent, separators=sep, ensure_ascii=False) + "\n", encoding="utf-8")


def steps() -> list[datetime]:
    """Return the query_range step timestamps."""
    n = int((s.TELEMETRY_END - s.TELEMETRY_START) / s.STEP)
    return [s.TELEMETRY_START + k * s.STEP for k in range(n + 1)]


def prometheus(rows: list[dict[str, Any]], alerts: dict[str, tuple[datetime, datetime, datetime]]) -> None:
    """Write the recording-rule matrix and the ALERTS{alertstate="firing"} history."""
    series: dict[str, list[list[Any]]] = {}
    for t in steps():
        for name, v in recorded(rows, t).items():
            series.setdefault(name, []).append([int(t.timestamp()), repr(round(v, 6 if "ratio" in name else 3))])
    result = [{"metric": {"__name__": n, "service": "checkout"}, "values": v} for n, v in series.items()]
    write("prometheus-query_range.json", {"status": "success", "data": {"resultType": "matrix", "result": result}})
    result = []
    for name, (_, firing, resolved) in alerts.items():
        labels = {"__name__": "ALERTS", "alertname": name, "alertstate": "firing", "service": "checkout",
                  "severity": s.ALERT_RULES[name]["severity"], "team": "checkout"}
        values = [[int(t.timestamp()), "1"] for t in steps() if firing <= t < resolved]
        result.append({"metric": labels, "values": values})
    write("alerts-history.json", {"status": "success", "data": {"resultType": "matrix", "result": result}})


def alertmanager(rng: random.Random, alerts: dict[str, tuple[datetime, datetime, datetime]]) -> None:
    """Write the amtool snapshot taken at AM_SNAPSHOT (API v2 alerts: only what was active then)."""
    last_eval = s.AM_SNAPSHOT - (s.AM_SNAPSHOT - s.EVAL_OFFSET - s.TELEMETRY_START) % s.STEP
    out = []
    for name, (_, firing, _) in alerts.items():
        rule, ms = s.ALERT_RULES[name], timedelta(milliseconds=118)
        expr = f"{rule['series']} > {rule['above']}".replace(":", "%3A").replace(" ", "+")
        out.append({
            "annotations": {"summary": rule["summary"], "runbook_url": "https://wiki.example.com/runbooks/checkout-5xx",
                            "dashboard_url": "https://grafana.example.com/d/checkout"},
            "endsAt": iso(last_eval + ms + timedelta(minutes=4), 3), "fingerprint": f"{rng.getrandbits(64):016x}",
            "receivers": [{"name": "pagerduty-checkout"}, {"name": "slack-checkout"}][name != "HighErrorRate":],
            "startsAt": iso(firing + ms, 3), "status": {"inhibitedBy": [], "silencedBy": [], "state": "active"},
            "updatedAt": iso(last_eval + ms + timedelta(milliseconds=13), 3),
            "generatorURL": f"http://prometheus.monitoring.svc:9090/graph?g0.expr={expr}&g0.tab=1",
            "labels": {"alertname": name, "service": "checkout", "severity": rule["severity"], "team": "checkout"}})
    write("alertmanager-alerts.json", out, indent=2)


def nginx(rng: random.Random, rows: list[dict[str, Any]]) -> None:
    """Write the 2%-sampled edge access log with a 5xx burst and three malformed lines."""
    clients = [f"{net}.{rng.randint(2, 254)}" for net in ("192.0.2", "198.51.100", "203.0.113") for _ in range(90)]
    agents = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/123.0", "Mozilla/5.0 (Macintosh) Safari/605.1",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3) Mobile Safari", "Mozilla/5.0 (Linux; Android 14) Chrome/122",
              "ShopApp/5.12.0 (iOS 17.3)", "ShopApp/5.12.0 (Android 14)"]
    requests = [("GET", "/api/checkout?id={}"), ("GET", "/api/checkout?id={}"), ("POST", "/api/checkout/submit"),
                ("GET", "/api/checkout/shipping-options?cart={}"), ("POST", "/api/checkout/payment-intent")]
    bad_lines = {s.at("14:08:41"): "truncated", s.at("14:12:03"): "error", s.at("14:51:17"): "garbage"}
    lines: list[str] = []
    for r in rows[300:]:
        t, n, limit = r["t"], 0, math.exp(-r["req"] * s.NGINX_SAMPLE)
        p = rng.random()
        while p > limit:  # Poisson draw (Knuth)
            n, p = n + 1, p * rng.random()
        forced = t in (s.FIRST_ERROR, s.LAST_ERROR)
        for k in range(max(n, 1) if forced else n):
            method, path = rng.choice(requests)
            status = 200 if method == "GET" or rng.random() > 0.01 else 400
            if (forced and k == 0) or (s.FIRST_ERROR <= t <= s.LAST_ERROR and rng.random() < r["frac"]):
                status = 502 if forced and t == s.FIRST_ERROR else rng.choice((503, 503, 503, 504, 504, 502))
            size = {200: rng.randint(600, 4200), 400: 87, 502: 157, 503: 97, 504: 167}[status]
            agent = rng.choice(agents)
            ip = "203.0.113.9" if forced and k == 0 and t == s.FIRST_ERROR else rng.choice(clients)
            referer = "-" if agent.startswith("ShopApp") else "https://shop.example.com/checkout"
            lines.append(f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "{method} {path.format(rng.randint(40000, 99999))} '
                         f'HTTP/1.1" {status} {size} "{referer}" "{agent}"')
        kind = bad_lines.get(t)
        if kind == "truncated":
            lines.append(lines[-1][: len(lines[-1]) // 2])
        elif kind == "error":
            lines.append(f"{t:%Y/%m/%d %H:%M:%S} [error] 31#31: *884120 upstream timed out (110: Connection timed "
                         'out) while reading response header from upstream, client: 198.51.100.77, server: '
                         'shop.example.com, request: "POST /api/checkout/submit HTTP/1.1"')
        elif kind == "garbage":
            lines.append("".join(rng.choice("#%&!@^~*()[]{}<>?/|0123456789abcdefXYZ") for _ in range(64)))
    (OUT / "nginx-access.log").write_text("\n".join(lines) + "\n", encoding="ascii")


def kubectl(rng: random.Random, rows: list[dict[str, Any]]) -> None:
    """Write the checkout-api pods' logs as `kubectl logs --timestamps` lines, merged and sorted by time."""
    out: list[tuple[datetime, str]] = []

    def log(t: datetime, level: str, pod: str, text: str) -> None:
        if s.TELEMETRY_START <= t <= s.TELEMETRY_END:
            out.append((t, f"{level:<5} {pod} {text}"))

    for pod, version, started, ready, stop, pool_max in s.PODS:
        if started:
            log(started, "INFO", pod, f"main: Starting checkout-api {version} (commit {s.COMMITS[version]})")
            log(started + timedelta(milliseconds=412), "INFO", pod, f"db.pool: configured max={pool_max} "
                "acquire_timeout=5000ms host=payments-db.prod.svc:5432")
            log(ready, "INFO", pod, "http: listening on :8080, ready")
        t = (started or s.TELEMETRY_START) + timedelta(seconds=rng.randint(20, 110))
        while t < (stop or s.TELEMETRY_END):
            r = rows[int((t - T0).total_seconds())]
            full = s.POOL_FULL <= t <= s.LAST_ERROR and version == "v2.3.0"
            in_use = pool_max if full else max(3, min(pool_max, r["pool"] - rng.randint(0, 2)))
            log(t, "INFO", pod, f"stats: requests={round(r['req'] * 40)}/min errors_5xx={round(r['err'] * 40)}/min "
                f"pool_in_use={in_use}/{pool_max} waiters={rng.randint(25, 45) if full else 0}")
            t += timedelta(seconds=120)
        t = (ready or s.TELEMETRY_START) + timedelta(seconds=rng.randint(60, 100))
        while version == "v2.3.0" and t < stop:
            log(t, "WARN", pod, f"db.query: slow query orders.recent_by_email took {rng.randint(1900, 3100)}ms "
                "(threshold 1000ms)")
            t += timedelta(seconds=rng.randint(25, 60) if t < s.POOL_FULL else rng.randint(50, 90))
        t = s.POOL_FULL + timedelta(milliseconds=rng.randint(50, 900))
        while version == "v2.3.0" and t < stop:
            log(t, "ERROR", pod, f"db.pool: connection pool exhausted (max {pool_max}), {rng.randint(18, 45)} "
                "requests waiting")
            t += timedelta(seconds=rng.randint(50, 70))
        t = s.FIRST_ERROR + timedelta(milliseconds=rng.randint(100, 900))
        while version == "v2.3.0" and t < stop:
            order = rng.randint(48000, 49999)
            log(t, "ERROR", pod, f"db.pool: timeout acquiring connection after 5000ms order_id={order}")
            log(t + timedelta(microseconds=rng.randint(200, 900)), "WARN", pod,
                f"http: POST /api/checkout/submit 503 {rng.randint(5001, 5012)}ms order_id={order}")
            t += timedelta(seconds=rng.randint(10, 22))
        if stop:
            drain = s.MITIGATED - s.LAST_ERROR
            log(stop, "INFO", pod, "main: received SIGTERM, draining in-flight requests")
            log(stop + drain, "INFO", pod, "main: shutdown complete")
    stamped = []
    for t, line in sorted(out):  # kubelet stamps with 9 fractional digits
        ns = t.microsecond * 1000 + rng.randint(0, 999) if t.microsecond else rng.randint(10**6, 10**9 - 1)
        stamped.append(f"{t:%Y-%m-%dT%H:%M:%S}.{ns:09d}Z {line}\n")
    (OUT / "checkout-api.kubectl.log").write_text("".join(sorted(stamped)), encoding="utf-8")


def payment_worker(rng: random.Random) -> None:
    """Write the payment worker's JSON lines, stamped in local time (+01:00) on purpose."""
    cet, out = timezone(timedelta(hours=1)), []
    t = s.TELEMETRY_START + timedelta(seconds=rng.randint(5, 40))
    while t < s.INCIDENT_END:
        order = rng.randint(48000, 49999)
        if s.at("14:03:10") <= t < s.MITIGATED:
            out.append((t, "warn", f"payments-db slow: capture_payment took {rng.randint(3500, 9800)}ms "
                        f"order_id={order}"))
            out.append((t + timedelta(seconds=10), "error", f"capture timed out after 10000ms order_id={order}, "
                        f"attempt 1/5, retry in 30s"))
            t += timedelta(seconds=rng.randint(80, 110))
            continue
        if s.MITIGATED <= t < s.BACKLOG_DRAINED:
            out.append((t, "info", f"retry succeeded order_id={order} attempt 2/5 took {rng.randint(180, 400)}ms"))
            t += timedelta(seconds=rng.randint(40, 60))
            continue
        amount = f"{rng.randint(1200, 25000) / 100:.2f}"
        out.append((t, "info", f"captured payment order_id={order} amount=EUR {amount} took {rng.randint(140, 320)}ms"))
        if rng.random() < 0.15:
            out.append((t + SEC, "info", f"queue depth {rng.randint(0, 3)}, workers 4/4 healthy"))
        t += timedelta(seconds=rng.randint(50, 75))
    out.append((s.BACKLOG_DRAINED, "info", "retry backlog drained: 212 delayed captures completed, 0 failed"))
    lines = [json.dumps({"timestamp": t.astimezone(cet).isoformat(timespec="milliseconds"), "level": lvl,
                         "message": msg}) for t, lvl, msg in sorted(out)]
    (OUT / "app.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def pagerduty(rng: random.Random) -> None:
    """Write the incident's PagerDuty REST v2 log entries (one page, oldest first)."""
    api = "https://api.pagerduty.com"
    incident = {"id": s.PD_INCIDENT, "type": "incident_reference", "self": f"{api}/incidents/{s.PD_INCIDENT}",
                "summary": f"[#{s.PD_NUMBER}] [FIRING:1] HighErrorRate checkout (critical)",
                "html_url": f"https://shop.pagerduty.com/incidents/{s.PD_INCIDENT}"}
    service = {"id": s.PD_SERVICE[0], "type": "service_reference", "summary": s.PD_SERVICE[1],
               "self": f"{api}/services/{s.PD_SERVICE[0]}"}
    entries = []
    for t, kind, who, channel, summary in s.PAGERDUTY:
        entry_id = "R" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(25))
        user = who and {"id": s.PEOPLE[who][2], "type": "user_reference", "summary": s.PEOPLE[who][1],
                        "self": f"{api}/users/{s.PEOPLE[who][2]}"}
        entry = {"id": entry_id, "type": kind, "summary": summary, "self": f"{api}/log_entries/{entry_id}",
                 "html_url": None, "created_at": iso(t), "agent": service if kind == "trigger_log_entry" else user,
                 "channel": {"type": channel}, "service": service, "incident": incident,
                 "teams": [{"id": "PT3CHK0", "type": "team_reference", "summary": "Checkout"}], "contexts": []}
        if kind == "notify_log_entry":
            entry["agent"], entry["user"] = service, user
        if kind == "trigger_log_entry":
            entry["event_details"] = {"description": incident["summary"][9:]}
        if kind == "annotate_log_entry":
            entry["channel"]["summary"], entry["summary"] = summary, "Note added"
        entries.append(entry)
    write("pagerduty-log-entries.json", {"log_entries": entries, "limit": 100, "offset": 0, "more": False,
                                         "total": None}, indent=2)


def slack(rng: random.Random) -> None:
    """Write the Slack export: users.json, channels.json and the channel's day file."""
    users = [{"id": sid, "team_id": s.SLACK_TEAM, "name": handle, "deleted": False, "real_name": name,
              "tz": "Europe/Berlin", "tz_offset": 3600, "is_bot": False,
              "profile": {"title": role, "real_name": name, "display_name": handle,
                          "email": f"{handle}@shop.example.com"}} for handle, (sid, name, _, role) in s.PEOPLE.items()]
    bot_user, bot_id, bot_name = s.SLACK_BOT
    users.append({"id": bot_user, "team_id": s.SLACK_TEAM, "name": "pagerduty", "deleted": False,
                  "real_name": bot_name, "is_bot": True, "profile": {"real_name": bot_name, "bot_id": bot_id}})
    write("slack-export/users.json", users, indent=4)
    cid, cname, created = s.CHANNEL
    maria = s.PEOPLE["maria"][0]
    topic = {"value": f"Checkout 5xx, PD #{s.PD_NUMBER}", "creator": maria, "last_set": int(created.timestamp())}
    write("slack-export/channels.json", [{
        "id": cid, "name": cname, "created": int(created.timestamp()), "creator": maria, "is_archived": False,
        "is_general": False, "members": [sid for sid, *_ in s.PEOPLE.values()], "pins": [], "topic": topic,
        "purpose": {**topic, "value": f"Incident channel for PD #{s.PD_NUMBER} (checkout outage)"}}], indent=4)
    ts = {hms: f"{int(s.at(hms).timestamp())}.{rng.randint(0, 999999):06d}" for hms, *_ in s.SLACK}
    messages: list[dict[str, Any]] = []
    for hms, who, text, parent in s.SLACK:
        if who == "bot":
            msg = {"type": "message", "subtype": "bot_message", "text": text, "ts": ts[hms], "bot_id": bot_id,
                   "username": bot_name}
        elif who.startswith("join:"):
            msg = {"type": "message", "subtype": "channel_join", "user": s.PEOPLE[who[5:]][0], "text": text,
                   "ts": ts[hms]}
        else:
            msg = {"type": "message", "user": s.PEOPLE[who][0], "text": text, "ts": ts[hms], "team": s.SLACK_TEAM}
        replies = [(h, w) for h, w, _, p in s.SLACK if p == hms]
        if replies:
            msg |= {"thread_ts": ts[hms], "reply_count": len(replies), "latest_reply": ts[replies[-1][0]],
                    "reply_users": sorted({s.PEOPLE[w][0] for _, w in replies})}
        if parent:
            msg |= {"thread_ts": ts[parent], "parent_user_id": next(s.PEOPLE[w][0] for h, w, *_ in s.SLACK
                                                                     if h == parent)}
        messages.append(msg)
    write(f"slack-export/{cname}/2026-03-14.json", messages, indent=4)


def main() -> None:
    """Regenerate every telemetry file and check the alert times against the story."""
    rng = random.Random(42)
    rows = model(rng)
    alerts = evaluate_alerts(rows)
    if alerts != s.ALERT_TIMES:
        raise SystemExit(f"alert times drifted from story.ALERT_TIMES: {alerts}")
    OUT.mkdir(exist_ok=True)
    prometheus(rows, alerts)
    alertmanager(rng, alerts)
    nginx(rng, rows)
    kubectl(rng, rows)
    payment_worker(rng)
    pagerduty(rng)
    slack(rng)


if __name__ == "__main__":
    main()
