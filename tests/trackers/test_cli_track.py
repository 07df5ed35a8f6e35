"""`postmortem track` against a local server speaking GitHub's issues API."""

from __future__ import annotations

import json

from core import cli, demo
from tests.trackers.conftest import TOKEN


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_track_creates_issues_once_and_syncs_a_closed_one_back(capsys, monkeypatch, sqlite_url, httpserver, github):
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    code, out, _ = run(capsys, "--db", sqlite_url, "load", str(demo.DEMO_DOCUMENT))
    pm_id = out.strip()
    api = httpserver.url_for("/").rstrip("/")
    code, out, err = run(capsys, "--db", sqlite_url, "track", pm_id, "--github", "acme/shop", "--api-url", api,
                         "--login", "@maria=maria-k")
    assert code == 0, err
    assert len(github.issues) == 6 and out.count("created") == 6
    first = github.issues[1]
    assert first["title"].startswith("AI-001: ")
    assert {label["name"] for label in first["labels"]} >= {"post-mortem"}
    assert pm_id in first["body"] and TOKEN not in out + err
    maria_items = [i for i in github.issues.values() if i["assignees"]]
    assert maria_items and all(i["assignees"][0]["login"] == "maria-k" for i in maria_items)

    code, out, _ = run(capsys, "--db", sqlite_url, "track", pm_id, "--github", "acme/shop", "--api-url", api)
    assert len(github.issues) == 6 and "created" not in out  # idempotent

    github.close(1, "2026-03-18T10:00:00Z")
    code, out, _ = run(capsys, "--db", sqlite_url, "track", pm_id, "--github", "acme/shop", "--api-url", api, "--sync")
    _, exported, _ = run(capsys, "--db", sqlite_url, "export", pm_id, "--format", "json", "--output", "-")
    item = json.loads(exported)["actions"][0]
    assert item["status"] == "done" and item["done_at"] == "2026-03-18"
    assert item["ticket_url"].endswith("/issues/1")
    assert TOKEN not in exported


def test_track_without_a_token_says_what_to_set(capsys, monkeypatch, sqlite_url):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    run(capsys, "--db", sqlite_url, "load", str(demo.DEMO_DOCUMENT))
    code, _, err = run(capsys, "--db", sqlite_url, "track", "PM-2026-03-14", "--github", "acme/shop")
    assert code == 2 and "Set GITHUB_TOKEN" in err
