"""The wizard in Streamlit's AppTest: every page renders, Next step follows the gates, edits are saved."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from core import demo
from core.export import document
from core.models import Milestone
from core.steps import Step
from tests.apptest import APP, by_label, errors, next_button, open_app
from tests.factories import EVENTS, NOW, at, complete_postmortem, make_event, make_postmortem

PAGES = ["home", *(s.value for s in Step)]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_a_postmortem(app_db, page):
    app = open_app(page=page)
    if page != "home":
        assert "No post-mortem is open" in app.info[0].value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_a_new_empty_postmortem(app_db, page):
    pm = app_db.add(make_postmortem(title="", services=(), severity=None, type=None), actor="t", now=NOW)
    app = open_app(pm.id, page)
    if page != "home":
        assert app.title[0].value == Step(page).label


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_the_demo_postmortem(app_db, page):
    seeded = demo.seed_if_empty(now=NOW, repo=app_db)
    assert seeded is not None
    app = open_app(seeded.id, page)
    if page not in ("home", "track"):
        assert not next_button(app).disabled, errors(app)


def test_home_lists_the_demo_and_creates_a_new_postmortem(app_db):
    demo.seed_if_empty(now=NOW, repo=app_db)
    app = open_app()
    assert any("Checkout" in str(e.proto) for e in app.get("page_link"))
    by_label(app.text_input, "Incident title").input("Search returns stale results")
    by_label(app.text_input, "Affected services").input("search, indexer")
    app.button[0].click().run()
    assert not app.exception
    created = [s for s in app_db.list_summaries(today=NOW.date()) if s.title == "Search returns stale results"]
    assert len(created) == 1 and app.query_params["pm"] == created[0].id
    assert app_db.get(created[0].id).services == ("search", "indexer")


# --- step 1: incident -----------------------------------------------------------------------------


def test_incident_details_block_next_until_services_are_given(app_db):
    pm = app_db.add(make_postmortem(services=()), actor="t", now=NOW)
    app = open_app(pm.id, "incident")
    assert next_button(app).disabled
    assert "at least one affected service" in errors(app)
    by_label(app.text_input, "Affected services").input("checkout, payments-db").run()
    assert not next_button(app).disabled
    assert app_db.get(pm.id).services == ("checkout", "payments-db")


def test_incident_window_blocks_next_while_end_is_before_start(app_db):
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "incident")
    assert not next_button(app).disabled
    by_label(app.datetime_input, "End (UTC)").set_value(datetime(2026, 3, 14, 13, 0)).run()
    assert next_button(app).disabled and "end must be after its start" in errors(app)
    by_label(app.datetime_input, "End (UTC)").set_value(datetime(2026, 3, 14, 16, 0)).run()
    assert not next_button(app).disabled
    assert app_db.get(pm.id).end == datetime.fromisoformat("2026-03-14T16:00:00+00:00")


# --- step 2: gather -------------------------------------------------------------------------------


def test_gather_sources_blocks_next_until_each_required_source_is_imported_or_explained(app_db):
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    assert next_button(app).disabled and "No logs, metrics and alerts" in errors(app)
    for kind, reason in (("Logs", "rotated after 7 days"), ("Metrics", "no Prometheus then"),
                         ("Alerts", "Alertmanager forgot")):
        by_label(app.selectbox, "Missing source").select(next(o for o in by_label(app.selectbox, "Missing source")
                                                              .options if o == kind))
        by_label(app.text_input, "Why it cannot be had").input(reason)
        by_label(app.button, "Record gap").click().run()
    assert not next_button(app).disabled
    assert [g.reason for g in app_db.get(pm.id).gaps] == ["rotated after 7 days", "no Prometheus then",
                                                          "Alertmanager forgot"]


def test_an_uploaded_log_proposes_candidates_that_can_be_promoted(app_db):
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    log = (demo.DEMO_DIR / "telemetry" / "nginx-access.log").read_bytes()
    app.file_uploader[0].set_value(("nginx-access.log", log, "text/plain"))
    by_label(app.button, "Import").click().run()
    assert not app.exception, app.exception
    stored = app_db.get(pm.id)
    assert [(i.origin, i.records_rejected) for i in stored.imports] == [("nginx-access.log", 3)]
    assert any("502" in c.event for c in stored.candidates)
    assert "nginx-access.log: 6,04" in app.success[0].value  # the import says what it read
    table = app.data_editor[0]
    app.session_state[table.key] = {"edited_rows": {"0": {"pick": True}}, "added_rows": [], "deleted_rows": []}
    app.run()
    by_label(app.button, "Add 1 to the timeline").click().run()
    stored = app_db.get(pm.id)
    assert len(stored.events) == 1 and stored.events[0].time == min(c.time for c in stored.candidates)


def test_a_log_without_time_zone_asks_for_it(app_db):
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    app.file_uploader[0].set_value(("app.log", b"2026-03-14 14:05:00 ERROR pool exhausted\n", "text/plain"))
    by_label(app.button, "Import").click().run()
    assert "no time zone" in errors(app)
    assert app_db.get(pm.id).imports == ()
    by_label(app.selectbox, "Time zone").select("Europe/Berlin")
    app.file_uploader[0].set_value(("app.log", b"2026-03-14 15:05:00 ERROR pool exhausted\n", "text/plain"))
    by_label(app.button, "Import").click().run()
    assert "no time zone" not in errors(app)
    [candidate] = app_db.get(pm.id).candidates
    assert candidate.time == at(14, 5)


# --- step 3: timeline -----------------------------------------------------------------------------


def edit_table(app: AppTest, index: int = 0, *, edited=None, added=None, deleted=None) -> None:
    key = app.data_editor[index].key
    app.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}
    app.run()
    assert not app.exception, app.exception


def gathered(**overrides):
    return complete_postmortem(**overrides)


def test_timeline_milestones_block_next_until_marked(app_db):
    events = tuple(dataclasses.replace(e, milestone=None) if e.milestone is Milestone.DETECTED else e for e in EVENTS)
    pm = app_db.add(gathered(events=events), actor="t", now=NOW)
    app = open_app(pm.id, "timeline")
    assert next_button(app).disabled and "detected" in errors(app)
    edit_table(app, edited={"1": {"milestone": "detected"}})
    assert not next_button(app).disabled
    assert app_db.get(pm.id).milestone_time(Milestone.DETECTED) == at(14, 4, 30)


def test_timeline_order_blocks_next_until_the_times_agree(app_db):
    pm = app_db.add(gathered(), actor="t", now=NOW)
    app = open_app(pm.id, "timeline")
    assert not next_button(app).disabled
    edit_table(app, edited={"3": {"time": "2026-03-14T14:01:00Z"}})
    assert next_button(app).disabled and "Milestones in order" in errors(app)
    row = next(n for n, e in enumerate(app_db.get(pm.id).events) if e.milestone is Milestone.ACKNOWLEDGED)
    edit_table(app, edited={str(row): {"time": "2026-03-14T14:07:00Z"}})
    assert not next_button(app).disabled


def test_timeline_attribution_blocks_next_until_every_event_has_a_source(app_db):
    events = (*EVENTS, make_event("E099", at(14, 10), "Pods restarted", source=""))
    pm = app_db.add(gathered(events=events), actor="t", now=NOW)
    app = open_app(pm.id, "timeline")
    assert next_button(app).disabled and "lack an event text, source or actor" in errors(app)
    row = next(n for n, e in enumerate(app_db.get(pm.id).events) if e.id == "E099")
    edit_table(app, edited={str(row): {"source": "kubectl"}})
    assert not next_button(app).disabled


def test_a_new_timeline_row_is_saved_in_order_and_a_bad_time_is_refused_without_losing_rows(app_db):
    pm = app_db.add(gathered(), actor="t", now=NOW)
    app = open_app(pm.id, "timeline")
    edit_table(app, added=[{"time": "2026-03-14T14:20:00Z", "event": "Pool size raised to 40", "source": "kubectl",
                            "actor": "@alice"}])
    events = app_db.get(pm.id).events
    assert len(events) == 7 and events[4].event == "Pool size raised to 40"
    edit_table(app, added=[{"event": "No time given", "source": "chat"}])
    assert "the time is missing" in errors(app)
    assert len(app_db.get(pm.id).events) == 7


def test_a_later_step_opened_by_link_is_read_only_and_points_back(app_db):
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "factors")
    assert "Step **2. Gather data** is not finished yet" in app.warning[0].value
    assert all(t.disabled for t in app.text_area)


# --- steps 4 to 7 ---------------------------------------------------------------------------------


def test_factors_step_saves_the_immediate_cause(app_db):
    pm = app_db.add(gathered(immediate_cause=""), actor="t", now=NOW)
    app = open_app(pm.id, "factors")
    assert next_button(app).disabled
    by_label(app.text_area, "Immediate cause").input("Connection pool exhausted").run()
    assert app_db.get(pm.id).immediate_cause == "Connection pool exhausted"
    assert not next_button(app).disabled


def test_new_action_items_get_the_next_id(app_db):
    pm = app_db.add(gathered(), actor="t", now=NOW)
    app = open_app(pm.id, "actions")
    edit_table(app, added=[{"action": "Add a runbook for pool saturation to the on-call wiki", "owner": "@erin",
                            "deadline": "2026-04-01", "priority": "Low", "factors": ["F1"]}])
    actions = app_db.get(pm.id).actions
    assert [a.id for a in actions] == ["AI-001", "AI-002", "AI-003"]
    assert actions[2].owner == "@erin" and actions[2].deadline.isoformat() == "2026-04-01"


def test_publishing_needs_every_hard_gate_and_then_shows_the_date(app_db):
    pm = app_db.add(gathered(reviewed_at=None), actor="t", now=NOW)
    app = open_app(pm.id, "report")
    by_label(app.button, "Publish the report").click().run()
    assert "cannot be published yet" in errors(app) and "review date" in errors(app)
    assert app_db.get(pm.id).published_at is None
    app.date_input[0].set_value(NOW.date()).run()
    by_label(app.button, "Publish the report").click().run()
    assert app_db.get(pm.id).published_at is not None


def test_share_link_opens_a_read_only_view_until_revoked(app_db):
    pm = app_db.add(gathered(), actor="t", now=NOW)
    link = app_db.create_share_link(pm.id, actor="t", now=NOW)
    view = AppTest.from_file(APP, default_timeout=30)
    view.query_params.update({"pm": pm.id, "token": link.token})
    view.run()
    view.switch_page("app_pages/view.py").run()
    assert not view.exception
    assert any("Post-Mortem: Checkout errors" in m.value for m in view.markdown)
    assert len(view.text_input) == 0 and len(view.text_area) == 0 and len(view.data_editor) == 0
    app_db.revoke_share_link(link.id, actor="t", now=NOW)
    view.run()
    assert "This link is no longer valid" in errors(view)
    assert not any("Post-Mortem" in m.value for m in view.markdown)


# --- two editors -----------------------------------------------------------------------------------


def test_edits_of_different_fields_in_two_browsers_both_land_and_each_page_shows_the_other(any_app_db):
    app_db = any_app_db
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    alice, bob = open_app(pm.id, "incident"), open_app(pm.id, "incident")
    by_label(alice.sidebar.text_input, "Your name").input("@alice").run()
    by_label(alice.text_input, "Incident title").input("Title from Alice").run()
    by_label(bob.text_input, "Affected services").input("checkout, search").run()
    assert not errors(bob) or "Someone" not in errors(bob)
    stored = app_db.get(pm.id)
    assert (stored.title, stored.services) == ("Title from Alice", ("checkout", "search"))
    assert by_label(bob.text_input, "Incident title").value == "Title from Alice"  # redrawn from the merge
    assert "@alice changed The title" in " ".join(s.value for s in bob.success)
    alice.run()  # Alice's next rerun shows Bob's services, with who changed them
    assert by_label(alice.text_input, "Affected services").value == "checkout, search"
    assert "anonymous changed The services" in " ".join(s.value for s in alice.success)


def test_the_same_field_in_two_browsers_is_refused_naming_it_with_both_texts(any_app_db):
    app_db = any_app_db
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    alice, bob = open_app(pm.id, "incident"), open_app(pm.id, "incident")
    by_label(alice.sidebar.text_input, "Your name").input("@alice").run()
    by_label(alice.text_input, "Incident title").input("Title from Alice").run()
    by_label(bob.text_input, "Incident title").input("Title from Bob").run()
    assert "Two people changed the same thing" in errors(bob)
    assert any(m.value.startswith("**The title** was changed by @alice at ") for m in bob.markdown)
    assert [t.value for t in bob.text][-2:] == ["Title from Alice", "Title from Bob"]
    assert app_db.get(pm.id).title == "Title from Alice"
    by_label(bob.button, "Put mine in place of theirs").click().run()
    assert app_db.get(pm.id).title == "Title from Bob"
    assert by_label(bob.text_input, "Incident title").value == "Title from Bob"


def test_discarding_a_refused_edit_shows_the_other_change(any_app_db):
    app_db = any_app_db
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    alice, bob = open_app(pm.id, "incident"), open_app(pm.id, "incident")
    by_label(alice.text_input, "Incident title").input("Title from Alice").run()
    by_label(bob.text_input, "Incident title").input("Title from Bob").run()
    by_label(bob.button, "Keep theirs").click().run()
    assert by_label(bob.text_input, "Incident title").value == "Title from Alice"
    assert app_db.get(pm.id).title == "Title from Alice"


def test_the_sidebar_shows_each_steps_state(app_db):
    pm = app_db.add(gathered(immediate_cause=""), actor="t", now=NOW + timedelta(days=0))
    app = open_app(pm.id, "timeline")
    captions = [c.value for c in app.sidebar.caption]
    assert captions[:3] == ["done", "done", "done"]
    assert captions[3] == "to do: immediate cause written"
    assert captions[4:] == ["blocked by an earlier step"] * 3


def test_a_vague_action_blocks_next_until_it_is_made_specific(app_db):
    pm = app_db.add(gathered(), actor="t", now=NOW)
    app = open_app(pm.id, "actions")
    assert not next_button(app).disabled
    edit_table(app, edited={"0": {"action": "Improve monitoring"}})
    assert next_button(app).disabled and "too vague" in errors(app)
    edit_table(app, edited={"0": {"action": "Add db_pool_in_use to the Checkout dashboard with an 80% alert"}})
    assert not next_button(app).disabled


def test_human_error_in_a_chain_blocks_next_until_rewritten(app_db):
    pm = app_db.add(gathered(), actor="t", now=NOW)
    app = open_app(pm.id, "factors")
    by_label(app.text_input, "Why? (5)").input("Human error by the on-call engineer").run()
    assert next_button(app).disabled and "What made this possible?" in errors(app)
    by_label(app.text_input, "Why? (5)").input("Query plans are not reviewed before deploys").run()
    assert not next_button(app).disabled


def test_the_demo_offers_drafts_and_attaches_them(app_db):
    seeded = demo.seed_if_empty(now=NOW, repo=app_db)
    app = open_app(seeded.id, "actions")
    by_label(app.button, "Draft an alerting rule").click().run()
    assert not app.exception
    assert any(a.attachment_name.endswith("alert-rule.yml") for a in app_db.get(seeded.id).actions)
    assert any("alert-rule.yml" in b.label for b in app.get("download_button"))


def demo_postmortem(**overrides):
    pm = document.loads(demo.DEMO_DOCUMENT.read_text(encoding="utf-8"))
    return dataclasses.replace(pm, **overrides)


def test_suggested_milestones_are_offered_and_accepted(app_db):
    pm = demo_postmortem()
    stripped = tuple(dataclasses.replace(e, milestone=None) for e in pm.events)
    stored = app_db.add(dataclasses.replace(pm, events=stripped), actor="t", now=NOW)
    app = open_app(stored.id, "timeline")
    assert next_button(app).disabled
    assert any("Suggested milestones" in m.value for m in app.markdown)
    by_label(app.button, "Accept these milestones").click().run()
    accepted = app_db.get(stored.id)
    assert {m: accepted.milestone_time(m) for m in Milestone} == {m: pm.milestone_time(m) for m in Milestone}
    assert not next_button(app).disabled
    assert any("Time to detect" in m.value and "1 min 45 s" in m.value for m in app.markdown)


def test_a_source_an_hour_off_is_flagged_and_shifted_in_one_click(app_db):
    pm = demo_postmortem()
    skewed = tuple(dataclasses.replace(e, time=e.time - timedelta(hours=1)) if e.source == "payment-worker log"
                   else e for e in pm.events)
    stored = app_db.add(dataclasses.replace(pm, events=skewed), actor="t", now=NOW)
    app = open_app(stored.id, "timeline")
    assert any("payment-worker log" in w.value and "looks 1 h" in w.value for w in app.warning)
    by_label(app.button, "Shift “payment-worker log”").click().run()
    assert app_db.get(stored.id).events == pm.events
    assert not any("looks 1 h" in w.value for w in app.warning)


def test_the_timeline_chart_is_drawn_with_a_utc_axis(app_db):
    stored = app_db.add(demo_postmortem(), actor="t", now=NOW)
    app = open_app(stored.id, "timeline")
    [chart] = app.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert '"type": "utc"' in json.dumps(spec) and "Time (UTC)" in json.dumps(spec)


def test_insights_render_for_many_postmortems_with_filters(app_db):
    base = demo_postmortem()
    for n in range(12):
        start = base.start - timedelta(days=20 * n)
        app_db.add(dataclasses.replace(base, id=f"PM-{start:%Y-%m-%d}", start=start, end=start + timedelta(hours=1),
                                       services=("checkout",) if n % 2 else ("search",)), actor="t", now=NOW)
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()
    app.switch_page("app_pages/insights.py").run()
    assert not app.exception, app.exception
    assert app.metric[0].value == "12"
    assert len(app.get("vega_lite_chart")) >= 3
    app.multiselect[0].select("search").run()
    assert app.metric[0].value == "6"


def test_a_table_edit_right_after_a_text_edit_is_kept(app_db):
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    log = (demo.DEMO_DIR / "telemetry" / "nginx-access.log").read_bytes()
    app.file_uploader[0].set_value(("nginx-access.log", log, "text/plain"))
    by_label(app.button, "Import").click().run()
    by_label(app.text_area, "Runbook used").input("https://wiki.example/runbooks/checkout").run()
    table = app.data_editor[0]
    app.session_state[table.key] = {"edited_rows": {"0": {"pick": True}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert any(b.label == "Add 1 to the timeline" for b in app.button)
    assert app_db.get(pm.id).runbook == "https://wiki.example/runbooks/checkout"


def test_the_new_postmortem_form_takes_the_typed_times(app_db):
    app = open_app()
    by_label(app.text_input, "Incident title").input("Search outage")
    by_label(app.datetime_input, "Incident start (UTC)").set_value(datetime(2026, 2, 1, 9, 30))
    by_label(app.datetime_input, "Incident end (UTC)").set_value(datetime(2026, 2, 1, 10, 45))
    by_label(app.text_input, "Affected services").input("search")
    by_label(app.button, "Create post-mortem").click().run()
    [created] = [s for s in app_db.list_summaries(today=NOW.date()) if s.title == "Search outage"]
    assert (created.id, created.start.hour, created.end.minute) == ("PM-2026-02-01", 9, 45)


def test_the_sidebar_counts_the_edit_of_the_same_run(app_db):
    pm = app_db.add(gathered(immediate_cause=""), actor="t", now=NOW)
    app = open_app(pm.id, "factors")
    assert app.sidebar.caption[3].value == "to do: immediate cause written"
    by_label(app.text_area, "Immediate cause").input("Connection pool exhausted").run()
    assert app.sidebar.caption[3].value == "done"
