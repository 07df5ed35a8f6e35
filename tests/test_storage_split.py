"""Telemetry stored apart from the editable post-mortem: an edit writes kilobytes, imports are read once.

Run on SQLite and on PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

from sqlalchemy import event, func, select, text

from core import demo, postmortem_service
from core.export import document
from core.models import MetricPoint, MetricSeries
from core.storage import engine as storage_engine
from core.storage import tables
from core.storage.repository import SqlPostMortemRepository
from testing.migrations import alembic
from tests.factories import NOW, START, complete_postmortem


def with_metrics(series: int = 20, points: int = 5_000):
    """A complete post-mortem carrying ``series`` metric series of ``points`` samples each (the design size)."""
    step = timedelta(seconds=1)
    return complete_postmortem(series=tuple(
        MetricSeries(f"rate(http_requests_total{{pod=\"p{n}\"}}[1m])", (("pod", f"p{n}"),),
                     tuple(MetricPoint(START + k * step, float((k * 7 + n) % 97)) for k in range(points)))
        for n in range(series)))


def stored_document(engine, pm_id: str) -> str:
    with engine.connect() as conn:
        return conn.execute(select(tables.postmortems.c.document).where(tables.postmortems.c.id == pm_id)).scalar_one()


def blob_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tables.telemetry_blobs)).scalar_one()


def test_telemetry_stored_before_the_split_is_carried_over_exactly(database_url):
    engine = storage_engine.create(database_url)
    storage_engine.migrate(engine)
    original = document.loads(demo.DEMO_DOCUMENT.read_text(encoding="utf-8"))
    pm = SqlPostMortemRepository(engine).add(original, actor="t", now=NOW)
    alembic(engine, "downgrade", "0003")  # the schema as it was: telemetry inside the document
    before = json.loads(stored_document(engine, pm.id))
    assert before["series"] and before["imports"] and "telemetry" not in before
    alembic(engine, "upgrade", "head")
    repo = SqlPostMortemRepository(engine)
    try:
        after = json.loads(stored_document(engine, pm.id))
        assert after["series"] == after["candidates"] == [] and set(after["telemetry"]) == {
            "imports", "series", "alerts", "candidates"}
        assert document.dumps(repo.get(pm.id)) == document.dumps(pm)  # nothing lost, the export unchanged
        edited = postmortem_service.set_runbook(repo.get(pm.id), "after the upgrade", actor="t", now=NOW, repo=repo)
        assert edited.series == pm.series and repo.get(pm.id).candidates == pm.candidates
    finally:
        repo.close()


def test_an_edit_of_a_design_size_postmortem_writes_kilobytes_and_no_telemetry(database_url):
    repo = storage_engine.open_repository(database_url)
    try:
        pm = repo.add(with_metrics(), actor="t", now=NOW)
        blobs = blob_count(repo._engine)
        written: list[int] = []

        @event.listens_for(repo._engine, "before_cursor_execute")
        def measure(_conn, _cursor, statement, parameters, _context, _many):
            if statement.lstrip().upper().startswith(("UPDATE", "INSERT")):
                written.append(len(repr(parameters)))

        saved = postmortem_service.set_runbook(pm, "https://runbooks.example/checkout", actor="t", now=NOW,
                                               repo=repo)
        event.remove(repo._engine, "before_cursor_execute", measure)
        assert saved.version == 2 and blob_count(repo._engine) == blobs
        assert sum(written) < 100_000, f"an edit wrote {sum(written):,} bytes"
        assert len(stored_document(repo._engine, pm.id)) < 100_000
        assert repo.get(pm.id).series == pm.series
    finally:
        repo.close()


def test_telemetry_is_read_from_the_database_once_per_server_process(database_url):
    writer = storage_engine.open_repository(database_url)
    reader = SqlPostMortemRepository(storage_engine.create(database_url))
    try:
        pm = writer.add(with_metrics(series=3, points=100), actor="t", now=NOW)
        reads: list[str] = []

        @event.listens_for(reader._engine, "before_cursor_execute")
        def count(_conn, _cursor, statement, _parameters, _context, _many):
            if "telemetry_blobs" in statement:
                reads.append(statement)

        first = reader.get(pm.id)
        assert first.series == pm.series and len(reads) == 1
        postmortem_service.set_runbook(writer.get(pm.id), "edited elsewhere", actor="t", now=NOW, repo=writer)
        second = reader.get(pm.id)
        assert second.runbook == "edited elsewhere" and second.series is first.series and len(reads) == 1
    finally:
        writer.close()
        reader.close()


def test_an_import_and_an_edit_from_the_same_version_both_land(database_url):
    repo = storage_engine.open_repository(database_url)
    try:
        base = repo.add(complete_postmortem(), actor="t", now=NOW)
        imported = dataclasses.replace(base, series=with_metrics(series=2, points=10).series)
        postmortem_service.commit(base, imported, actor="@alice", now=NOW, repo=repo, summary="imported metrics")
        postmortem_service.set_runbook(base, "Bob's runbook", actor="@bob", now=NOW, repo=repo)
        final = repo.get(base.id)
        assert final.series == imported.series and final.runbook == "Bob's runbook" and final.version == 3
    finally:
        repo.close()


def test_the_stored_document_is_strict_json_without_telemetry(database_url):
    repo = storage_engine.open_repository(database_url)
    try:
        pm = repo.add(with_metrics(series=1, points=10), actor="t", now=NOW)
        with repo._engine.connect() as conn:
            raw = conn.execute(text("SELECT document FROM postmortems")).scalar_one()

        def refuse(name: str) -> None:
            raise AssertionError(f"non-standard JSON constant {name}")

        data = json.loads(raw, parse_constant=refuse)
        assert data["series"] == [] and data["telemetry"]["series"] and pm.id == data["id"]
    finally:
        repo.close()
