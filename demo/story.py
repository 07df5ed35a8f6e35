"""The demo incident's script: every time, person, pod and message the demo scripts share, plus a
per-second model of the checkout service during the incident.

Saturday 2026-03-14, all times UTC. ``generate.py`` renders the script and the model as raw telemetry
under ``telemetry/``; ``build_postmortem.py`` turns the telemetry plus this script into
``postmortem.json``. Change a time here and re-run both; ``generate.py`` stops if the alert times it
derives from the model no longer match ``ALERT_TIMES``.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any


def at(hms: str) -> datetime:
    """Return 2026-03-14 at ``hms`` (HH:MM:SS[.ffffff]) in UTC."""
    return datetime.fromisoformat(f"2026-03-14T{hms}+00:00")


# --- windows ------------------------------------------------------------------------------------
TELEMETRY_START, TELEMETRY_END = at("13:50:00"), at("15:40:00")  # what the exports cover
INCIDENT_START, INCIDENT_END = at("14:00:00"), at("15:30:00")  # the post-mortem's incident window
STEP = timedelta(seconds=15)  # Prometheus query_range step and rule evaluation interval
EVAL_OFFSET = timedelta(seconds=2)  # rule groups evaluate at :02, :17, :32, :47
NGINX_SAMPLE = 0.02  # the edge logs 2% of checkout requests (split_clients)
POOL_MAX, POOL_MAX_RAISED = 20, 30

# --- the story ----------------------------------------------------------------------------------
POOL_FULL = at("14:02:12")  # max pool in use reaches 20 of 20
FIRST_ERROR = at("14:02:17")  # first 5xx at the edge = impact start
DIAGNOSIS = at("14:14:20")  # seq scan on orders.customer_email found in pg_stat_activity
LAST_ERROR = at("14:19:49")  # last 5xx at the edge
MITIGATED = at("14:19:52")  # last v2.3.0 pod finished draining
WORKER_SLOW = at("14:03:40")  # payment worker captures start timing out on payments-db
BACKLOG_DRAINED = at("14:24:40")  # payment worker finished the delayed captures
DELAYED_CAPTURES = 212
RESOLVED = at("15:04:12")  # PagerDuty incident resolved
AM_SNAPSHOT = at("14:10:30")  # when the responder saved `amtool alert query -o json`
GROUP_WAIT = timedelta(seconds=30)  # Alertmanager group_wait before the PagerDuty notification

# Alert rules (recording-rule names as in prometheus-query_range.json) and the times they produce.
ALERT_RULES = {
    "HighErrorRate": {"severity": "critical", "series": "checkout:http_requests_5xx:ratio_rate5m", "above": 0.05,
                      "hold": timedelta(minutes=1), "summary": "Checkout 5xx ratio above 5% for 1 min"},
    "HighLatency": {"severity": "warning", "series": "checkout:http_request_duration_seconds:p99_5m", "above": 2.0,
                    "hold": timedelta(minutes=2), "summary": "Checkout p99 latency above 2 s for 2 min"},
}
ALERT_TIMES = {  # name: (activeAt = pending, firing, resolved); checked by generate.py
    "HighErrorRate": (at("14:03:02"), at("14:04:02"), at("14:23:47")),
    "HighLatency": (at("14:02:32"), at("14:04:32"), at("14:24:47")),
}
PAGED = ALERT_TIMES["HighErrorRate"][1] + GROUP_WAIT  # PagerDuty trigger
ACKED = at("14:06:05")

# --- pods: (name, version, started, ready, sigterm, pool max) -----------------------------------
OLD, BAD, RAISED = "checkout-api-6b8d9c7f4", "checkout-api-7f9c6d5b8", "checkout-api-5d4c8b7a9"
PODS = [
    (f"{OLD}-lq2wz", "v2.2.4", None, None, at("13:56:18"), POOL_MAX),
    (f"{OLD}-n8c5d", "v2.2.4", None, None, at("13:57:00"), POOL_MAX),
    (f"{OLD}-t4vxm", "v2.2.4", None, None, at("13:57:39"), POOL_MAX),
    (f"{BAD}-x2kqp", "v2.3.0", at("13:56:10"), at("13:56:18"), at("14:17:21"), POOL_MAX),
    (f"{BAD}-r7hjn", "v2.3.0", at("13:56:52"), at("13:57:00"), at("14:18:36"), POOL_MAX),
    (f"{BAD}-b9mfs", "v2.3.0", at("13:57:31"), at("13:57:39"), at("14:19:49"), POOL_MAX),
    (f"{OLD}-k3pdw", "v2.2.4", at("14:17:13"), at("14:17:21"), at("14:31:20"), POOL_MAX),
    (f"{OLD}-f6zqg", "v2.2.4", at("14:18:28"), at("14:18:36"), at("14:32:02"), POOL_MAX),
    (f"{OLD}-w2hvc", "v2.2.4", at("14:19:41"), at("14:19:49"), at("14:32:44"), POOL_MAX),
    (f"{RAISED}-h8tkr", "v2.2.4", at("14:31:12"), at("14:31:20"), None, POOL_MAX_RAISED),
    (f"{RAISED}-m5vqc", "v2.2.4", at("14:31:54"), at("14:32:02"), None, POOL_MAX_RAISED),
    (f"{RAISED}-z7pld", "v2.2.4", at("14:32:36"), at("14:32:44"), None, POOL_MAX_RAISED),
]
COMMITS = {"v2.2.4": "41be07d", "v2.3.0": "9f3c2ab"}

# --- people: handle -> (Slack id, real name, PagerDuty user id, role) ----------------------------
PEOPLE = {
    "maria": ("U05A1MRLPZ", "Maria Lopez", "P4MRL0Z", "Checkout primary on-call"),
    "dan": ("U05B2DNOKF", "Dan Okafor", "PD4N0KF", "Database on-call"),
    "priya": ("U05C3PRYRM", "Priya Raman", "PPR1YAR", "Customer support lead"),
    "sam": ("U05D4SMLEE", "Sam Lee", "PS4ML33", "Checkout tech lead"),
}
SLACK_TEAM, SLACK_BOT = "T05SHOP001", ("U05PGRDTY1", "B05PGRDTY2", "PagerDuty")
CHANNEL = ("C06INCCHK1", "inc-checkout", at("14:07:38"))
PD_INCIDENT, PD_NUMBER, PD_SERVICE = "Q3CHK7XZ4M1PQA", 4821, ("PCHK7QX", "Checkout API")

# Slack #inc-checkout: (time, handle or "bot" or "join:<handle>", text, thread parent time or None)
SLACK = [
    ("14:07:41", "maria", ":rotating_light: Declaring an incident: checkout 5xx ratio is about 50% since ~14:02 UTC. "
     "I'm IC and on-call. PD #4821. Dashboard: <https://grafana.example.com/d/checkout|Checkout overview>", None),
    ("14:07:52", "bot", "Incident #4821 [FIRING:1] HighErrorRate checkout (critical): acknowledged by Maria Lopez",
     None),
    ("14:08:30", "priya", "Support is getting reports of \"Something went wrong\" at the payment step. "
     "Shall I post on the status page?", None),
    ("14:08:58", "maria", "<@U05C3PRYRM> yes please: \"degraded checkout, investigating\". Next update 14:30.",
     "14:08:30"),
    ("14:09:30", "maria", "checkout-api logs on all 3 pods: `connection pool exhausted (max 20)` and "
     "`timeout acquiring connection after 5000ms`. v2.3.0 rolled out at 13:56.", None),
    ("14:10:34", "maria", "Saved the alert snapshot (amtool): HighErrorRate and HighLatency firing.", None),
    ("14:11:15", "maria", "<@U05B2DNOKF> can you look at payments-db? The pool is pinned at 20/20 and requests "
     "wait 5 s for a connection.", None),
    ("14:11:52", "join:dan", "<@U05B2DNOKF> has joined the channel", None),
    ("14:12:20", "dan", "on it, checking pg_stat_activity", None),
    ("14:14:20", "dan", "58 active sessions from checkout-api, most running `SELECT id, status, total FROM orders "
     "WHERE customer_email = $1 ORDER BY created_at DESC LIMIT 5`: Seq Scan on orders (41M rows), 2-3 s each. "
     "There is no index on customer_email.", None),
    ("14:15:10", "sam", "That is the new recent-orders widget in v2.3.0 (PR #1287). v2.3.0 has no schema "
     "changes, so a rollback to v2.2.4 is safe.", "14:14:20"),
    ("14:15:40", "maria", "Options: (a) roll back to v2.2.4 now, (b) CREATE INDEX CONCURRENTLY on 41M rows "
     "(20+ min). Going with (a); (b) before re-shipping the widget.", None),
    ("14:16:45", "maria", "Rolling back: `kubectl rollout undo deployment/checkout-api` -> v2.2.4", None),
    ("14:17:30", "priya", "Status page posted: \"Checkout degraded, we are investigating\".", None),
    ("14:20:15", "maria", "All 3 pods on v2.2.4, last 5xx at the edge 14:19:49. Pool in use back to ~7/20. "
     "Watching.", None),
    ("14:21:05", "dan", "DB active sessions back to 9, no more seq scans on orders.", None),
    ("14:24:55", "dan", "Payment worker drained its retry backlog: 212 delayed captures completed, none failed.",
     None),
    ("14:26:10", "maria", "Both alerts resolved. Proposal: raise the pool from 20 to 30 per pod; checkout "
     "traffic is about 3x what the pool was sized for and 8/20 was normal before the release.", None),
    ("14:27:40", "dan", "+1, payments-db max_connections is 200, 3 x 30 leaves room for the workers.", "14:26:10"),
    ("14:31:05", "dan", "Applying DB_POOL_MAX=30 to checkout-api, rolling restart.", None),
    ("14:33:10", "dan", "Restart done, pool in use 7/30 on all pods.", None),
    ("14:35:00", "priya", "Status page moved to \"monitoring\".", None),
    ("15:04:05", "maria", "30 min stable. Resolving PD #4821. Post-mortem draft tomorrow with <@U05B2DNOKF>; "
     "I'll book the review.", None),
    ("15:04:14", "bot", "Incident #4821 [FIRING:1] HighErrorRate checkout (critical) resolved by Maria Lopez", None),
]

# PagerDuty log entries: (time, type, handle or None, channel type, summary)
PAGERDUTY = [
    (PAGED, "trigger_log_entry", None, "api", "Triggered through the API"),
    (PAGED + timedelta(seconds=1), "notify_log_entry", "maria", "push_notification",
     "Notified Maria Lopez by push notification"),
    (PAGED + timedelta(seconds=2), "notify_log_entry", "maria", "sms", "Notified Maria Lopez by SMS"),
    (ACKED, "acknowledge_log_entry", "maria", "mobile", "Acknowledged by Maria Lopez"),
    (at("14:12:31"), "annotate_log_entry", "maria", "note",
     "Pool exhausted on all checkout-api pods since v2.3.0; DB on-call looking at payments-db"),
    (at("14:16:50"), "annotate_log_entry", "maria", "note", "Rolling back checkout-api to v2.2.4"),
    (RESOLVED, "resolve_log_entry", "maria", "web_app", "Resolved by Maria Lopez"),
]


# --- the per-second model of the checkout service that generate.py renders ------------------------
MODEL_START = TELEMETRY_START - timedelta(minutes=5)  # early, to fill the first 5-min windows
FILL_START = at("13:57:39")  # the pool starts filling once all pods run v2.3.0
Row = dict[str, Any]
Alerts = dict[str, tuple[datetime, datetime, datetime]]


def ramp(t: datetime, start: datetime, seconds: float) -> float:
    """Return a smooth 0→1 step over ``seconds`` from ``start``."""
    x = min(1.0, max(0.0, (t - start).total_seconds() / seconds))
    return x * x * (3 - 2 * x)


def bad_pods(t: datetime) -> int:
    """Return how many v2.3.0 pods serve traffic at ``t``."""
    return sum(1 for p in PODS if p[1] == "v2.3.0" and p[3] <= t < p[4])


def model(rng: random.Random) -> list[Row]:
    """Return one row per second from T0: req/s, 5xx/s, slow requests/s, max pool in use, 5xx fraction."""
    rows, t = [], MODEL_START
    while t <= TELEMETRY_END:
        req = (36 + 12 * ramp(t, TELEMETRY_START, 1200) - 5 * ramp(t, at("14:45:00"), 3600)) * (
            1 + 0.03 * math.sin(len(rows) / 97)) + rng.gauss(0, 1.2)
        filling = ramp(t, FILL_START, (POOL_FULL - FILL_START).total_seconds())
        if FIRST_ERROR <= t <= LAST_ERROR:  # pools exhausted: requests time out waiting for a connection
            err = min(0.62, 0.42 + 0.14 * ramp(t, FIRST_ERROR, 180) + rng.gauss(0, 0.02)) * bad_pods(t) / 3
            slow, pool = err + 0.05, POOL_MAX
        elif bad_pods(t) and t < FIRST_ERROR:  # slow recent-orders queries hold connections longer
            err, slow = rng.uniform(0.0002, 0.0009), 0.002 + 0.004 * filling
            pool = min(POOL_MAX, 8 + round(12 * filling**1.6)) if t >= FILL_START else rng.randint(5, 7)
        else:
            err, slow, pool = rng.uniform(0.0002, 0.0009), rng.uniform(0.0002, 0.0008), rng.choice((6, 7, 7, 8))
        rows.append({"t": t, "req": req, "err": req * err, "slow": req * slow, "pool": pool, "frac": err})
        t += timedelta(seconds=1)
    return rows


def recorded(rows: list[Row], t: datetime) -> dict[str, float]:
    """Return the four recording-rule values at ``t`` (5-min windows; pool is the max over pods)."""
    i = int((t - MODEL_START).total_seconds())
    win = rows[max(0, i - 299): i + 1]
    req, err, slow = (sum(r[k] for r in win) for k in ("req", "err", "slow"))
    q = slow / req  # share of requests slower than 2.5 s → a crude p99
    p99 = 0.27 + 1.9 * q / 0.01 if q <= 0.01 else 2.17 + 2.83 * min(1.0, (q - 0.01) / 0.1)
    return {"checkout:http_requests:rate5m": req / 300, "checkout:http_requests_5xx:ratio_rate5m": err / req,
            "checkout:http_request_duration_seconds:p99_5m": p99,
            "checkout:db_pool_connections_in_use:max": rows[i]["pool"]}


def evaluate_alerts(rows: list[Row]) -> Alerts:
    """Evaluate the alert rules every 15 s like Prometheus; return name -> (activeAt, firing, resolved)."""
    got: dict[str, list[datetime]] = {name: [] for name in ALERT_RULES}
    t = TELEMETRY_START + EVAL_OFFSET
    while t <= TELEMETRY_END:
        values = recorded(rows, t)
        for name, rule in ALERT_RULES.items():
            times, true = got[name], values[rule["series"]] > rule["above"]
            if (not times and true) or (len(times) == 2 and not true):
                times.append(t)  # becomes pending (activeAt), or resolves
            elif len(times) == 1 and not true:
                times.clear()  # back to inactive before it fired
            elif len(times) == 1 and t - times[0] >= rule["hold"]:
                times.append(t)  # held for the rule's `for`: fires
        t += STEP
    return {name: (v[0], v[1], v[2]) for name, v in got.items()}
