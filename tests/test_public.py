"""The public version: planted names, hosts, IPs, emails, tickets and tokens in every field never survive."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from core import cli, masking, public
from core.export import document, markdown, pdf, report_model
from core.models import (
    ActionItem,
    AlertInterval,
    ContributingFactor,
    DataGap,
    EventKind,
    FactorCategory,
    FollowUpReview,
    ItemOutcome,
    MetricPoint,
    MetricSeries,
    Milestone,
    Outcome,
    Priority,
    Report,
    SourceKind,
    SystemicIssue,
    TimelineEvent,
    WhyChain,
)
from tests.factories import NOW, START, at, complete_postmortem

TOKEN = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"
SLACK = "xoxb-2468013579-abcdefghijKLMNOP"
AWS = "AKIAIOSFODNN7EXAMPLE"
HOST = "db-07.prod.acme-corp.com"
K8S = "pgbouncer.payments.svc.cluster.local"
IP = "10.20.30.40"
IP6 = "2001:db8::8a2e:370:7334"
EMAIL = "jane.doe@acme-corp.com"
TICKET = "https://acme.atlassian.net/browse/OPS-4711"
GRAFANA = "http://grafana.corp/d/checkout"
SECRETS = [TOKEN, SLACK, AWS, HOST, K8S, IP, IP6, EMAIL, TICKET, GRAFANA, "OPS-4711", "token=s3cr3tv4lue",
           "acme-corp", "atlassian", "worker-pool-b3", "7d9f8b6c5"]
PEOPLE = ["Jane Doe", "@jdoe", "jdoe", "Priya Raman", "@kwame", "kwame", "Oskar Lindqvist", "@li.wei", "Jane", "Priya",
          "Oskar", "Lindqvist", "Raman"]
INTERNAL = ["Quokka", "Narwhal", "Axolotl"]  # only in parts marked internal
PLANT = f"Jane Doe and @jdoe asked {EMAIL} about {HOST} ({IP}, {IP6}) and {K8S}; see {TICKET}, {GRAFANA}, OPS-4711."
SECRET = f"token=s3cr3tv4lue {TOKEN} {SLACK} {AWS}; Priya Raman told @kwame and Oskar Lindqvist."


def planted():
    """Return a complete post-mortem with the planted values in every field and some parts marked internal."""
    pm = complete_postmortem()
    text = f"{PLANT} {SECRET}"
    events = (
        TimelineEvent("E001", at(14, 2), f"First 5xx from {HOST} ({IP})", f"nginx on {K8S}", kind=EventKind.LOG,
                      milestone=Milestone.IMPACT_START, evidence=text),
        TimelineEvent("E002", at(14, 4), f"Alert paged @jdoe via {EMAIL}", "PagerDuty", actor="System",
                      kind=EventKind.PAGE, milestone=Milestone.DETECTED),
        TimelineEvent("E003", at(14, 6), "Page acknowledged", "PagerDuty", actor="@jdoe", kind=EventKind.PAGE,
                      milestone=Milestone.ACKNOWLEDGED),
        TimelineEvent("E004", at(14, 8), f"@kwame: rollback? {SECRET}", "Slack", actor="@kwame", kind=EventKind.CHAT),
        TimelineEvent("E005", at(14, 9), "Quokka vault rotated", "Slack", actor="@li.wei", kind=EventKind.CHAT,
                      internal=True, starred=True),
        TimelineEvent("E006", at(14, 12), "Rollback done", "kubectl", actor="Priya Raman", kind=EventKind.DEPLOY,
                      milestone=Milestone.MITIGATED, starred=True),
        TimelineEvent("E007", at(14, 30), "Resolved", "PagerDuty", actor="@jdoe", kind=EventKind.PAGE,
                      milestone=Milestone.RESOLVED, starred=True),
    )
    return dataclasses.replace(
        pm,
        title=f"Checkout down on {HOST}",
        services=("checkout", K8S),
        authors=("Jane Doe", "@jdoe"),
        reviewers=("Oskar Lindqvist",),
        runbook=GRAFANA,
        events=events,
        gaps=(DataGap(SourceKind.ALERTS, f"Alertmanager at {IP}:9093 kept 5 days ({EMAIL})"),),
        series=(MetricSeries("up", (("instance", f"{IP}:9100"), ("host", HOST), ("node", "worker-pool-b3"),
                                    ("pod", "checkout-api-7d9f8b6c5-x2x4z")),
                             (MetricPoint(START, 1.0), MetricPoint(at(14, 10), 0.0))),),
        alerts=(AlertInterval("HighErrorRate", "critical", at(14, 4), at(14, 20), (("instance", IP),)),),
        immediate_cause=f"Pool on {HOST} exhausted; {PLANT}",
        factors=(
            ContributingFactor("F1", FactorCategory.MONITORING_GAP, f"No alert on {K8S}. {PLANT}",
                               evidence_event_ids=("E001", "E005")),
            ContributingFactor("F2", FactorCategory.TESTING_GAP, f"Load test skipped. {SECRET}",
                               accepted_risk=True, accepted_reason=f"Owner {EMAIL} agreed. {SECRET}"),
            ContributingFactor("F3", FactorCategory.PROCESS, "Narwhal vendor contract", internal=True),
        ),
        why_chains=(
            WhyChain(f"Why did {HOST} fail? {PLANT}", (f"Because {SECRET}", "Pool", "Query", "Index", "Review")),
            WhyChain("Why Axolotl?", ("Axolotl",), stop_reason="internal", factor_id="F3"),
        ),
        systemic_issues=(SystemicIssue(f"No review. {PLANT} {SECRET}"),),
        actions=(
            ActionItem("AI-001", f"Alert on pool use of {HOST} at 80% ({PLANT})", owner="Priya Raman",
                       deadline=date(2026, 3, 20), priority=Priority.HIGH, factor_ids=("F1", "F3"),
                       ticket_url=TICKET, sponsor="Oskar Lindqvist", end_state=SECRET),
            ActionItem("AI-002", f"Load test; {SECRET}", owner=EMAIL, deadline=date(2026, 4, 10),
                       priority=Priority.MEDIUM, factor_ids=("F2",), ticket_url=GRAFANA),
        ),
        report=Report(summary=text, impact=f"- 12,400 failed requests\n- {text}", root_cause=f"Quokka. {text}",
                      went_well=text, lessons=text, prevention=text),
        internal_fields=("root_cause",),
        follow_up=FollowUpReview(date(2026, 4, 20), outcomes=(ItemOutcome("AI-001", Outcome.DONE, text),)),
    )


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _assert_clean(text: str) -> None:
    flat = _flat(text)
    for needle in SECRETS + PEOPLE + INTERNAL:
        assert _flat(needle) not in flat, needle


def test_the_public_markdown_holds_none_of_the_planted_values():
    text = markdown.render(planted(), now=NOW, public=True).replace("\\", "")
    _assert_clean(text)
    assert report_model.PUBLIC_NOTE in text
    assert "the on-call engineer" in text.lower() and "an engineer" in text
    assert masking.EMAIL in text and masking.IP in text and masking.HOST in text and masking.TOKEN in text
    assert masking.TICKET in text and public.WITHHELD in text


def test_the_public_pdf_holds_none_of_the_planted_values():
    data = pdf.render(planted(), now=NOW, public=True)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    _assert_clean(text)
    _assert_clean(" ".join(str(v) for v in (reader.metadata or {}).values()))
    assert "the on-call engineer" in text.lower()


def test_the_public_document_holds_none_of_the_planted_values_anywhere():
    # the share view and the chart read the post-mortem itself, not only its report
    _assert_clean(document.dumps(public.public_version(planted())))


def test_the_internal_version_is_unchanged_by_the_marks():
    pm = planted()
    unmarked = dataclasses.replace(
        pm, internal_fields=(), events=tuple(dataclasses.replace(e, internal=False) for e in pm.events),
        factors=tuple(dataclasses.replace(f, internal=False) for f in pm.factors))
    text = markdown.render(pm, now=NOW)
    assert text == markdown.render(unmarked, now=NOW)
    for needle in [HOST, IP, EMAIL, "Jane Doe", "@kwame", "Quokka", "Narwhal", "Axolotl"]:
        assert needle in text.replace("\\", "")
    assert report_model.PUBLIC_NOTE not in text


def test_people_become_roles_from_what_the_postmortem_knows():
    roles = public.people_roles(planted())
    assert roles["@jdoe"] == public.ON_CALL  # acknowledged the page
    assert roles["Oskar Lindqvist"] == public.REVIEWER
    assert roles["Priya Raman"] == roles["@kwame"] == roles["Jane Doe"] == public.ENGINEER


def test_internal_parts_are_left_out_with_their_references():
    pm = public.public_version(planted())
    assert [e.id for e in pm.events] == ["E001", "E002", "E003", "E004", "E006", "E007"]
    assert [f.id for f in pm.factors] == ["F1", "F2"]
    assert pm.factors[0].evidence_event_ids == ("E001",)
    assert pm.actions[0].factor_ids == ("F1",) and len(pm.why_chains) == 1
    assert pm.report.root_cause == public.WITHHELD
    assert public.withheld(planted()) == ("Timeline event E005 at 14:09:00", "Contributing factor F3", "Root cause")


def test_every_mask_is_listed_for_review_with_where_it_was_found():
    checked = public.review(planted())
    found = {m.original: m for m in checked.masks if m.kind != "person"}
    people = {m.original: m for m in checked.masks if m.kind == "person"}
    assert found[HOST].replacement == masking.HOST and "title" in found[HOST].where
    assert found[EMAIL].kind == "email" and found[TICKET].replacement == masking.TICKET
    assert found[TOKEN].replacement == masking.TOKEN and found[IP6].replacement == masking.IP
    assert people["@jdoe"].replacement == public.ON_CALL and people[EMAIL].replacement == public.ENGINEER
    assert "Quokka" not in " ".join([*found, *people])  # internal parts are left out, not masked


def test_a_handle_that_is_also_a_word_is_replaced_only_as_a_name():
    pm = planted()
    pm = dataclasses.replace(pm, actions=(dataclasses.replace(pm.actions[0], owner="@will"),),
                             report=Report(summary="@will said the pool will fill. Will checked it. WILL?"))
    assert public.public_version(pm).report.summary == (
        "An engineer said the pool will fill. An engineer checked it. WILL?")


def test_the_public_version_is_checked_for_blameless_language_too():
    pm = dataclasses.replace(planted(), report=Report(summary="Jane Doe forgot to check the pool."))
    findings = public.review(pm).findings
    assert [(field, f.text) for field, f in findings] == [("Summary", "An engineer forgot")]


@pytest.mark.parametrize("text, expected", [
    ("ask ops@example.org", "ask [email]"),
    ("from 192.168.1.10:8080.", "from [IP address]."),
    ("at 14:02:17 and v2.3.0 and 1.2.3", "at 14:02:17 and v2.3.0 and 1.2.3"),
    ("cache.internal and www.example.com and example.com", "[internal host] and www.example.com and example.com"),
    ("see JIRA-123 and AI-001 and UTF-8", "see [ticket] and AI-001 and UTF-8"),
    ("Bearer abcdef1234567890XYZ", "[token]"),
    ("orders.customer_email has no index", "orders.customer_email has no index"),
    ("host=db-prod-01, checkout-api-7d9f8b6c5-x2x4z restarted", "host=[internal host], [internal host] restarted"),
])
def test_masking_finds_internal_details_and_leaves_ordinary_text(text, expected):
    assert masking.mask(text) == expected


def test_cli_exports_the_public_markdown_and_pdf(capsys, sqlite_url, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(document.dumps(planted()))
    assert cli.main(["--db", sqlite_url, "load", str(source)]) == 0
    md, pdf_file = tmp_path / "public.md", tmp_path / "public.pdf"
    capsys.readouterr()
    assert cli.main(["--db", sqlite_url, "export", "PM-2026-03-14", "--format", "md", "--public",
                     "--output", str(md)]) == 0
    err = capsys.readouterr().err
    assert "masked a token" in err and TOKEN not in err
    _assert_clean(md.read_text())
    assert cli.main(["--db", sqlite_url, "export", "PM-2026-03-14", "--format", "pdf", "--public",
                     "--output", str(pdf_file)]) == 0
    reader = PdfReader(io.BytesIO(pdf_file.read_bytes()))
    _assert_clean("\n".join(page.extract_text() for page in reader.pages))
    assert cli.main(["--db", sqlite_url, "export", "PM-2026-03-14", "--format", "json", "--public",
                     "--output", str(md)]) == 2


def test_the_factors_table_keeps_the_internal_mark():
    from ui import tables

    pm = planted()
    assert tables.factors_from_frame(tables.factors_frame(pm), pm) == pm.factors


def test_editing_the_timeline_table_keeps_the_internal_marks():
    from ui import tables

    pm = planted()
    assert tables.events_from_frame(tables.events_frame(pm), pm) == list(pm.events)


def _view_text(app) -> str:
    """Return what the page shows, without the escapes that keep it literal on screen (backslashes, joiners)."""
    shown = " ".join([*(m.value for m in app.markdown), *(c.value for c in app.caption),
                      *(h.value for h in app.header), *(s.value for s in app.subheader), *(t.value for t in app.title)])
    return shown.replace("\\", "").replace("\u2060", "")


def test_a_public_share_link_opens_the_public_version_only_and_the_other_link_the_whole(app_db):
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP

    pm = app_db.add(planted(), actor="t", now=NOW)
    public = app_db.create_share_link(pm.id, actor="t", now=NOW, public=True)
    internal = app_db.create_share_link(pm.id, actor="t", now=NOW)
    assert [link.public for link in app_db.share_links(pm.id)] in ([True, False], [False, True])
    for token, present in ((public.token, "0"), (public.token, "1")):
        for slide in range(1, 7):
            app = AppTest.from_file(APP, default_timeout=60)
            app.query_params.update({"pm": pm.id, "token": token, "present": present, "slide": str(slide)})
            app.run()
            app.switch_page("app_pages/view.py").run()
            assert not app.exception, app.exception
            text = _view_text(app)
            assert "Public version of" in text
            _assert_clean(text)
            if present == "0":
                break
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update({"pm": pm.id, "token": internal.token})
    app.run()
    app.switch_page("app_pages/view.py").run()
    whole = _view_text(app)
    assert "Read-only view of" in whole and "Priya Raman" in whole and _flat(HOST) in _flat(whole)  # found if there


def test_the_public_checklist_of_the_gathered_data_says_what_the_internal_one_says():
    from core import gates
    from core.steps import Step

    pm = planted()
    shown = public.public_version(pm)
    for step in (Step.INCIDENT, Step.GATHER, Step.TIMELINE):  # later steps read text that masking changes
        assert [r.gate.id for r in gates.failed_gates(shown, step, now=NOW)] == \
            [r.gate.id for r in gates.failed_gates(pm, step, now=NOW)], step
    assert {i.origin for i in shown.imports} <= {f"{k.value} import" for k in {i.kind for i in pm.imports}}
