"""The `postmortem` command on a real database file, as a script would use it."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

from core import cli
from core.export import document
from tests.factories import complete_postmortem


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_prints_the_id_on_the_last_line_and_list_shows_it(capsys, database_url):
    code, out, _ = run(capsys, "--db", database_url, "new", "--title", "Checkout down", "--start",
                       "2026-03-14T14:00:00Z", "--end", "2026-03-14T15:30:00+00:00", "--severity", "P1",
                       "--service", "checkout", "--service", "payments-db")
    assert code == 0 and out.splitlines()[-1] == "PM-2026-03-14"
    code, out, _ = run(capsys, "--db", database_url, "list")
    assert "PM-2026-03-14\tP1\tDraft\t2026-03-14 14:00Z\tCheckout down" in out


def test_a_time_without_zone_is_refused_not_guessed(capsys, sqlite_url):
    code, _, err = run(capsys, "--db", sqlite_url, "new", "--title", "x", "--start", "2026-03-14T14:00:00",
                       "--end", "2026-03-14T15:00:00Z", "--severity", "P2", "--service", "a")
    assert code == 2 and "has no time zone" in err


def test_check_exits_one_while_a_hard_gate_fails_and_prints_the_json_shape(capsys, sqlite_url):
    run(capsys, "--db", sqlite_url, "new", "--title", "x", "--start", "2026-03-14T14:00:00Z",
        "--end", "2026-03-14T15:00:00Z", "--severity", "P2", "--service", "a")
    code, out, _ = run(capsys, "--db", sqlite_url, "check", "PM-2026-03-14", "--format", "json")
    results = json.loads(out)
    assert code == 1
    assert set(results[0]) == {"gate", "step", "status", "message"}
    by_id = {r["gate"]: r for r in results}
    assert by_id["incident.details"]["status"] == "pass"
    assert by_id["gather.sources"]["status"] == "fail"
    assert by_id["gather.sources"]["step"] == "gather"


def test_load_then_export_json_round_trips(capsys, sqlite_url, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(document.dumps(complete_postmortem()))
    code, out, _ = run(capsys, "--db", sqlite_url, "load", str(source))
    assert code == 0 and out.strip() == "PM-2026-03-14"
    code, out, _ = run(capsys, "--db", sqlite_url, "load", str(source))
    assert out.strip() == "PM-2026-03-14-2"
    exported = tmp_path / "out.json"
    run(capsys, "--db", sqlite_url, "export", "PM-2026-03-14", "--format", "json", "--output", str(exported))
    # the stored copy differs from the source only by the version the database gave it
    assert document.loads(exported.read_text()) == dataclasses.replace(complete_postmortem(), version=1)


def test_export_markdown_and_check_passes_for_a_complete_postmortem(capsys, sqlite_url, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(document.dumps(complete_postmortem()))
    run(capsys, "--db", sqlite_url, "load", str(source))
    code, out, _ = run(capsys, "--db", sqlite_url, "export", "PM-2026-03-14", "--format", "md", "--output", "-")
    assert code == 0 and out.startswith("# Post-Mortem: Checkout errors after release v2.3.0 (2026-03-14)")
    code, out, _ = run(capsys, "--db", sqlite_url, "check", "PM-2026-03-14")
    assert "[fail] track.tickets" in out and "[pass] report.reviewed" in out


def test_a_broken_document_is_refused_naming_the_file(capsys, sqlite_url, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "id": "x"}')
    code, _, err = run(capsys, "--db", sqlite_url, "load", str(bad))
    assert code == 2 and str(bad) in err and "field title: Field required" in err


def test_the_installed_console_script_runs(sqlite_url):
    result = subprocess.run([sys.executable, "-m", "core.cli", "--db", sqlite_url, "list"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
