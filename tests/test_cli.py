"""The `postmortem` command on a real database file, as a script would use it."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import timedelta

from core import cli, demo, limits
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


def test_timeline_prints_the_json_shape_of_the_contract(capsys, sqlite_url, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(document.dumps(complete_postmortem()))
    run(capsys, "--db", sqlite_url, "load", str(source))
    code, out, _ = run(capsys, "--db", sqlite_url, "timeline", "PM-2026-03-14", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows[0] == {"time": "2026-03-14T14:02:17Z", "event": "First 502 responses from checkout",
                                     "source": "nginx", "actor": "-", "kind": "log", "milestone": "impact_start"}
    code, out, _ = run(capsys, "--db", sqlite_url, "timeline", "PM-2026-03-14", "--format", "csv")
    assert out.splitlines()[0] == "time,event,source,actor,kind,milestone" and len(out.splitlines()) == 7
    code, out, _ = run(capsys, "--db", sqlite_url, "timeline", "PM-2026-03-14", "--format", "md")
    assert out.splitlines()[0] == "| Time | Event | Source | Actor |"


def test_gather_candidates_and_promote_on_the_demo_files(capsys, sqlite_url):
    run(capsys, "--db", sqlite_url, "new", "--title", "Checkout", "--start", "2026-03-14T14:00:00Z",
        "--end", "2026-03-14T15:30:00Z", "--severity", "P1", "--service", "checkout")
    code, out, _ = run(capsys, "--db", sqlite_url, "gather", "PM-2026-03-14", "--file",
                       str(demo.DEMO_DIR / "telemetry" / "nginx-access.log"))
    lines = out.splitlines()
    assert code == 0 and lines[-1] == "PM-2026-03-14"
    assert lines[0].startswith("imported nginx-access.log as logs: 6046 records read")
    assert "rejected 3 records" in out and "nginx-access.log line 911" in out
    code, out, _ = run(capsys, "--db", sqlite_url, "candidates", "PM-2026-03-14", "--format", "json")
    candidates = json.loads(out)
    assert set(candidates[0]) == {"id", "time", "event", "source", "count", "example"}
    first_502 = next(c for c in candidates if c["event"] == "First HTTP 502 on GET /api/checkout")
    assert first_502["time"] == "2026-03-14T14:02:17Z"
    code, _, _ = run(capsys, "--db", sqlite_url, "promote", "PM-2026-03-14", first_502["id"])
    assert code == 0
    _, out, _ = run(capsys, "--db", sqlite_url, "timeline", "PM-2026-03-14", "--format", "json")
    assert [e["event"] for e in json.loads(out)] == ["First HTTP 502 on GET /api/checkout"]
    _, out, _ = run(capsys, "--db", sqlite_url, "candidates", "PM-2026-03-14", "--format", "json")
    assert first_502["id"] not in {c["id"] for c in json.loads(out)}
    # importing the same file again duplicates nothing
    run(capsys, "--db", sqlite_url, "gather", "PM-2026-03-14", "--file",
        str(demo.DEMO_DIR / "telemetry" / "nginx-access.log"))
    _, out, _ = run(capsys, "--db", sqlite_url, "candidates", "PM-2026-03-14", "--format", "json")
    assert len(json.loads(out)) == len(candidates) - 1


def test_gather_refuses_a_file_that_is_no_telemetry_naming_the_formats(capsys, sqlite_url, tmp_path):
    run(capsys, "--db", sqlite_url, "new", "--title", "x", "--start", "2026-03-14T14:00:00Z",
        "--end", "2026-03-14T15:30:00Z", "--severity", "P1", "--service", "a")
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    code, _, err = run(capsys, "--db", sqlite_url, "gather", "PM-2026-03-14", "--file", str(picture))
    assert code == 2 and "photo.png" in err and "nginx" in err and "JSON lines" in err


def test_promoting_an_unknown_candidate_says_how_to_list_them(capsys, sqlite_url):
    run(capsys, "--db", sqlite_url, "new", "--title", "x", "--start", "2026-03-14T14:00:00Z",
        "--end", "2026-03-14T15:30:00Z", "--severity", "P1", "--service", "a")
    code, _, err = run(capsys, "--db", sqlite_url, "promote", "PM-2026-03-14", "c-nope")
    assert code == 2 and "postmortem candidates PM-2026-03-14" in err


def test_milestones_suggest_from_the_data_and_accept_writes_them(capsys, sqlite_url, tmp_path):
    stripped = document.loads(demo.DEMO_DOCUMENT.read_text())
    stripped = dataclasses.replace(stripped, events=tuple(dataclasses.replace(e, milestone=None)
                                                          for e in stripped.events))
    path = tmp_path / "stripped.json"
    path.write_text(document.dumps(stripped))
    _, out, _ = run(capsys, "--db", sqlite_url, "load", str(path))
    pm_id = out.strip()
    code, out, _ = run(capsys, "--db", sqlite_url, "milestones", pm_id, "--format", "json")
    suggested = json.loads(out)
    assert list(suggested) == ["impact_start", "detected", "acknowledged", "mitigated", "resolved"]
    assert suggested["impact_start"] == {"time": "2026-03-14T14:02:17Z", "source": "nginx access log"}
    assert suggested["acknowledged"]["source"] == "PagerDuty"
    run(capsys, "--db", sqlite_url, "milestones", pm_id, "--accept")
    _, out, _ = run(capsys, "--db", sqlite_url, "timeline", pm_id, "--format", "json")
    marked = {e["milestone"]: e["time"] for e in json.loads(out) if e["milestone"]}
    assert marked == {m: s["time"] for m, s in suggested.items()}


def test_export_pdf_and_calendar(capsys, sqlite_url, tmp_path):
    _, out, _ = run(capsys, "--db", sqlite_url, "load", str(demo.DEMO_DOCUMENT))
    report, calendar = tmp_path / "r.pdf", tmp_path / "r.ics"
    assert run(capsys, "--db", sqlite_url, "export", out.strip(), "--format", "pdf", "--output", str(report))[0] == 0
    assert report.read_bytes().startswith(b"%PDF-")
    assert run(capsys, "--db", sqlite_url, "export", out.strip(), "--format", "ics", "--output", str(calendar))[0] == 0
    text = calendar.read_text()
    assert "RRULE:FREQ=WEEKLY" in text and "Weekly review of open action items" in text


def test_check_warns_about_a_source_shifted_by_an_hour(capsys, sqlite_url, tmp_path):
    pm = document.loads(demo.DEMO_DOCUMENT.read_text())
    shifted = tuple(dataclasses.replace(e, time=e.time - timedelta(hours=1)) if e.source == "payment-worker log"
                    else e for e in pm.events)
    path = tmp_path / "skewed.json"
    path.write_text(document.dumps(dataclasses.replace(pm, events=shifted)))
    _, out, _ = run(capsys, "--db", sqlite_url, "load", str(path))
    _, out, _ = run(capsys, "--db", sqlite_url, "check", out.strip(), "--format", "json")
    skew = next(r for r in json.loads(out) if r["gate"] == "timeline.clock-skew")
    assert skew["status"] == "warn" and "payment-worker log" in skew["message"] and "1 h" in skew["message"]


def test_load_refuses_a_file_larger_than_twice_the_stored_cap(capsys, sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "CAPS", limits.Caps(stored_bytes=limits.MB))
    huge = tmp_path / "huge.json"
    huge.write_text(document.dumps(complete_postmortem()) + " " * (2 * limits.MB))
    code, _, err = run(capsys, "--db", sqlite_url, "load", str(huge))
    assert code == 2
    assert f"{huge} is more than 2 MB, larger than any post-mortem can be stored" in err
    assert run(capsys, "--db", sqlite_url, "list")[1] == ""


def test_patch_applies_merges_and_names_a_clash_with_exit_three(capsys, database_url, tmp_path):
    pm_id = run(capsys, "--db", database_url, "load", str(demo.DEMO_DOCUMENT))[1].strip().splitlines()[-1]
    lessons, runbook, clash = (tmp_path / name for name in ("lessons.json", "runbook.json", "clash.json"))
    lessons.write_text(json.dumps({"report": {"lessons": "Pools need an alert before they run out."}}))
    runbook.write_text(json.dumps({"runbook": "https://runbooks.example/db-pool"}))
    clash.write_text(json.dumps({"report": {"lessons": "Size pools from measured peaks."}}))
    code, out, _ = run(capsys, "--db", database_url, "patch", pm_id, "--file", str(lessons), "--base-version", "1")
    assert code == 0 and out.strip() == f"applied: {pm_id} is now version 2"
    code, out, _ = run(capsys, "--db", database_url, "patch", pm_id, "--file", str(runbook), "--base-version", "1")
    assert code == 0 and out.strip() == f"applied: {pm_id} is now version 3"  # another field: merged
    code, _, err = run(capsys, "--db", database_url, "patch", pm_id, "--file", str(clash), "--base-version", "1")
    assert code == 3
    assert "conflict: Lessons learned was changed by" in err and "Size pools from measured peaks." in err
    code, out, _ = run(capsys, "--db", database_url, "export", pm_id, "--format", "json", "--output", "-")
    exported = json.loads(out)
    assert exported["report"]["lessons"] == "Pools need an alert before they run out."
    assert exported["runbook"] == "https://runbooks.example/db-pool" and exported["version"] == 3


def test_a_bad_patch_is_refused_with_exit_two_naming_the_problem(capsys, sqlite_url, tmp_path):
    pm_id = run(capsys, "--db", sqlite_url, "load", str(demo.DEMO_DOCUMENT))[1].strip().splitlines()[-1]
    for content, message in (("{not json", "not valid JSON (line 1"), ('{"severity": "P9"}', "field severity"),
                             ('{"id": "PM-2020-01-01"}', "may not change id")):
        patch = tmp_path / "patch.json"
        patch.write_text(content)
        code, _, err = run(capsys, "--db", sqlite_url, "patch", pm_id, "--file", str(patch))
        assert code == 2 and message in err, err


def test_gather_accepts_an_unzipped_slack_export_folder(capsys, sqlite_url):
    run(capsys, "--db", sqlite_url, "new", "--title", "Checkout", "--start", "2026-03-14T14:00:00Z",
        "--end", "2026-03-14T15:30:00Z", "--severity", "P1", "--service", "checkout")
    code, out, _ = run(capsys, "--db", sqlite_url, "gather", "PM-2026-03-14", "--file",
                       str(demo.DEMO_DIR / "telemetry" / "slack-export"))
    assert code == 0 and "as chat:" in out.splitlines()[0] and "0 timeline events" not in out
