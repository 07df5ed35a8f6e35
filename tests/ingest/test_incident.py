"""An incident across three logs: the warnings that came first, the logfmt message as text, one burst candidate."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.ingest.conftest import DEMO_WINDOW, import_bytes

T0 = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)
IMPACT = T0 + timedelta(minutes=10)
NOISE = [a + b + c for a in "bdfgklmnprst" for b in "aeiou" for c in "mnprst"]  # words without digits


def _lines(text: list[str]) -> bytes:
    return ("\n".join(text) + "\n").encode()


def test_logfmt_pool_exhausted_is_proposed_as_its_message_after_the_latency_warning():
    lines = [f'ts={T0 + timedelta(seconds=s):%Y-%m-%dT%H:%M:%S}Z level=info msg="served {s % 7} requests" '
             f"path=/api/orders" for s in range(0, 3600, 10)]
    lines += [f'ts={IMPACT - timedelta(minutes=4, seconds=-s):%Y-%m-%dT%H:%M:%S}Z level=warn '
              f'msg="query latency above 2s" query=orders_by_email took={2100 + s}ms' for s in range(0, 200, 20)]
    lines += [f'ts={IMPACT + timedelta(seconds=s):%Y-%m-%dT%H:%M:%S}Z level=error '
              f'msg="connection pool exhausted (max 20)" pool=orders-db waiting={s % 40}' for s in range(0, 900, 3)]
    result = import_bytes(_lines(sorted(lines)), "orders-api.log", window=DEMO_WINDOW)
    events = {c.event: c for c in result.candidates}
    assert "First error: connection pool exhausted (max 20)" in events
    warning = events["First warning: query latency above 2s"]
    assert warning.time == IMPACT - timedelta(minutes=4) and warning.count == 10


def test_a_new_warning_in_a_json_log_full_of_chronic_noise_is_kept_among_the_forty():
    chronic = [json.dumps({"time": f"{T0 - timedelta(minutes=25, seconds=-i):%Y-%m-%dT%H:%M:%SZ}", "level": "warn",
                           "message": f"{NOISE[i]} {NOISE[-1 - i]} retried {i} times"}) for i in range(80)]
    chronic += [json.dumps({"time": f"{T0 + timedelta(minutes=20, seconds=i):%Y-%m-%dT%H:%M:%SZ}", "level": "warn",
                            "message": f"{NOISE[i]} {NOISE[-1 - i]} retried {i} times"}) for i in range(80)]
    scan = json.dumps({"time": f"{IMPACT - timedelta(minutes=5):%Y-%m-%dT%H:%M:%SZ}", "level": "warn",
                       "msg": "full table scan on orders (no index on email)"})
    result = import_bytes(_lines(sorted([*chronic, scan])), "db.jsonl", window=DEMO_WINDOW)
    assert len(result.candidates) <= 40
    assert "First warning: full table scan on orders (no index on email)" in {c.event for c in result.candidates}
