"""The demo incident's script: every time, person, pod and message that both demo scripts share.

Saturday 2026-03-14, all times UTC. ``generate.py`` turns this script into raw telemetry under
``telemetry/``; ``build_postmortem.py`` turns the telemetry plus this script into ``postmortem.json``.
Change a time here and re-run both scripts; the alert times are derived from the simulated metrics
and checked against the constants below.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


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
DEPLOY_START = at("13:56:04")  # Argo CD starts the rolling update to v2.3.0
POOL_FULL = at("14:02:12")  # max pool in use reaches 20 of 20
FIRST_ERROR = at("14:02:17")  # first 5xx at the edge = impact start
DIAGNOSIS = at("14:14:20")  # seq scan on orders.customer_email found in pg_stat_activity
ROLLBACK_START = at("14:17:02")  # kubectl rollout undo deployment/checkout-api
LAST_ERROR = at("14:19:49")  # last 5xx at the edge
MITIGATED = at("14:19:52")  # last v2.3.0 pod finished draining
POOL_RAISE = at("14:31:05")  # DB_POOL_MAX=30, rolling restart
BACKLOG_DRAINED = at("14:24:40")  # payment worker finished the delayed captures
RESOLVED = at("15:04:12")  # PagerDuty incident resolved
AM_SNAPSHOT = at("14:10:30")  # when the responder saved `amtool alert query -o json`
GROUP_WAIT = timedelta(seconds=30)  # Alertmanager group_wait before the PagerDuty notification

# Alert rules (recording-rule names as in prometheus-query_range.json) and the times they produce.
ALERT_RULES = {
    "HighErrorRate": dict(severity="critical", series="checkout:http_requests_5xx:ratio_rate5m", above=0.05,
                          hold=timedelta(minutes=1), summary="Checkout 5xx ratio above 5% for 1 min"),
    "HighLatency": dict(severity="warning", series="checkout:http_request_duration_seconds:p99_5m", above=2.0,
                        hold=timedelta(minutes=2), summary="Checkout p99 latency above 2 s for 2 min"),
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
    ("14:07:41", "maria", ":rotating_light: Declaring an incident: checkout 5xx ratio is about 40% since ~14:02 UTC. "
     "I'm IC and on-call. PD #4821. Dashboard: <https://grafana.example.com/d/checkout|Checkout overview>", None),
    ("14:07:52", "bot", "Incident #4821 [FIRING:1] HighErrorRate checkout (critical) acknowledged by Maria Lopez", None),
    ("14:08:30", "priya", "Support is getting reports of \"Something went wrong\" at the payment step. "
     "Shall I post on the status page?", None),
    ("14:08:58", "maria", "<@U05C3PRYRM> yes please: \"degraded checkout, investigating\". Next update 14:30.", "14:08:30"),
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
