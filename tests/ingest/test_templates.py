"""Message templates: variable parts masked so that repeats of one error group together."""

from __future__ import annotations

import pytest

from core.ingest.templates import deploy_template, display, message_template


@pytest.mark.parametrize(("message", "template"), [
    ("connection pool exhausted (max 20), 34 waiting", "connection pool exhausted (max <n>), <n> waiting"),
    ("timeout acquiring connection after 5000ms id=49747", "timeout acquiring connection after <n>ms id=<*>"),
    ("user 550e8400-e29b-41d4-a716-446655440000 not found", "user <uuid> not found"),
    ("upstream 10.0.3.7:5432 refused", "upstream <ip> refused"),
    ("checkout-api-7f9c6d5b8-x2kqp db.pool: full", "<pod> db.pool: full"),
    ("request 0x7f3a9c failed, trace 9f3c2ab", "request <hex> failed, trace <hex>"),
    ('cannot open "/tmp/a b.txt" for writing', 'cannot open "<str>" for writing'),
    ("can't parse 'abc'", "can't parse '<str>'"),
    ("retry at 2026-03-14T14:02:12.171Z in 30s", "retry at <time> in <n>s"),
    ("build v2.3.0 is bad", "build v2.3.0 is bad"),
    ("   spaces    collapse   ", "spaces collapse"),
])
def test_message_template(message, template):
    assert message_template(message) == template


def test_lines_that_differ_in_numbers_and_ids_share_a_template():
    a = message_template("db.pool: timeout after 5000ms order_id=49747 host=10.0.0.1")
    b = message_template("db.pool: timeout after 5011ms order_id=48113 host=10.0.0.9")
    assert a == b


def test_templates_are_capped():
    assert len(message_template("word " * 1000)) == 200


def test_deploy_templates_keep_versions_and_commits():
    line = "checkout-api-7f9c6d5b8-x2kqp main: Starting checkout-api v2.3.0 (commit 9f3c2ab) at 10.0.0.4"
    assert deploy_template(line) == "<pod> main: Starting checkout-api v2.3.0 (commit 9f3c2ab) at <ip>"


def test_display_drops_leading_masks_only():
    assert display("<pod> db.pool: full") == "db.pool: full"
    assert display("<ip> - <n>: refused <n>") == "refused <n>"
    assert display("<n>") == "<n>"
