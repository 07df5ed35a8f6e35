"""Drafts of the Summary and Impact: the demo's numbers, their sources, and text a person typed kept."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from core import demo, postmortem_service, report_drafts
from core.export import document
from core.models import MetricPoint, Report
from tests.apptest import by_label, open_app
from tests.factories import NOW, complete_postmortem


@pytest.fixture(scope="module")
def demo_pm():
    return document.loads(demo.DEMO_DOCUMENT.read_text(encoding="utf-8"))


def test_the_demo_summary_states_the_times_duration_and_peak(demo_pm):
    drafted = report_drafts.draft_summary(demo_pm)
    assert drafted.text.startswith(report_drafts.DRAFT_MARK + "\n")
    first = drafted.text.splitlines()[1]
    assert first.startswith("On Saturday 14 March, from 14:02 to 14:19 UTC (17 min), up to 56 % of checkout "
                            "requests failed.")
    assert "detected by the HighErrorRate alert at 14:04, 1 min 45 s after impact began" in first
    assert "resolved at 15:04 UTC" in first and "6 action items (3 of them high priority)" in first


def test_every_number_of_the_demo_summary_names_its_source(demo_pm):
    drafted = report_drafts.draft_summary(demo_pm)
    sources = {f.value: f.source for f in drafted.figures}
    assert "E005" in sources["14:02"] and "impact start" in sources["14:02"]
    assert "E014" in sources["14:19"] and "mitigated" in sources["14:19"]
    assert "5xx share of HTTP requests" in sources["56 %"] and "14:10:00" in sources["56 %"]
    assert "E007" in sources["14:04"] and "17 min" in sources
    text = drafted.text.removeprefix(report_drafts.DRAFT_MARK)
    for f in drafted.figures:
        assert f.value.replace(" %", "") in text, f  # nothing listed that the text does not say


def test_the_demo_impact_lists_peaks_against_their_baseline_and_the_alerts(demo_pm):
    drafted = report_drafts.draft_impact(demo_pm)
    lines = drafted.text.splitlines()[1:]
    assert lines[0] == "- Users of checkout and payments-db affected for 17 min (14:02–14:19 UTC)."
    assert "- 5xx share of HTTP requests peaked at 56 % at 14:10, from 0.1 % before." in lines
    assert "- p99 HTTP request duration peaked at 5 s at 14:04, from 0.4 s before." in lines
    assert any(line.startswith("- About ") and "requests failed" in line for line in lines)
    assert "- Alert HighErrorRate (critical) fired 14:04–14:23 UTC." in lines
    assert {"0.4 s", "21,000"} <= {f.value for f in drafted.figures}


def test_a_postmortem_without_metrics_or_milestones_still_gets_a_draft():
    pm = complete_postmortem(events=(), series=(), alerts=(), actions=())
    drafted = report_drafts.draft_summary(pm)
    assert "from 14:00 to 15:30 UTC (1 h 30 min), checkout was affected." in drafted.text
    assert "the incident window's start" in drafted.figures[0].source
    with pytest.raises(ValueError, match="no draft"):
        report_drafts.draft(pm, "lessons")


def test_drafts_fill_only_empty_sections_and_accepting_removes_the_mark(repo):
    pm = repo.add(complete_postmortem(report=Report(summary="", impact="Typed by a person.")), actor="t", now=NOW)
    edit = {"actor": "t", "now": NOW, "repo": repo}
    drafted = postmortem_service.fill_drafts(pm, ["summary", "impact"], **edit)
    assert report_drafts.is_draft(drafted.report.summary) and drafted.report.impact == "Typed by a person."
    assert postmortem_service.fill_drafts(drafted, ["summary", "impact"], **edit) is drafted
    accepted = postmortem_service.accept_draft(drafted, "summary", **edit)
    assert not report_drafts.is_draft(accepted.report.summary)
    assert accepted.report.summary == drafted.report.summary.split("\n", 1)[1]


def test_the_report_step_drafts_an_empty_summary_and_shows_its_sources(app_db):
    pm = app_db.add(complete_postmortem(report=dataclasses.replace(complete_postmortem().report, summary="")),
                    actor="t", now=NOW)
    app = open_app(pm.id, "report")
    by_label(app.button, "Draft from the data").click().run()
    assert not app.exception
    summary = app_db.get(pm.id).report.summary
    assert report_drafts.is_draft(summary)
    assert by_label(app.text_area, "Summary").value == summary
    assert any("draft written from the data" in w.value for w in app.warning)
    by_label(app.button, "Accept the draft").click().run()
    assert not report_drafts.is_draft(app_db.get(pm.id).report.summary)


def test_the_report_step_offers_the_public_downloads_and_saves_internal_marks(app_db):
    pm = app_db.add(complete_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "report")
    assert not any("public" in b.label for b in app.get("download_button"))  # prepared only when asked
    by_label(app.toggle, "Review and download the public version").set_value(True).run()
    labels = [b.label for b in app.get("download_button")]
    assert "Download public Markdown" in labels and "Download public PDF" in labels
    by_label(app.multiselect, "Report parts to leave out").set_value(["root_cause"]).run()
    assert not app.exception
    assert app_db.get(pm.id).internal_fields == ("root_cause",)
    text = "\n".join(m.value for m in app.markdown)
    assert "replacements to review" in text and "**Left out:** Root cause" in text
    assert len(app.dataframe) >= 1  # the masks: @maria, @dan… named by role


def test_the_peak_is_the_one_during_impact_not_a_later_spike(demo_pm):
    errors = next(s for s in demo_pm.series if "5xx" in s.query)
    spike = (*errors.points, MetricPoint(demo_pm.end - timedelta(minutes=1), 0.9))
    pm = dataclasses.replace(demo_pm, series=tuple(dataclasses.replace(s, points=spike) if s is errors else s
                                                   for s in demo_pm.series))
    assert "up to 56 % of checkout requests failed" in report_drafts.draft_summary(pm).text


def test_the_story_of_the_demo_in_one_sentence(demo_pm):
    assert report_drafts.story(demo_pm) == ("On Saturday 14 March, from 14:02 to 14:19 UTC (17 min), up to 56 % of "
                                            "checkout requests failed.")


def test_a_report_still_holding_a_draft_cannot_be_published_until_it_is_accepted():
    from core import gates, report_drafts
    from core.steps import Step

    pm = complete_postmortem()
    drafted = dataclasses.replace(pm, report=dataclasses.replace(
        pm.report, impact=report_drafts.DRAFT_MARK + " …\n2,300 checkouts failed."))
    messages = [r.message for r in gates.failed_gates(drafted, Step.REPORT, now=NOW)]
    assert any("Impact is still a draft from the data" in m for m in messages), messages
    accepted = dataclasses.replace(drafted, report=dataclasses.replace(
        drafted.report, impact=report_drafts.accepted(drafted.report.impact)))
    assert not [r for r in gates.failed_gates(accepted, Step.REPORT, now=NOW) if r.gate.id == "report.sections"]
