"""Storage figures (DESIGN §11): edit save latency on SQLite and PostgreSQL, and 20 concurrent writers.

An edit is saved the way a page saves it: ``postmortem_service`` compares, checks the version and
writes the row and its audit entry in one transaction. The writers are threads with one engine each,
as app replicas would have (``testing/concurrency.py``, the same harness ``tests/test_reliability.py``
asserts on). PostgreSQL is the machine's (``TEST_POSTGRES_URL``), in a throw-away schema.
Run: ``python -m bench.storage``.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bench import page_rerun
from core import postmortem_service
from core.storage import engine, tables
from testing import concurrency
from testing.factories import NOW, complete_postmortem

SAVES = 300
GOAL_SQLITE_MS = 20.0


def save_latency(url: str, runs: int = SAVES, *, design_size: bool = False) -> float:
    """Return the median milliseconds to save one edit (a changed runbook) of the complete post-mortem.

    ``design_size``: of the DESIGN §11 post-mortem instead (500 events, 20 series × 5,000 points, 40 actions).
    """
    repo = engine.open_repository(url)
    try:
        pm = repo.add(page_rerun.large_postmortem() if design_size else complete_postmortem(), actor="bench",
                      now=NOW)
        timings = []
        for n in range(runs):
            started = time.perf_counter()
            pm = postmortem_service.set_runbook(pm, f"https://runbooks.example/checkout#{n}", actor="bench", now=NOW,
                                                repo=repo)
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)
    finally:
        repo.close()


def stored_sizes(url: str) -> tuple[int, int]:
    """Return the bytes of the design-size post-mortem's editable document and of its telemetry blobs."""
    repo = engine.open_repository(url)
    try:
        pm = repo.add(page_rerun.large_postmortem(), actor="bench", now=NOW)
        with repo._engine.connect() as conn:
            document = conn.execute(select(tables.postmortems.c.document)
                                    .where(tables.postmortems.c.id == pm.id)).scalar_one()
            blobs = conn.execute(select(func.sum(func.length(tables.telemetry_blobs.c.payload)))
                                 .where(tables.telemetry_blobs.c.pm_id == pm.id)).scalar_one()
        return len(document.encode()), int(blobs or 0)
    finally:
        repo.close()


def writers(url: str) -> tuple[concurrency.WritersOutcome, int]:
    """Run 20 writers × 6 edits on 3 post-mortems; return the outcome and the number of lost updates."""
    outcome = concurrency.run_writers(url, concurrency.create_postmortems(url, 3), writers=20, edits=6)
    if outcome.errors or outcome.unfinished:
        raise RuntimeError(f"writers failed: {outcome.errors or f'{outcome.unfinished} unfinished'}")
    return outcome, concurrency.lost_updates(url, outcome)


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """Yield the URL of a throw-away schema in the machine's PostgreSQL."""
    base = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"pmw_bench_{uuid.uuid4().hex[:8]}"
    admin = engine.create(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def measure() -> list[tuple[str, str, str]]:
    """Return the (measure, figure, goal) rows."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp, postgres_schema() as pg_url:
        demo = save_latency(f"sqlite:///{tmp}/latency.db")
        sqlite = save_latency(f"sqlite:///{tmp}/latency-design.db", runs=100, design_size=True)
        verdict = "ok" if sqlite <= GOAL_SQLITE_MS else "MISSED"
        rows.append(("edit saved, SQLite, demo size (median)", f"{demo:.1f} ms", "—"))
        rows.append(("edit saved, SQLite, design size (median)", f"{sqlite:.1f} ms",
                     f"≤ {GOAL_SQLITE_MS:g} ms {verdict}"))
        rows.append(("edit saved, PostgreSQL, design size (median)",
                     f"{save_latency(pg_url, runs=100, design_size=True):.1f} ms", "—"))
        editable, telemetry = stored_sizes(f"sqlite:///{tmp}/sizes.db")
        rows.append(("stored editable document, design size", f"{editable / 1000:.0f} KB", "kilobytes"))
        rows.append(("stored telemetry blobs, design size (written once)", f"{telemetry / 1e6:.1f} MB", "—"))
        for name, url in (("PostgreSQL", pg_url), ("SQLite", f"sqlite:///{tmp}/writers.db")):
            outcome, lost = writers(url)
            rows += [
                (f"20 writers, {name}: updates lost", f"{lost} of {len(outcome.saved)}",
                 f"0 {'ok' if lost == 0 else 'MISSED'}"),
                (f"20 writers, {name}: stale writes refused", f"{outcome.stale_refusals}", "> 0 (they collided)"),
                (f"20 writers, {name}: throughput", f"{outcome.throughput:.0f} edits/s", "—"),
            ]
    return rows


def main() -> None:
    """Print the storage benchmark table."""
    rows = measure()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>14}  goal")
    for name, figure, goal in rows:
        print(f"{name:<{width}}  {figure:>14}  {goal}")


if __name__ == "__main__":
    main()
