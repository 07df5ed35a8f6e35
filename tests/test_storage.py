"""The repository on SQLite and on PostgreSQL: ids, versions, stale writes, audit trail, share links."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, timedelta

import pytest

from core import postmortem_service
from core.errors import ConflictError, GateBlockedError, NotFoundError, StaleWriteError
from core.models import Severity
from tests.factories import NOW, START, complete_postmortem, make_postmortem


def test_a_saved_postmortem_reads_back_identical(repo):
    stored = repo.add(complete_postmortem(), actor="@maria", now=NOW)
    assert stored.version == 1
    assert repo.get(stored.id) == stored
    assert repo.get(stored.id).start.tzinfo is not None


def test_ids_follow_the_incident_date_with_suffixes_on_the_same_day(repo):
    ids = [postmortem_service.create(title=f"t{n}", start=START, end=START + timedelta(hours=1),
                                     actor="a", now=NOW, repo=repo).id for n in range(3)]
    assert ids == ["PM-2026-03-14", "PM-2026-03-14-2", "PM-2026-03-14-3"]


def test_unknown_id_is_reported_in_plain_words(repo):
    with pytest.raises(NotFoundError, match="no post-mortem 'PM-1999-01-01'"):
        repo.get("PM-1999-01-01")


def test_every_edit_is_saved_and_audited(repo):
    pm = repo.add(make_postmortem(), actor="@maria", now=NOW)
    pm = postmortem_service.update_incident(pm, title="New title", start=pm.start, end=pm.end,
                                            severity=Severity.P2, incident_type=pm.type, services=pm.services,
                                            actor="@bob", now=NOW, repo=repo)
    assert repo.get(pm.id).title == "New title"
    trail = repo.audit(pm.id)
    assert [(e.actor, e.summary) for e in trail] == [("@bob", "changed title, severity"),
                                                     ("@maria", "created the post-mortem")]


def test_an_unchanged_edit_writes_nothing(repo):
    pm = repo.add(make_postmortem(), actor="a", now=NOW)
    same = postmortem_service.update_incident(pm, title=pm.title, start=pm.start, end=pm.end, severity=pm.severity,
                                              incident_type=pm.type, services=pm.services, actor="a", now=NOW,
                                              repo=repo)
    assert same is pm and repo.version_of(pm.id) == 1


def test_two_editors_of_different_fields_from_the_same_version_both_land(repo):
    base = repo.add(make_postmortem(), actor="a", now=NOW)
    alice = postmortem_service.update_incident(
        base, title="Title from Alice", start=base.start, end=base.end, severity=base.severity,
        incident_type=base.type, services=base.services, actor="@alice", now=NOW, repo=repo)
    bob = postmortem_service.update_incident(
        base, title=base.title, start=base.start, end=base.end, severity=base.severity,
        incident_type=base.type, services=("checkout", "payments-db"), actor="@bob", now=NOW, repo=repo)
    final = repo.get(base.id)
    assert (final.title, final.services, final.version) == ("Title from Alice", ("checkout", "payments-db"), 3)
    assert bob == final and alice.version == 2  # Bob's session now holds Alice's title too
    assert [(c.label, c.actor) for c in repo.changes_since(base.id, 1)] == [("The title", "@alice"),
                                                                            ("The services", "@bob")]


def test_two_editors_of_the_same_field_the_second_is_refused_naming_it_and_neither_text_is_lost(repo):
    base = repo.add(make_postmortem(), actor="a", now=NOW)
    postmortem_service.set_runbook(base, "Alice's runbook", actor="@alice", now=NOW, repo=repo)
    with pytest.raises(ConflictError, match=r"The runbook was changed by @alice at \d\d:\d\d UTC") as refused:
        postmortem_service.set_runbook(base, "Bob's runbook", actor="@bob", now=NOW, repo=repo)
    [clash] = refused.value.conflicts
    assert (clash.mine, clash.theirs, clash.actor) == ("Bob's runbook", "Alice's runbook", "@alice")
    assert repo.get(base.id).runbook == "Alice's runbook"  # nothing overwritten
    mine = refused.value.attempted
    assert mine is not None and mine.runbook == "Bob's runbook"  # Bob's text is kept for him
    latest = repo.get(base.id)
    saved = postmortem_service.commit(latest, postmortem_service.reapply(latest, base, mine), actor="@bob", now=NOW,
                                      repo=repo)
    assert repo.get(base.id).runbook == "Bob's runbook" and saved.version == 3


def test_concurrent_writers_lose_no_update(repo):
    pm = repo.add(make_postmortem(services=()), actor="a", now=NOW)
    errors: list[Exception] = []

    def add_service(name: str) -> None:
        for _ in range(50):
            current = repo.get(pm.id)
            try:
                repo.save(dataclasses.replace(current, services=(*current.services, name)), actor=name, now=NOW,
                          summary="add service")
                return
            except StaleWriteError:
                continue
            except Exception as exc:  # noqa: BLE001 (collected and asserted below)
                errors.append(exc)
                return

    threads = [threading.Thread(target=add_service, args=(f"svc{n}",)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = repo.get(pm.id)
    assert sorted(final.services) == sorted(f"svc{n}" for n in range(8))
    assert final.version == 9


def test_summaries_list_newest_first_with_overdue_actions(repo):
    repo.add(make_postmortem(id="PM-2026-01-02", start=START - timedelta(days=71), end=START - timedelta(days=70)),
             actor="a", now=NOW)
    repo.add(complete_postmortem(), actor="a", now=NOW)
    summaries = repo.list_summaries(today=date(2026, 3, 25))
    assert [s.id for s in summaries] == ["PM-2026-03-14", "PM-2026-01-02"]
    assert summaries[0].overdue_actions == 1  # AI-001 due 2026-03-20, AI-002 due 2026-04-10
    assert summaries[0].severity is Severity.P1


def test_share_links_resolve_until_revoked(repo):
    pm = repo.add(make_postmortem(), actor="a", now=NOW)
    link = repo.create_share_link(pm.id, actor="t", now=NOW)
    assert len(link.token) >= 40
    assert repo.resolve_share_link(link.token) == link
    assert repo.resolve_share_link(link.token[:-1] + "x") is None
    repo.revoke_share_link(link.id, actor="t", now=NOW)
    assert repo.resolve_share_link(link.token) is None
    assert not repo.share_links(pm.id)[0].active


def test_a_dismissed_language_finding_is_kept_with_its_reason_in_the_audit_trail(repo):
    pm = repo.add(make_postmortem(), actor="a", now=NOW)
    pm = postmortem_service.dismiss_finding(pm, field="Lessons learned", text="Simply", reason="figure of speech",
                                            actor="@dan", now=NOW, repo=repo)
    assert repo.get(pm.id).dismissals[0].reason == "figure of speech"
    expected = "dismissed the language finding “Simply” in Lessons learned: figure of speech"
    assert repo.audit(pm.id)[0].summary == expected


def fake_pdf(pm):
    return f"%PDF-fake {pm.title} v{pm.version}".encode()


def test_publishing_freezes_a_snapshot_that_later_edits_do_not_change(repo):
    pm = repo.add(complete_postmortem(), actor="a", now=NOW)
    published, snapshot = postmortem_service.publish(pm, render_pdf=fake_pdf, actor="@maria", now=NOW, repo=repo)
    assert published == repo.get(pm.id) and published.published_at == NOW
    assert snapshot.number == 1 and snapshot.version == published.version
    assert snapshot.pdf == b"%PDF-fake Checkout errors after release v2.3.0 v2"
    assert "# Post-Mortem: Checkout errors after release v2.3.0" in snapshot.markdown
    edited = postmortem_service.update_incident(published, title="Renamed later", start=pm.start, end=pm.end,
                                                severity=pm.severity, incident_type=pm.type, services=pm.services,
                                                actor="@bob", now=NOW, repo=repo)
    [kept] = repo.snapshots(pm.id)
    assert kept == snapshot and "Renamed later" not in kept.document + kept.markdown
    later = NOW + timedelta(hours=3)
    _, second = postmortem_service.publish(edited, render_pdf=fake_pdf, actor="@bob", now=later, repo=repo)
    assert [s.number for s in repo.snapshots(pm.id)] == [2, 1]
    assert "Renamed later" in second.markdown and repo.get(pm.id).published_at == NOW


def test_publishing_is_refused_while_a_hard_gate_fails(repo):
    pm = repo.add(complete_postmortem(reviewed_at=None), actor="a", now=NOW)
    with pytest.raises(GateBlockedError, match="review date"):
        postmortem_service.publish(pm, render_pdf=fake_pdf, actor="a", now=NOW, repo=repo)
    assert repo.snapshots(pm.id) == [] and repo.get(pm.id).published_at is None


def test_the_known_head_revision_is_alembics_and_a_current_database_is_left_as_it_is(database_url):
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from core.storage import engine as storage_engine
    from core.storage import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    assert ScriptDirectory.from_config(config).get_current_head() == storage_engine.HEAD
    engine = storage_engine.create(database_url)
    try:
        storage_engine.migrate(engine)
        assert storage_engine.current_revision(engine) == storage_engine.HEAD
        storage_engine.migrate(engine)  # a second start-up changes nothing
        assert storage_engine.current_revision(engine) == storage_engine.HEAD
    finally:
        engine.dispose()
