"""The caps of one post-mortem: text fields, timeline events, series and stored size are checked before each save.

A change over a cap is refused with a message naming the field or the cap, the number found and what to do,
and nothing is written; a page shows it where it shows every error, and the text typed stays in its box.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from core import gathering, limits, postmortem_service
from core.errors import InvalidInputError, PostmortemError
from core.export import document
from core.ingest import ImportResult
from core.limits import LimitExceededError
from core.models import (
    ActionItem,
    Candidate,
    MetricPoint,
    MetricSeries,
    PostMortem,
    Report,
    SourceImport,
    SourceKind,
    TimelineEvent,
    WhyChain,
)
from core.storage import engine
from core.storage.repository import SqlPostMortemRepository
from testing import factories
from tests.apptest import by_label, errors, open_app
from tests.factories import NOW, START, complete_postmortem, make_event, make_postmortem

CAP = limits.CAPS.text_chars
TOO_LONG = "x" * (CAP + 1)


@pytest.fixture
def repo(sqlite_url: str) -> Iterator[SqlPostMortemRepository]:
    repository = engine.open_repository(sqlite_url)
    yield repository
    repository.close()


@pytest.fixture
def stored(repo: SqlPostMortemRepository) -> PostMortem:
    return repo.add(complete_postmortem(), actor="t", now=NOW)


def _save(repo: SqlPostMortemRepository) -> dict[str, Callable[[PostMortem, str], PostMortem]]:
    """One service call per kind of text a user types, each saving ``text`` in its field."""
    kw = {"actor": "t", "now": NOW, "repo": repo}
    return {
        "The post-mortem (report, summary)": lambda pm, text: postmortem_service.update_report(
            pm, dataclasses.replace(pm.report, summary=text), reviewers=(), reviewed_at=None, **kw),
        "The post-mortem (immediate cause)": lambda pm, text: postmortem_service.update_analysis(
            pm, dataclasses.replace(pm, immediate_cause=text), **kw),
        "Contributing factor F2 (text)": lambda pm, text: postmortem_service.update_analysis(
            pm, dataclasses.replace(pm, factors=(pm.factors[0], dataclasses.replace(pm.factors[1], text=text))), **kw),
        "Why-chain 1 (answer 3)": lambda pm, text: postmortem_service.update_analysis(
            pm, dataclasses.replace(pm, why_chains=(WhyChain("Why?", ("a", "b", text)),)), **kw),
        "Action item AI-002 (action)": lambda pm, text: postmortem_service.set_actions(
            pm, (pm.actions[0], dataclasses.replace(pm.actions[1], action=text)), **kw),
        "Timeline event E004 (evidence)": lambda pm, text: postmortem_service.set_timeline(
            pm, [dataclasses.replace(e, evidence=text) if e.id == "E004" else e for e in pm.events],
            not_applicable=(), **kw),
        "The post-mortem (title)": lambda pm, text: postmortem_service.update_incident(
            pm, title=text, start=pm.start, end=pm.end, severity=pm.severity, incident_type=pm.type,
            services=pm.services, **kw),
        "The post-mortem (runbook)": lambda pm, text: postmortem_service.set_runbook(pm, text, **kw),
        "Data gap 2 (reason)": lambda pm, text: postmortem_service.add_gap(pm, source=SourceKind.LOGS, reason=text,
                                                                            **kw),
    }


FIELDS = list(_save(None))  # type: ignore[arg-type]


@pytest.mark.parametrize("field", FIELDS)
def test_a_text_over_the_cap_is_refused_naming_the_field_and_nothing_is_saved(field: str, stored: PostMortem,
                                                                               repo: SqlPostMortemRepository):
    with pytest.raises(LimitExceededError) as refused:
        _save(repo)[field](stored, TOO_LONG)
    assert str(refused.value) == (
        f"{field} is 100,001 characters long, more than the 100,000 a text field may hold (cap: text field size). "
        "It was not saved: shorten it, or put the long part in a document and link to it.")
    assert isinstance(refused.value, InvalidInputError | PostmortemError)  # what pages show with st.error
    assert repo.get(stored.id) == stored


@pytest.mark.parametrize("field", FIELDS)
def test_a_text_at_the_cap_is_saved(field: str, stored: PostMortem, repo: SqlPostMortemRepository):
    saved = _save(repo)[field](stored, "y" * CAP)
    assert saved.version == stored.version + 1
    assert "y" * CAP in {t for t, _ in limits._texts(repo.get(stored.id))}


def test_a_new_postmortem_with_a_title_over_the_cap_is_not_created(repo: SqlPostMortemRepository):
    with pytest.raises(LimitExceededError, match=r"^The post-mortem \(title\) is 100,001 characters long"):
        postmortem_service.create(title=TOO_LONG, start=START, end=START + timedelta(hours=1), actor="t", now=NOW,
                                  repo=repo)
    assert repo.list_summaries(today=NOW.date()) == []


def test_a_text_already_over_the_cap_does_not_block_other_edits(repo: SqlPostMortemRepository):
    # stored before the cap existed (or lowered): still editable, as long as the edit does not add another
    pm = repo.add(complete_postmortem(runbook=TOO_LONG), actor="t", now=NOW)
    saved = postmortem_service.set_actions(pm, pm.actions[:1], actor="t", now=NOW, repo=repo)
    assert saved.runbook == TOO_LONG and len(saved.actions) == 1
    with pytest.raises(LimitExceededError, match=r"^Action item AI-001 \(end state\) is 100,001 characters"):
        postmortem_service.set_actions(saved, (dataclasses.replace(saved.actions[0], end_state=TOO_LONG),),
                                       actor="t", now=NOW, repo=repo)


def test_the_factors_page_shows_the_cap_and_keeps_the_text_typed(app_db):
    pm = app_db.add(complete_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "factors")
    by_label(app.text_area, "Immediate cause").input(TOO_LONG).run()
    assert not app.exception
    assert "is 100,001 characters long, more than the 100,000 a text field may hold" in errors(app)
    assert by_label(app.text_area, "Immediate cause").value == TOO_LONG
    assert app_db.get(pm.id).immediate_cause == pm.immediate_cause


# --- counts of one post-mortem --------------------------------------------------------------------------------------


def _events(count: int) -> list[TimelineEvent]:
    return [make_event(f"E{n:05d}", START + timedelta(seconds=n), f"event {n}") for n in range(count)]


def test_a_timeline_over_the_cap_is_refused_and_a_smaller_one_saved(stored: PostMortem,
                                                                    repo: SqlPostMortemRepository):
    cap = limits.CAPS.events
    with pytest.raises(LimitExceededError) as refused:
        postmortem_service.set_timeline(stored, _events(cap + 1), not_applicable=(), actor="t", now=NOW, repo=repo)
    assert str(refused.value).startswith(
        "The post-mortem would hold 5,001 timeline events, more than the 5,000 it may hold (cap: timeline events "
        "per post-mortem). Nothing was saved: delete events")
    assert repo.get(stored.id) == stored
    saved = postmortem_service.set_timeline(stored, _events(cap), not_applicable=(), actor="t", now=NOW, repo=repo)
    assert len(repo.get(stored.id).events) == cap == len(saved.events)


def _metrics(origin: str, count: int, points: int = 10) -> ImportResult:
    series = tuple(MetricSeries(f"{origin}_metric", (("pod", f"p{n}"),),
                                tuple(MetricPoint(START + timedelta(seconds=15 * i), float(i)) for i in range(points)))
                   for n in range(count))
    return ImportResult(source=SourceImport(SourceKind.METRICS, origin, NOW, records_read=count * points),
                        series=series)


def test_series_over_the_cap_of_one_postmortem_are_refused_import_by_import(monkeypatch: pytest.MonkeyPatch,
                                                                            stored: PostMortem,
                                                                            repo: SqlPostMortemRepository):
    monkeypatch.setattr(limits, "CAPS", limits.Caps(series_per_import=4, series_per_postmortem=6))
    pm = gathering.apply_import(stored, _metrics("a.json", 4), actor="t", now=NOW, repo=repo)
    with pytest.raises(LimitExceededError, match=r"^The post-mortem would hold 8 metric series, more than the 6 it "
                                                 r"may hold \(cap: metric series per post-mortem\)\. Nothing was "
                                                 r"saved: import fewer series: narrow the PromQL query"):
        gathering.apply_import(pm, _metrics("b.json", 4), actor="t", now=NOW, repo=repo)
    assert repo.get(stored.id) == pm
    # the same series imported again replace the ones stored: not refused
    again = gathering.apply_import(pm, _metrics("a.json", 4, points=20), actor="t", now=NOW, repo=repo)
    assert len(again.series) == 4 and again.version == pm.version + 1


def test_an_import_result_over_a_cap_from_any_source_is_refused_before_it_is_stored(stored: PostMortem,
                                                                                    repo: SqlPostMortemRepository):
    with pytest.raises(LimitExceededError, match=r"^loki has 201 metric series, more than the 200 one import"):
        gathering.apply_import(stored, _metrics("loki", 201), actor="t", now=NOW, repo=repo)
    candidates = tuple(Candidate(f"C{n}", START, f"error {n}", "app") for n in range(2_001))
    result = ImportResult(source=SourceImport(SourceKind.LOGS, "loki", NOW), candidates=candidates)
    with pytest.raises(LimitExceededError, match=r"^loki proposes 2,001 candidate events, more than the 2,000"):
        gathering.apply_import(stored, result, actor="t", now=NOW, repo=repo)
    result = ImportResult(source=SourceImport(SourceKind.CHAT, "slack", NOW), events=tuple(_events(5_001)))
    with pytest.raises(LimitExceededError, match=r"^slack brings 5,001 timeline events, more than the 5,000"):
        gathering.apply_import(stored, result, actor="t", now=NOW, repo=repo)
    assert repo.get(stored.id) == stored


def test_the_points_of_one_import_are_counted_after_downsampling(stored: PostMortem, repo: SqlPostMortemRepository):
    # 11 series of 30,000 points: 330,000 read, 11 × 20,000 = 220,000 kept, over the 200,000 of one import
    with pytest.raises(LimitExceededError, match=r"^big\.json has 2\d\d,\d{3} samples in the incident window, more "
                                                 r"than the 200,000 one import may add"):
        gathering.apply_import(stored, _metrics("big.json", 11, 30_000), actor="t", now=NOW, repo=repo)
    saved = gathering.apply_import(stored, _metrics("ok.json", 9, 30_000), actor="t", now=NOW, repo=repo)
    assert {len(s.points) <= limits.CAPS.points_per_series for s in saved.series} == {True}


# --- stored size --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pm", [
    make_postmortem(),
    complete_postmortem(),
    factories.large_postmortem(),
    complete_postmortem(report=Report(summary="é" * 50_000, impact="- line\n" * 5_000),
                        actions=tuple(ActionItem(f"AI-{n:03d}", "Add an alert " * 20, owner="@bob")
                                      for n in range(1, 41))),
], ids=["bare", "complete", "design size", "long texts"])
def test_the_stored_size_is_estimated_within_a_fifth_without_writing_the_document(pm: PostMortem):
    actual = len(document.dumps(pm).encode())
    assert 0.8 * actual < limits.stored_size(pm) < 1.2 * actual


def test_the_design_size_postmortem_is_well_within_every_cap():
    pm = factories.large_postmortem()
    limits.check_postmortem(None, pm)
    assert limits.stored_size(pm) * 2.5 < limits.CAPS.stored_bytes
    assert len(pm.series) * 20 <= limits.CAPS.series_per_postmortem and len(pm.events) * 10 <= limits.CAPS.events


def test_a_postmortem_over_the_stored_size_is_refused_before_the_write(monkeypatch: pytest.MonkeyPatch,
                                                                       stored: PostMortem,
                                                                       repo: SqlPostMortemRepository):
    monkeypatch.setattr(limits, "CAPS", limits.Caps(stored_bytes=limits.stored_size(stored) + 200_000))
    pm = gathering.apply_import(stored, _metrics("small.json", 1, 1_000), actor="t", now=NOW, repo=repo)
    with pytest.raises(LimitExceededError) as refused:
        gathering.apply_import(pm, _metrics("big.json", 4, 1_000), actor="t", now=NOW, repo=repo)
    assert re.match(rf"^{stored.id} would take about 0\.\d MB stored, more than the 0\.\d MB one post-mortem may "
                    r"take \(cap: stored size\)\. Nothing was saved: import metrics with a larger step",
                    str(refused.value))
    assert repo.get(stored.id) == pm
    # an edit that does not grow it is still saved
    smaller = postmortem_service.set_actions(pm, pm.actions[:1], actor="t", now=NOW, repo=repo)
    assert smaller.version == pm.version + 1


def test_where_names_texts_in_words():
    pm = complete_postmortem()
    paths = {limits.where(pm, path) for _, path in limits._texts(pm)}
    assert {"The post-mortem (title)", "The post-mortem (service 1)", "The post-mortem (report, root cause)",
            "Timeline event E003 (actor)", "Action item AI-001 (owner)", "Why-chain 1 (answer 5)",
            "Import 2 (origin)", "Systemic issue 1 (text)"} <= paths


def test_every_text_field_of_the_model_is_checked():
    # a text field added to the model later is checked without being listed anywhere
    visited = {(cls.__name__, name) for cls, names in limits._TEXT_FIELDS.items() for name in names}
    assert {("TimelineEvent", "evidence"), ("ActionItem", "attachment"), ("Report", "prevention"),
            ("WhyChain", "answers"), ("MetricSeries", "labels"), ("PostMortem", "runbook")} <= visited
    assert ("MetricSeries", "points") not in visited  # 100,000 points hold no text: not walked on each save
