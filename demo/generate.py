"""Regenerate the demo incident's raw telemetry under ``demo/telemetry/`` (stdlib only, same bytes every run).

Renders the script and the per-second service model of ``story.py`` as the files responders would have
saved: nginx access log, ``kubectl logs --timestamps``, payment-worker JSON lines, Prometheus ``query_range``
responses (metrics and ALERTS), an ``amtool`` snapshot, PagerDuty log entries and a Slack export.
Run from the repository root: ``.venv/bin/python demo/generate.py``.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

try:
    from demo import story as s
except ImportError:  # run as a script: python demo/generate.py
    import story as s  # type: ignore[no-redef]

OUT = Path(__file__).resolve().parent / "telemetry"
SEC, MS = timedelta(seconds=1), timedelta(milliseconds=1)


def iso(t: datetime, digits: int = 0) -> str:
    """Return RFC 3339 UTC with ``digits`` fractional digits, e.g. 2026-03-14T14:04:02.118Z."""
    fraction = f".{t.microsecond:06d}"[: digits + 1] if digits else ""
    return f"{t.astimezone(UTC):%Y-%m-%dT%H:%M:%S}{fraction}Z"


def write(name: str, data: Any, indent: int | None = None) -> None:
    """Write JSON (compact, as curl saves an API response, or indented) with a final newline."""
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=indent, separators=None if indent else (",", ":")) + "\n", "utf-8")


def ticks(start: datetime, stop: datetime, gap: Callable[[datetime], float]) -> Iterator[datetime]:
    """Yield ``start`` and then a time every ``gap(t)`` seconds, until ``stop``."""
    while start < stop:
        yield start
        start += timedelta(seconds=gap(start))


def prometheus(rows: list[s.Row], alerts: s.Alerts) -> None:
    """Write the recording-rule matrix and the ALERTS{alertstate="firing"} history (15 s steps)."""
    steps = list(ticks(s.TELEMETRY_START, s.TELEMETRY_END + s.STEP, lambda _: s.STEP.total_seconds()))
    series: dict[str, list[list[Any]]] = {}
    for t in steps:
        for name, v in s.recorded(rows, t).items():
            series.setdefault(name, []).append([int(t.timestamp()), repr(round(v, 6 if "5xx" in name else 3))])
    result = [{"metric": {"__name__": n, "service": "checkout"}, "values": v} for n, v in series.items()]
    write("prometheus-query_range.json", {"status": "success", "data": {"resultType": "matrix", "result": result}})
    result = [{"metric": {"__name__": "ALERTS", "alertname": name, "alertstate": "firing", "service": "checkout",
                          "severity": s.ALERT_RULES[name]["severity"], "team": "checkout"},
               "values": [[int(t.timestamp()), "1"] for t in steps if firing <= t < resolved]}
              for name, (_, firing, resolved) in alerts.items()]
    write("alerts-history.json", {"status": "success", "data": {"resultType": "matrix", "result": result}})


def alertmanager(rng: random.Random, alerts: s.Alerts) -> None:
    """Write the `amtool alert query -o json` snapshot taken at AM_SNAPSHOT (only the alerts active then)."""
    sent = s.AM_SNAPSHOT - (s.AM_SNAPSHOT - s.EVAL_OFFSET - s.TELEMETRY_START) % s.STEP + 118 * MS
    out = []
    for name, (_, firing, _) in alerts.items():
        rule, url = s.ALERT_RULES[name], "http://prometheus.monitoring.svc:9090/graph?g0.tab=1&g0.expr="
        out.append({
            "annotations": {"summary": rule["summary"], "runbook_url": "https://wiki.example.com/runbooks/checkout-5xx"},
            "endsAt": iso(sent + timedelta(minutes=4), 3), "fingerprint": f"{rng.getrandbits(64):016x}",
            "receivers": [{"name": "pagerduty-checkout"}, {"name": "slack-checkout"}][name != "HighErrorRate":],
            "startsAt": iso(firing + 118 * MS, 3), "updatedAt": iso(sent + 13 * MS, 3),
            "status": {"inhibitedBy": [], "silencedBy": [], "state": "active"},
            "generatorURL": url + quote_plus(f"{rule['series']} > {rule['above']}"),
            "labels": {"alertname": name, "service": "checkout", "severity": rule["severity"], "team": "checkout"}})
    write("alertmanager-alerts.json", out, indent=2)


def nginx(rng: random.Random, rows: list[s.Row]) -> None:
    """Write the 2%-sampled edge access log: a 5xx burst from FIRST_ERROR to LAST_ERROR, three malformed lines."""
    clients = [f"{net}.{rng.randint(2, 254)}" for net in ("192.0.2", "198.51.100", "203.0.113") for _ in range(90)]
    agents = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/123.0", "Mozilla/5.0 (Macintosh) Safari/605.1",
              "Mozilla/5.0 (iPhone) Mobile Safari", "ShopApp/5.12.0 (iOS 17.3)", "ShopApp/5.12.0 (Android 14)"]
    paths = ["GET /api/checkout?id={}", "GET /api/checkout?id={}", "POST /api/checkout/submit",
             "GET /api/checkout/shipping-options?cart={}", "POST /api/checkout/payment-intent"]
    broken = {s.at("14:08:41"): None,  # a partial write: the previous line cut in half
              s.at("14:12:03"): "2026/03/14 14:12:03 [error] 31#31: *884120 upstream timed out (110: Connection "
              "timed out) while reading response header from upstream",  # an error-log line in the access log
              s.at("14:51:17"): "".join(rng.choice("#%&!@^~*()[]{}<>?/|0123456789abcdefXYZ") for _ in range(64))}
    lines: list[str] = []
    for r in rows[300:]:
        t, n, p, limit = r["t"], 0, rng.random(), math.exp(-r["req"] * s.NGINX_SAMPLE)
        while p > limit:  # Poisson draw (Knuth)
            n, p = n + 1, p * rng.random()
        forced = t in (s.FIRST_ERROR, s.LAST_ERROR)  # the burst's first and last 5xx are in the sample
        for k in range(max(n, 1) if forced else n):
            request, agent = rng.choice(paths).format(rng.randint(40000, 99999)), rng.choice(agents)
            ip = "203.0.113.9" if forced and k == 0 and t == s.FIRST_ERROR else rng.choice(clients)
            status = 400 if request.startswith("POST") and rng.random() < 0.01 else 200
            if (forced and k == 0) or (s.FIRST_ERROR <= t <= s.LAST_ERROR and rng.random() < r["frac"]):
                status = 502 if ip == "203.0.113.9" else rng.choice((503, 503, 503, 504, 504, 502))
            size = {200: rng.randint(600, 4200), 400: 87, 502: 157, 503: 97, 504: 167}[status]
            referer = "-" if agent.startswith("ShopApp") else "https://shop.example.com/checkout"
            lines.append(f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "{request} HTTP/1.1" {status} {size} '
                         f'"{referer}" "{agent}"')
        if t in broken:
            lines.append(broken[t] or lines[-1][: len(lines[-1]) // 2])
    (OUT / "nginx-access.log").write_text("\n".join(lines) + "\n", "ascii")


def pod_log(rng: random.Random, rows: list[s.Row], pod: tuple[Any, ...]) -> Iterator[tuple[datetime, str, str]]:
    """Yield (time, level, text) for one checkout-api pod of ``story.PODS``."""
    _, version, started, ready, stop, pool_max = pod
    if started:
        yield started, "INFO", f"main: Starting checkout-api {version} (commit {s.COMMITS[version]})"
        yield started + 412 * MS, "INFO", f"db.pool: max={pool_max} acquire_timeout=5000ms host=payments-db:5432"
        yield ready, "INFO", "http: listening on :8080, ready"
    for t in ticks((started or s.TELEMETRY_START) + rng.randint(20, 110) * SEC, stop or s.TELEMETRY_END, lambda _: 120):
        r, full = rows[int((t - s.MODEL_START).total_seconds())], version == "v2.3.0" and t >= s.POOL_FULL
        in_use = pool_max if full else (r["pool"] if r["pool"] < s.POOL_MAX else 8) - rng.randint(0, 2)
        errors = round(r["err"] * 60 / s.bad_pods(t)) if full else round(r["req"] * 20 * 0.0005)
        yield t, "INFO", (f"stats: requests={round(r['req'] * 20)}/min errors_5xx={errors}/min "
                          f"pool_in_use={in_use}/{pool_max} waiters={rng.randint(25, 45) if full else 0}")
    if version == "v2.3.0":
        for t in ticks(ready + timedelta(seconds=rng.randint(60, 100)), stop, lambda _: rng.uniform(25, 70)):
            yield t, "WARN", f"db.query: slow query orders.recent_by_email took {rng.randint(1900, 3100)}ms"
        for t in ticks(s.POOL_FULL + rng.randint(50, 900) * MS, stop, lambda _: rng.uniform(50, 70)):
            yield t, "ERROR", f"db.pool: connection pool exhausted (max {pool_max}), {rng.randint(18, 45)} waiting"
        for t in ticks(s.FIRST_ERROR + rng.randint(100, 900) * MS, stop, lambda _: rng.uniform(10, 22)):
            order = rng.randint(48000, 49999)
            yield t, "ERROR", f"db.pool: timeout acquiring connection after 5000ms order_id={order}"
            yield t + MS / 2, "WARN", f"http: POST /api/checkout/submit 503 {rng.randint(5001, 5012)}ms id={order}"
    if stop:
        yield stop, "INFO", "main: received SIGTERM, draining in-flight requests"
        yield stop + (s.MITIGATED - s.LAST_ERROR), "INFO", "main: shutdown complete"


def kubectl(rng: random.Random, rows: list[s.Row]) -> None:
    """Write the pods' logs as `kubectl logs --timestamps` lines (RFC3339Nano), merged across pods by time."""
    lines = []
    for pod in s.PODS:
        for t, level, text in pod_log(rng, rows, pod):
            ns = t.microsecond * 1000 + rng.randint(0, 999) if t.microsecond else rng.randint(10**6, 4 * 10**8)
            if s.TELEMETRY_START <= t <= s.TELEMETRY_END:
                lines.append(f"{t:%Y-%m-%dT%H:%M:%S}.{ns:09d}Z {level:<5} {pod[0]} {text}\n")
    (OUT / "checkout-api.kubectl.log").write_text("".join(sorted(lines)), "utf-8")


def payment_worker(rng: random.Random) -> None:
    """Write the payment worker's JSON lines, one per capture batch, stamped in local time (+01:00) on purpose."""
    times = list(ticks(s.TELEMETRY_START + rng.uniform(5, 40) * SEC, s.INCIDENT_END, lambda _: rng.uniform(55, 75)))
    slow = [t for t in times if s.WORKER_SLOW <= t < s.MITIGATED]  # payments-db saturated by the checkout queries
    timeouts = {t: s.DELAYED_CAPTURES // len(slow) + (i < s.DELAYED_CAPTURES % len(slow)) for i, t in enumerate(slow)}
    out = [(s.BACKLOG_DRAINED, "info", f"retry backlog drained: {s.DELAYED_CAPTURES} delayed captures completed")]
    for t in times:
        done, value = rng.randint(30, 48), rng.uniform(110, 140)
        if t in timeouts:
            out.append((t, "warn", f"capture batch slow: {done - timeouts[t]} captured, {timeouts[t]} timed out "
                                   f"after 10000ms (retry 1/5 in 30s), p99 {rng.randint(9000, 9990)}ms"))
            out.append((t + 0.3 * SEC, "error", f"payments-db timeout: capture order_id={rng.randint(48000, 49999)}"))
        elif s.MITIGATED <= t < s.BACKLOG_DRAINED:
            left = round(s.DELAYED_CAPTURES * (s.BACKLOG_DRAINED - t) / (s.BACKLOG_DRAINED - s.MITIGATED))
            out.append((t, "info", f"capture batch: {done} captured, retry backlog {left} left"))
        else:
            out.append((t, "info", f"capture batch: {done} captured (EUR {done * value:.2f}), 0 failed, "
                                   f"p99 {rng.randint(180, 320)}ms, queue depth {rng.randint(0, 3)}"))
    lines = [json.dumps({"timestamp": t.astimezone(timezone(timedelta(hours=1))).isoformat(timespec="milliseconds"),
                         "level": level, "message": message}) for t, level, message in sorted(out)]
    (OUT / "app.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


def pagerduty(rng: random.Random) -> None:
    """Write the PagerDuty REST v2 log entries of the incident (one page, oldest first)."""
    api, title = "https://api.pagerduty.com", "[FIRING:1] HighErrorRate checkout (critical)"

    def ref(kind: str, ident: str, summary: str) -> dict[str, Any]:
        return {"id": ident, "type": f"{kind}_reference", "summary": summary, "self": f"{api}/{kind}s/{ident}"}

    service, incident = ref("service", *s.PD_SERVICE), ref("incident", s.PD_INCIDENT, f"[#{s.PD_NUMBER}] {title}")
    incident["html_url"] = f"https://shop.pagerduty.com/incidents/{s.PD_INCIDENT}"
    entries = []
    for t, kind, who, channel, summary in s.PAGERDUTY:
        entry_id = "R" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(25))
        user = who and ref("user", s.PEOPLE[who][2], s.PEOPLE[who][1])
        entry: dict[str, Any] = {
            "id": entry_id, "type": kind, "summary": summary, "self": f"{api}/log_entries/{entry_id}",
            "html_url": None, "created_at": iso(t), "agent": user if who and kind != "notify_log_entry" else service,
            "channel": {"type": channel}, "service": service, "incident": incident, "contexts": [],
            "teams": [ref("team", "PT3CHK0", "Checkout")]}
        extra = {"trigger_log_entry": {"event_details": {"description": title}}, "notify_log_entry": {"user": user},
                 "annotate_log_entry": {"summary": "Note added", "channel": {"type": channel, "summary": summary}}}
        entries.append(entry | extra.get(kind, {}))
    write("pagerduty-log-entries.json", {"log_entries": entries, "limit": 100, "offset": 0, "more": False,
                                         "total": None}, indent=2)


def slack(rng: random.Random) -> None:
    """Write the Slack export: users.json, channels.json and #inc-checkout's day file."""
    (bot_user, bot_id, bot_name), (cid, cname, created) = s.SLACK_BOT, s.CHANNEL
    users = [{"id": sid, "team_id": s.SLACK_TEAM, "name": handle, "deleted": False, "real_name": name, "is_bot": False,
              "tz": "Europe/Berlin", "profile": {"title": role, "real_name": name, "display_name": handle}}
             for handle, (sid, name, _, role) in s.PEOPLE.items()]
    users.append({"id": bot_user, "team_id": s.SLACK_TEAM, "name": "pagerduty", "deleted": False,
                  "real_name": bot_name, "is_bot": True, "profile": {"real_name": bot_name, "bot_id": bot_id}})
    write("slack-export/users.json", users, indent=4)
    maria, created_ts = s.PEOPLE["maria"][0], int(created.timestamp())
    topic = {"value": f"Checkout 5xx, PD #{s.PD_NUMBER}", "creator": maria, "last_set": created_ts}
    write("slack-export/channels.json", [{
        "id": cid, "name": cname, "created": created_ts, "creator": maria, "is_archived": False, "is_general": False,
        "members": [p[0] for p in s.PEOPLE.values()], "pins": [], "topic": topic,
        "purpose": {**topic, "value": f"Incident channel for PD #{s.PD_NUMBER} (checkout outage)"}}], indent=4)
    ts = {hms: f"{int(s.at(hms).timestamp())}.{rng.randint(0, 999999):06d}" for hms, *_ in s.SLACK}
    author = {hms: s.PEOPLE[who.removeprefix("join:")][0] for hms, who, *_ in s.SLACK if who != "bot"}
    messages: list[dict[str, Any]] = []
    for hms, who, text, parent in s.SLACK:
        msg: dict[str, Any] = {"type": "message", "text": text, "ts": ts[hms]}
        if who == "bot":
            msg |= {"subtype": "bot_message", "bot_id": bot_id, "username": bot_name}
        else:
            msg |= {"subtype": "channel_join"} if who.startswith("join:") else {"team": s.SLACK_TEAM}
            msg["user"] = author[hms]
        if replies := [h for h, _, _, p in s.SLACK if p == hms]:
            msg |= {"thread_ts": ts[hms], "reply_count": len(replies), "latest_reply": ts[replies[-1]],
                    "reply_users": sorted({author[h] for h in replies})}
        if parent:
            msg |= {"thread_ts": ts[parent], "parent_user_id": author[parent]}
        messages.append(msg)
    write(f"slack-export/{cname}/2026-03-14.json", messages, indent=4)


def main() -> None:
    """Regenerate every telemetry file; stop if the alert times derived from the model drift from the story."""
    alerts = s.evaluate_alerts(rows := s.model(rng := random.Random(42)))
    if alerts != s.ALERT_TIMES:
        raise SystemExit(f"alert times drifted from story.ALERT_TIMES, update it: {alerts}")
    prometheus(rows, alerts)
    alertmanager(rng, alerts)
    nginx(rng, rows)
    kubectl(rng, rows)
    payment_worker(rng)
    pagerduty(rng)
    slack(rng)


if __name__ == "__main__":
    main()
