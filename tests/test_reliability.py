"""Reliability on SQLite and PostgreSQL: concurrent writers, a killed import, a database restart.

The restart and outage tests stop and start a private PostgreSQL cluster of their own (``tests/pgcluster.py``);
the machine's server is never touched.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from core import gathering, postmortem_service
from core.errors import NotFoundError, StorageError
from core.models import SourceKind
from core.storage import engine as storage_engine
from tests import concurrency
from tests.factories import NOW, START, make_postmortem
from tests.pgcluster import PrivateCluster, private_cluster

ROOT = Path(__file__).resolve().parent.parent
WRITERS, EDITS, POSTMORTEMS = 20, 6, 3


# --- 20 concurrent writers, each with its own engine --------------------------------------------------


def test_twenty_concurrent_writers_lose_no_update(repo, database_url):
    pm_ids = concurrency.create_postmortems(database_url, POSTMORTEMS)

    outcome = concurrency.run_writers(database_url, pm_ids, writers=WRITERS, edits=EDITS, timeout=60)

    assert outcome.errors == () and outcome.unfinished == 0  # every writer done within the minute
    assert len(outcome.saved) == WRITERS * EDITS
    assert concurrency.lost_updates(database_url, outcome) == 0
    for pm_id in pm_ids:
        final, mine = repo.get(pm_id), outcome.saved_on(pm_id)
        assert Counter(final.services) == Counter(e.marker for e in mine if e.field == "services")
        assert Counter(g.reason for g in final.gaps) == Counter(f"gap {e.marker}" for e in mine if e.field == "gaps")
        assert final.version == 1 + len(mine)
        trail = repo.audit(pm_id)
        assert sorted(a.version for a in trail) == list(range(1, final.version + 1))  # one entry per write
        assert Counter(a.actor for a in trail if a.version > 1) == Counter(e.writer for e in mine)
    assert outcome.stale_refusals > 0, "the writers never collided: the test proves nothing"


# --- the import process killed midway ------------------------------------------------------------------

BIG_LOG_LINES = 2_000_000
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
KILLED_APP = "pmw-killed-import"  # application_name of the killed process's PostgreSQL session

# The `postmortem` CLI; with PMW_HOLD_IN_TRANSACTION set it stops inside the save's transaction (the
# row updated and the audit entry inserted, not committed) and says so, to be killed right there.
CLI = """
import os, sys, time
from core.storage import repository
if os.environ.get("PMW_HOLD_IN_TRANSACTION"):
    audit = repository._audit
    def holding(*args, **kwargs):
        audit(*args, **kwargs)
        print("in-transaction", flush=True)
        time.sleep(600)
    repository._audit = holding
from core import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def write_access_log(path: Path, *, lines: int, start: datetime, seconds: int, burst: tuple[int, int]) -> Path:
    """Write an nginx access log: ``lines`` spread over ``seconds`` from ``start``, a third 502s in ``burst``."""
    per_second = max(1, lines // seconds)
    rows = [f'10.0.{i % 250}.{i % 200 + 1} - - [@] "GET /api/checkout?id={i} HTTP/1.1" ~ {100 + i} "-" "curl/8.5"\n'
            for i in range(per_second)]
    steady = "".join(rows).replace("~", "200")
    failing = "".join(r.replace("~", "502" if i % 3 == 0 else "200") for i, r in enumerate(rows))
    with path.open("w", encoding="utf-8") as out:
        for s in range(seconds):
            t = start + timedelta(seconds=s)
            stamp = f"{t.day:02d}/{MONTHS[t.month - 1]}/{t.year}:{t:%H:%M:%S} +0000"
            out.write((failing if burst[0] <= s < burst[1] else steady).replace("@", stamp))
    return path


@pytest.fixture(scope="module")
def big_log(tmp_path_factory):
    """About 2,000,000 lines (200 MB) over three hours around the incident, with a ten-minute 502 burst."""
    path = tmp_path_factory.mktemp("logs") / "access.log"
    yield write_access_log(path, lines=BIG_LOG_LINES, start=START - timedelta(minutes=30), seconds=3 * 3600,
                           burst=(1800, 2400))
    path.unlink()  # not kept with pytest's last three temporary folders: 200 MB each


def _cli(url: str, *args: str) -> list[str]:
    return [sys.executable, "-c", CLI, "--db", url, *args]


def _tagged(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    return parsed.update_query_dict({"application_name": KILLED_APP}).render_as_string(hide_password=False)


def _gather(url: str, pm_id: str, log: Path) -> str:
    done = subprocess.run(_cli(url, "gather", pm_id, "--file", str(log)), cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _read_position(pid: int, path: Path) -> int | None:
    """Return how far process ``pid`` has read ``path``, or None when it does not have it open."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
                return int(info.split("pos:")[1].split()[0])
    except (FileNotFoundError, ProcessLookupError):
        return None  # the process exited or closed the file meanwhile
    return None


def _kill_mid_read(url: str, pm_id: str, log: Path) -> None:
    """Start the import and SIGKILL it once it has read a third of the file (before it saves)."""
    size = log.stat().st_size
    with subprocess.Popen(_cli(_tagged(url), "gather", pm_id, "--file", str(log)), cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as process:
        try:
            deadline = time.monotonic() + 30
            while (_read_position(process.pid, log) or 0) < size // 3:
                assert process.poll() is None, "the import ended before it could be killed midway"
                assert time.monotonic() < deadline, "the import did not get a third through the file in 30 s"
                time.sleep(0.005)
        finally:
            process.kill()  # SIGKILL: no handler runs, no cleanup, as with a crash or the OOM killer
    assert process.returncode == -signal.SIGKILL


def _kill_in_transaction(url: str, pm_id: str, log: Path) -> None:
    """Run the import until its save's transaction is open (row updated, not committed), then SIGKILL it."""
    env = {**os.environ, "PMW_HOLD_IN_TRANSACTION": "1"}
    with subprocess.Popen(_cli(_tagged(url), "gather", pm_id, "--file", str(log)), cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            ready, _, _ = select.select([process.stdout], [], [], 60)
            line = process.stdout.readline() if ready else ""
        finally:
            process.kill()
            _, errors = process.communicate()
    assert line.strip() == "in-transaction", f"no open transaction to kill: {line}{errors}"
    assert process.returncode == -signal.SIGKILL


def _assert_database_sound(url: str) -> None:
    """SQLite: the file passes its integrity check. PostgreSQL: the killed client's session is gone."""
    probe = storage_engine.create(url)
    try:
        with probe.connect() as conn:
            if probe.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
                return
            deadline = time.monotonic() + 10
            query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
            while conn.execute(query, {"name": KILLED_APP}).scalar_one():
                assert time.monotonic() < deadline, "the killed import's session (and its locks) outlived it"
                time.sleep(0.05)
    finally:
        probe.dispose()


def test_an_import_killed_midway_loses_nothing_and_reruns_without_duplicates(repo, database_url, big_log, tmp_path):
    pm = repo.add(make_postmortem(services=("checkout",)), actor="@maria", now=NOW)
    # earlier work: another file imported, a gap explained by hand, and a full import of the big log
    edge = write_access_log(tmp_path / "edge.log", lines=20_000, start=START, seconds=3600, burst=(600, 900))
    with edge.open("rb") as stream:
        result = gathering.read_file(stream, name=edge.name, pm=pm, now=NOW)
    pm = gathering.apply_import(pm, result, actor="@maria", now=NOW, repo=repo)
    pm = postmortem_service.add_gap(pm, source=SourceKind.PAGING, reason="PagerDuty keeps 30 days only",
                                    actor="@maria", now=NOW, repo=repo)
    _gather(database_url, pm.id, big_log)
    saved, trail = repo.get(pm.id), repo.audit(pm.id)
    assert Counter(i.origin for i in saved.imports) == {"edge.log": 1, "access.log": 1}
    assert saved.candidates and saved.series

    _kill_mid_read(database_url, pm.id, big_log)
    _assert_database_sound(database_url)
    assert (repo.get(pm.id), repo.audit(pm.id)) == (saved, trail)

    _kill_in_transaction(database_url, pm.id, edge)  # re-importing the small file: same save, quicker
    _assert_database_sound(database_url)
    assert (repo.get(pm.id), repo.audit(pm.id)) == (saved, trail)

    _gather(database_url, pm.id, big_log)
    final = repo.get(pm.id)
    assert Counter(i.origin for i in final.imports) == {"edge.log": 1, "access.log": 1}
    assert [c.id for c in final.candidates] == [c.id for c in saved.candidates]
    assert [(s.query, s.labels) for s in final.series] == [(s.query, s.labels) for s in saved.series]
    assert [g.reason for g in final.gaps if not g.automatic] == ["PagerDuty keeps 30 days only"]
    assert final.version == saved.version + 1
    assert [a.version for a in repo.audit(pm.id)] == [final.version, *(a.version for a in trail)]


# --- PostgreSQL restarted, or down for a while, under a running app ----------------------------------

UNREACHABLE = r"^The database cannot be reached right now\. Check that it is running and try again \(details: "


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    """A PostgreSQL of the tests' own (the machine's server is never stopped by the suite)."""
    with private_cluster() as running:
        yield running


@pytest.fixture
def postgres_cluster(cluster):
    """The private cluster, always running again (and accepting connections) after the test, whatever happened."""
    try:
        yield cluster
    finally:
        cluster.start()


@pytest.fixture
def private_url(cluster) -> str:
    """The private cluster's database (these tests stop and start it)."""
    return cluster.url


@pytest.fixture
def pg_repo(private_url):
    """A repository on the private cluster (migrated on open; ids are chosen free by ``add``)."""
    repository = storage_engine.open_repository(private_url)
    yield repository
    repository.close()


def test_after_a_postgres_restart_the_next_action_reconnects(pg_repo, postgres_cluster):
    pm = pg_repo.add(make_postmortem(), actor="@maria", now=NOW)
    assert pg_repo.get(pm.id) == pm  # the pool now holds a connection the restart will end

    postgres_cluster.restart()

    saved = postmortem_service.set_runbook(pg_repo.get(pm.id), "https://runbooks.example/checkout",
                                           actor="@maria", now=NOW, repo=pg_repo)
    assert saved.version == 2 and pg_repo.get(pm.id) == saved


def test_during_a_postgres_outage_actions_fail_in_plain_words_then_work_again(pg_repo, private_url,
                                                                             postgres_cluster):
    pm = pg_repo.add(make_postmortem(), actor="@maria", now=NOW)
    actions = {
        "read": lambda: pg_repo.get(pm.id),
        "edit": lambda: postmortem_service.set_runbook(pm, "during the outage", actor="@maria", now=NOW,
                                                       repo=pg_repo),
        "list": lambda: pg_repo.list_summaries(today=NOW.date()),
        "history": lambda: pg_repo.audit(pm.id),
        "create": lambda: pg_repo.add(make_postmortem(), actor="@maria", now=NOW),
        "start-up (migrate)": lambda: storage_engine.open_repository(private_url),
    }

    postgres_cluster.stop()
    for name, action in actions.items():
        started = time.monotonic()
        with pytest.raises(StorageError, match=UNREACHABLE) as caught:
            action()
        assert "sqlalche.me" not in str(caught.value) and "\n" not in str(caught.value), name
        assert time.monotonic() - started < 5, f"{name} hung while the database was down"
    postgres_cluster.start()

    saved = postmortem_service.set_runbook(pg_repo.get(pm.id), "after the outage", actor="@maria", now=NOW,
                                           repo=pg_repo)
    assert saved.version == 2 and pg_repo.get(pm.id).runbook == "after the outage"


def test_the_page_shows_a_postgres_outage_in_plain_words_and_works_again_after(pg_repo, private_url,
                                                                              postgres_cluster, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", private_url)
    monkeypatch.setenv("SEED_DEMO", "0")
    pm = pg_repo.add(make_postmortem(), actor="@maria", now=NOW)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.query_params["pm"] = pm.id
    app.run()
    app.switch_page("app_pages/incident.py").run()
    assert not app.exception, app.exception

    def title():
        return next(t for t in app.text_input if t.label == "Incident title")

    postgres_cluster.stop()
    title().input("Edited during the outage").run()
    assert not app.exception, app.exception
    assert [e.value for e in app.error if re.match(UNREACHABLE, e.value)], [e.value for e in app.error]
    # a server process starting during the outage (nothing cached yet): its migration fails in plain words too
    fresh_url = make_url(private_url).update_query_dict({"application_name": "pmw-fresh-start"})
    monkeypatch.setenv("DATABASE_URL", fresh_url.render_as_string(hide_password=False))
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not fresh.exception, fresh.exception
    assert [e.value for e in fresh.error if re.match(UNREACHABLE, e.value)], [e.value for e in fresh.error]
    monkeypatch.setenv("DATABASE_URL", private_url)

    postgres_cluster.start()
    app.run()
    assert not app.exception, app.exception
    assert not [e.value for e in app.error if re.match(UNREACHABLE, e.value)]
    title().input("Edited after the outage").run()
    assert not app.exception, app.exception
    assert pg_repo.get(pm.id).title == "Edited after the outage"


# --- storage errors in plain words -------------------------------------------------------------------


def test_sharing_an_unknown_postmortem_is_refused_in_plain_words(repo):
    with pytest.raises(NotFoundError, match="no post-mortem 'PM-1999-01-01' to share"):  # was a raw IntegrityError
        repo.create_share_link("PM-1999-01-01", actor="t", now=NOW)
