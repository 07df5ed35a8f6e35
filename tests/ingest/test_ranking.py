"""Candidates a person can use: a burst's requests folded with a breakdown, at most 40, warnings before impact kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.ingest import ranking
from core.models import Candidate
from tests.ingest.conftest import DEMO_WINDOW, import_bytes

T0 = datetime(2026, 3, 14, 14, 0, tzinfo=UTC)


def _access(time: datetime, status: int, path: str) -> str:
    return (f'10.0.0.1 - - [{time:%d/%b/%Y:%H:%M:%S} +0000] "GET {path} HTTP/1.1" {status} 12 "-" "curl/8"')


def test_one_burst_on_many_paths_is_one_candidate_with_a_breakdown():
    lines = [_access(T0 + timedelta(seconds=s), 200, "/health") for s in range(0, 1200, 2)]
    lines += [_access(T0 + timedelta(minutes=10, seconds=s), 502, f"/api/items/{s % 20}/view{s % 20}")
              for s in range(0, 300)]
    lines.sort(key=lambda line: line.split("[", 1)[1][:20])
    result = import_bytes(("\n".join(lines) + "\n").encode(), "access.log", window=DEMO_WINDOW)
    events = [c.event for c in result.candidates]
    assert sum(e.startswith("First HTTP 502") for e in events) == 1
    [start] = [e for e in events if e.startswith("5xx burst starts")]
    assert "502 GET /api/items/<n>/view" in start and "more)" in start


def test_a_log_with_many_templates_shows_forty_the_rest_folded_and_searchable():
    names = [a + b + c for a in "bcdfg" for b in "aeiou" for c in "klmnp"][:60]  # sixty distinct words, no digits
    lines = [f"2026-03-14T14:{m:02d}:00Z ERROR {name} {names[-1 - m]} failed in stage {m}"
             for m, name in enumerate(names)]
    result = import_bytes(("\n".join(sorted(lines)) + "\n").encode(), "app.log", window=DEMO_WINDOW)
    assert len(result.candidates) == ranking.MAX_SHOWN
    [folded] = [c for c in result.candidates if "folded" in c.event]
    assert "broke" in folded.example or "failed in stage" in folded.example


def test_warnings_before_the_impact_and_new_templates_rank_above_chronic_noise():
    start = DEMO_WINDOW.start
    def cand(i: str, minutes: int, event: str) -> Candidate:
        return Candidate(id=i, time=start + timedelta(minutes=minutes), event=event, source="app")
    chronic = [cand(f"c{i}", -20, f"First error: chronic {i}") for i in range(50)]
    precursor = cand("p", 5, "First warning: query latency above 2s")
    new_error = cand("n", 10, "First error: pool exhausted")
    groups = {**{c.id: "error" for c in chronic}, "p": "warn", "n": "error"}
    shown = ranking.shown([*chronic, precursor, new_error], window=DEMO_WINDOW, groups=groups, folded_id="f",
                          source="app")
    ids = {c.id for c in shown}
    assert {"p", "n", "f"} <= ids and len(shown) == ranking.MAX_SHOWN


def test_an_info_line_new_just_before_the_impact_is_proposed_chronic_ones_are_not():
    start = DEMO_WINDOW.start
    lines = [f"{start + timedelta(seconds=s - 1800):%Y-%m-%dT%H:%M:%SZ} INFO request {s} served in {s % 90}ms"
             for s in range(0, 3600, 5)]
    lines.append(f"{start + timedelta(minutes=7):%Y-%m-%dT%H:%M:%SZ} INFO switching orders reads to replica db-2")
    lines += [f"{start + timedelta(minutes=10, seconds=s):%Y-%m-%dT%H:%M:%SZ} ERROR replica db-2 lag {s}s, "
              "reads failed" for s in range(0, 600, 2)]
    result = import_bytes(("\n".join(sorted(lines)) + "\n").encode(), "orders.log", window=DEMO_WINDOW,
                          margin=timedelta(minutes=30))
    new = [c.event for c in result.candidates if c.event.startswith("New before the impact")]
    assert new == ["New before the impact: switching orders reads to replica db-2"]


def test_a_crash_logged_line_by_line_at_one_instant_is_one_candidate():
    crash = ["03-14 14:05:01.771  2417  2417 E AndroidRuntime: FATAL EXCEPTION: main",
             "03-14 14:05:01.771  2417  2417 E AndroidRuntime: Process: com.example.shop, PID: 2417",
             "03-14 14:05:01.771  2417  2417 E AndroidRuntime: java.lang.IllegalStateException: not attached"]
    result = import_bytes(("\n".join(crash) + "\n").encode(), "logcat.log", window=DEMO_WINDOW, assume_tz=UTC)
    assert [(c.event, c.count) for c in result.candidates] == [
        ("First error: AndroidRuntime: FATAL EXCEPTION: main", 1)]
    assert sum(p.value for s in result.series if s.labels == (("level", "error"),) for p in s.points) == 3
