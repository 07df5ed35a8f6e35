"""Hygiene: share tokens kept hashed, times and ids in range, strict JSON, and output that cannot be misread.

Each block names the mistake it closes: a database copy that opens every shared post-mortem, a year-9999
typo that broke every page, a non-UTF-8 file or an odd id that gave a traceback, "NaN" in a JSON export,
a title that drives the terminal, a timeline cell a spreadsheet runs as a formula, and Streamlit's own
":red[…]" syntax eating words of user text on screen.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event, select, text, update

from core import cli, time_range
from core.errors import InvalidInputError
from core.export import document, ics, spreadsheet
from core.models import Candidate, MetricPoint, MetricSeries, ShareLink
from core.steps import Step
from core.storage import engine as storage_engine
from core.storage import tables
from core.storage.repository import SqlPostMortemRepository
from testing.migrations import alembic
from tests.apptest import by_label, errors, open_app
from tests.factories import NOW, START, complete_postmortem, make_event, make_postmortem
from tests.test_security import rendered_markdown, shown
from ui import tables as ui_tables
from ui import views

RANGE = "between 1970-01-01 and 2100-12-31 (UTC)"


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def everything_stored(repo: SqlPostMortemRepository) -> str:
    """Return every row of every table as text."""
    with repo._engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for table in tables.metadata.sorted_tables
                         for row in conn.execute(select(table)))


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- 1. share tokens: stored as SHA-256 only, shown once ------------------------------------------


def test_a_share_token_is_stored_only_as_its_sha256(repo, database_url):
    pm = repo.add(make_postmortem(), actor="t", now=NOW)
    link = repo.create_share_link(pm.id, actor="t", now=NOW)
    stored = everything_stored(repo)
    assert link.token not in stored and sha256(link.token) in stored
    if database_url.startswith("sqlite"):  # not on disk either: the file and its write-ahead log
        files = list(Path(database_url.removeprefix("sqlite:///")).parent.glob("postmortems.db*"))
        assert files and not [f for f in files if link.token.encode() in f.read_bytes()]
    assert repo.resolve_share_link(link.token) == link


def test_listed_links_hold_no_usable_token_and_are_revoked_by_id(repo):
    pm = repo.add(make_postmortem(), actor="t", now=NOW)
    first = repo.create_share_link(pm.id, actor="t", now=NOW)
    second = repo.create_share_link(pm.id, actor="t", now=NOW.replace(hour=13))
    listed = repo.share_links(pm.id)
    assert [link.id for link in listed] == [second.id, first.id]  # newest first
    assert all(link.token == "" and re.fullmatch(r"[0-9a-f]{16}", link.id) for link in listed)
    assert first.token not in repr(first)  # not in a log line either
    for not_a_token in (first.id, sha256(first.token), ""):  # what the database or the page shows opens nothing
        assert repo.resolve_share_link(not_a_token) is None
    for malformed in ("", "0", first.id[:8], first.token):  # never a prefix matching many links
        with pytest.raises(InvalidInputError, match="not a share link id"):
            repo.revoke_share_link(malformed, actor="t", now=NOW)
    repo.revoke_share_link(first.id, actor="t", now=NOW)
    assert repo.resolve_share_link(first.token) is None and repo.resolve_share_link(second.token) == second
    assert [(link.id, link.active) for link in repo.share_links(pm.id)] == [(second.id, True), (first.id, False)]


def test_the_database_never_sees_the_token_only_its_hash(app_db):
    pm = app_db.add(make_postmortem(), actor="t", now=NOW)
    link = app_db.create_share_link(pm.id, actor="t", now=NOW)
    sent: list[str] = []

    def listener(_conn, _cursor, _statement, parameters, _context, _many):
        sent.append(repr(parameters))

    event.listen(app_db._engine, "before_cursor_execute", listener)
    try:
        assert app_db.resolve_share_link(link.token) == link
        assert app_db.resolve_share_link(link.token[:-1] + "x") is None
    finally:
        event.remove(app_db._engine, "before_cursor_execute", listener)
    assert sent and not [s for s in sent if link.token[:20] in s] and sha256(link.token) in sent[0]


def test_links_handed_out_before_the_upgrade_keep_working_and_are_hashed(database_url):
    engine = storage_engine.create(database_url)
    storage_engine.migrate(engine)
    pm = SqlPostMortemRepository(engine).add(make_postmortem(), actor="t", now=NOW)
    alembic(engine, "downgrade", "0002")  # the schema as it was: plain tokens
    old = {"active": "Zm9v-active-token-handed-out-last-year-0123456", "revoked": "Zm9v-revoked-token-0123456"}
    with engine.begin() as conn:
        for name, token in old.items():
            conn.execute(text("INSERT INTO share_links (token, pm_id, created_at, revoked_at) "
                              "VALUES (:token, :pm, :at, :revoked)"),
                         {"token": token, "pm": pm.id, "at": NOW.replace(tzinfo=None),
                          "revoked": NOW.replace(tzinfo=None) if name == "revoked" else None})
    alembic(engine, "upgrade", "head")
    repo = SqlPostMortemRepository(engine)
    try:
        stored = everything_stored(repo)
        assert not [t for t in old.values() if t in stored] and all(sha256(t) in stored for t in old.values())
        link = repo.resolve_share_link(old["active"])
        assert link is not None and link.pm_id == pm.id and link.id == sha256(old["active"])[:16]
        assert repo.resolve_share_link(old["revoked"]) is None
        repo.revoke_share_link(link.id, actor="t", now=NOW)
        assert repo.resolve_share_link(old["active"]) is None
    finally:
        repo.close()


def share_codes(app) -> list[str]:
    return [c.value for c in app.code if "/view?" in c.value]


def test_the_report_step_shows_a_new_link_once_then_lists_it_by_date_with_a_revoke_button(app_db):
    pm = app_db.add(complete_postmortem(), actor="t", now=NOW)
    app = open_app(pm.id, "report")
    assert share_codes(app) == []
    by_label(app.button, "Create share link").click().run()
    [url] = share_codes(app)
    token = parse_qs(urlsplit(url).query)["token"][0]
    assert parse_qs(urlsplit(url).query)["pm"] == [pm.id] and app_db.resolve_share_link(token) is not None
    assert any("shown only once" in w.value and "create a new one and revoke this one" in w.value
               for w in app.warning)
    by_label(app.text_area, "Summary").input("Checkout failed for 42 minutes.").run()  # any other edit
    assert share_codes(app) == [url]  # still there for whoever created it, until they hide it
    other_session = open_app(pm.id, "report")
    assert share_codes(other_session) == [] and token not in shown(other_session)
    by_label(app.button, "I have copied it").click().run()
    assert share_codes(app) == [] and token not in shown(app)
    [link] = app_db.share_links(pm.id)
    listed = [m.value for m in app.markdown if link.id[:8] in m.value]
    assert listed and "created 2026-" in listed[0] and "active" in listed[0]
    by_label(app.button, "Revoke this link").click().run()
    assert app_db.resolve_share_link(token) is None
    assert any(link.id[:8] in m.value and "revoked 2026-" in m.value for m in app.markdown)
    assert not [b for b in app.button if b.label == "Revoke this link"]


# --- 2. times outside 1970–2100 -------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [
    ("start", "1969-12-31T23:59:59Z"), ("end", "9999-12-31T00:00:00Z"), ("end", "2101-01-01T00:00:00Z"),
    ("end", "9999-12-31T23:59:59-01:00"), ("start", "0001-01-01T00:00:00+01:00"),
])
def test_a_document_time_outside_1970_to_2100_is_refused_naming_the_field(field, value):
    data = json.loads(document.dumps(complete_postmortem()))
    data[field] = value
    with pytest.raises(InvalidInputError, match=rf"incident.json: field {field}: .*out of range.*{re.escape(RANGE)}"):
        document.from_data(data, origin="incident.json")


def test_an_event_time_outside_the_range_is_refused_in_a_document_and_when_saved(repo):
    data = json.loads(document.dumps(complete_postmortem()))
    data["events"][2]["time"] = "2200-03-14T14:00:00Z"
    with pytest.raises(InvalidInputError, match=rf"field events\.2\.time: .*{re.escape(RANGE)}"):
        document.from_data(data)
    pm = repo.add(complete_postmortem(), actor="t", now=NOW)
    late = make_event("E099", datetime(2200, 1, 1, tzinfo=UTC), "typo")
    with pytest.raises(InvalidInputError, match=rf"Timeline event \d+ \(E099\) time: .*{re.escape(RANGE)}"):
        repo.save(dataclasses.replace(pm, events=(*pm.events, late)), actor="t", now=NOW, summary="x")
    with pytest.raises(InvalidInputError, match=rf"Incident end: .*{re.escape(RANGE)}"):
        repo.add(dataclasses.replace(pm, end=datetime(9999, 12, 31, tzinfo=UTC)), actor="t", now=NOW)
    assert repo.get(pm.id) == pm


def test_the_edges_of_the_range_are_accepted():
    for value in (time_range.EARLIEST, time_range.LATEST):
        assert time_range.require(value, field="x") == value
    pm = complete_postmortem(start=time_range.EARLIEST, end=time_range.LATEST, id="PM-1970-01-01")
    assert document.loads(document.dumps(pm)) == pm


@pytest.mark.parametrize("option", ["--start", "--end"])
def test_the_cli_refuses_a_new_postmortem_outside_the_range(capsys, sqlite_url, option):
    times = {"--start": "2026-03-14T14:00:00Z", "--end": "2026-03-14T15:00:00Z"}
    times[option] = "9999-12-31T00:00:00Z" if option == "--end" else "1969-07-20T20:17:00Z"
    code, out, err = run(capsys, "--db", sqlite_url, "new", "--title", "t", "--severity", "P1", "--service", "s",
                         *(x for pair in times.items() for x in pair))
    assert code == 2 and out == "" and option in err and RANGE in err and "Traceback" not in err


def test_the_timeline_editor_refuses_a_time_outside_the_range_naming_the_row():
    pm = complete_postmortem()
    frame = ui_tables.events_frame(pm)
    frame.loc[1, "time"] = datetime(2200, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidInputError, match=rf"Row 2, time: .*{re.escape(RANGE)}"):
        ui_tables.events_from_frame(frame, pm)


def test_the_incident_and_new_postmortem_forms_offer_only_the_range(app_db):
    pm = app_db.add(complete_postmortem(), actor="t", now=NOW)
    for page, label in (("home", "Incident start (UTC)"), ("home", "Incident end (UTC)"),
                        ("incident", "Start (UTC)"), ("incident", "End (UTC)")):
        widget = by_label(open_app(pm.id, page).datetime_input, label)
        assert (widget.min[:10], widget.max[:16]) == ("1970-01-01", "2100-12-31T23:59"), (page, label, widget.min)


def store_raw(repo: SqlPostMortemRepository, pm, **document_changes) -> None:
    """Store ``pm`` with its document changed as an older version (or another tool) could have written it."""
    stored = repo.add(pm, actor="t", now=NOW)
    data = json.loads(document.dumps(stored)) | document_changes
    with repo._engine.begin() as conn:
        conn.execute(update(tables.postmortems).where(tables.postmortems.c.id == stored.id)
                     .values(document=json.dumps(data)))


def test_a_stored_year_9999_shows_a_plain_error_on_every_page_and_in_the_cli(app_db, capsys, sqlite_url):
    pm = complete_postmortem()
    store_raw(app_db, pm, end="9999-12-31T00:00:00Z")
    for page in ["home", *(s.value for s in Step), "insights"]:
        app = open_app(pm.id, page)  # asserts no exception
        if page != "home":
            assert "out of range" in errors(app), page
    for verb in (["check", pm.id], ["export", pm.id, "--format", "md", "--output", "-"], ["timeline", pm.id]):
        code, _, err = run(capsys, "--db", sqlite_url, *verb)
        assert code == 2 and "field end" in err and RANGE in err, verb


# --- 3. a document that is not UTF-8 --------------------------------------------------------------


def test_loading_a_file_that_is_not_utf8_names_the_file_and_the_encoding(capsys, sqlite_url, tmp_path):
    latin1 = tmp_path / "incident-latin1.json"
    latin1.write_bytes(document.dumps(complete_postmortem(title="Café outage")).encode("latin-1"))
    code, out, err = run(capsys, "--db", sqlite_url, "load", str(latin1))
    assert code == 2 and out == "" and "Traceback" not in err
    assert str(latin1) in err and "must be JSON saved as UTF-8" in err and "byte 0xe9" in err


def test_loading_non_utf8_from_standard_input_is_refused_too(capsys, sqlite_url, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"title": "\xff"}')))
    code, _, err = run(capsys, "--db", sqlite_url, "load", "-")
    assert code == 2 and "<stdin>: not UTF-8 text" in err


# --- 4. ids: validated, and encoded in every URL ---------------------------------------------------

BAD_IDS = ["PM-2026-03-14&token=x", "PM-2026-03-14#top", "PM-" + "9" * 197, "PM-2026-02-30", "pm-2026-03-14",
           "PM-2026-03-14-0", "PM-2026-03-14-2-2", " PM-2026-03-14", "PM-2026-03-14\n", "../PM-2026-03-14", ""]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_document_with_a_malformed_id_is_refused_naming_the_field(bad):
    data = json.loads(document.dumps(complete_postmortem())) | {"id": bad}
    with pytest.raises(InvalidInputError, match=r"x.json: field id: .*not a post-mortem id: expected PM-YYYY-MM-DD"):
        document.from_data(data, origin="x.json")


def test_the_repository_refuses_a_malformed_id_and_suffixes_from_the_date(repo):
    for bad in BAD_IDS[:3]:
        with pytest.raises(InvalidInputError, match="not a post-mortem id"):
            repo.add(make_postmortem(id=bad), actor="t", now=NOW)
    assert repo.list_summaries(today=NOW.date()) == []
    second = make_postmortem(id="PM-2026-03-14-2")
    assert [repo.add(second, actor="t", now=NOW).id for _ in range(3)] == [
        "PM-2026-03-14-2", "PM-2026-03-14-3", "PM-2026-03-14-4"]  # never PM-2026-03-14-2-2


@pytest.mark.parametrize("wanted", ["x" * 200, "PM-2026-03-14&token=x", "PM-2026-03-14#a", "<script>", "a\x00b",
                                    "PM-2026-99-99", "PM-2026-03-14' OR '1'='1"])
def test_an_odd_pm_in_the_app_url_shows_the_friendly_not_found_message(any_app_db, wanted):
    any_app_db.add(make_postmortem(), actor="t", now=NOW)
    app = open_app(wanted)
    [error] = [e.value for e in app.error]
    assert "There is no post-mortem" in error and "ids look like PM-YYYY-MM-DD" in error
    assert len(error) < 300  # a long id is quoted cut short
    app.switch_page("app_pages/incident.py").run()
    assert not app.exception and "No post-mortem is open" in app.info[0].value


def test_ids_and_tokens_are_encoded_in_every_link():
    odd = "PM-1&x=1#y"  # impossible for a stored id; the links must hold whatever they are given
    url = views.share_url("https://pm.example", ShareLink("0" * 16, odd, NOW, token="a+b/c=&d"))
    assert parse_qs(urlsplit(url).query) == {"pm": [odd], "token": ["a+b/c=&d"]} and "#" not in url
    calendar = ics.render(dataclasses.replace(complete_postmortem(), id=odd), first_review=NOW.date(),
                          created_at=NOW, public_url="https://pm.example").decode()
    unfolded = calendar.replace("\r\n ", "")
    assert "https://pm.example/track?pm=PM-1%26x%3D1%23y" in unfolded and "pm=PM-1&x" not in unfolded


# --- 5. strict JSON: no NaN or Infinity -----------------------------------------------------------


def strict_json(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def with_odd_samples():
    values = (1.5, math.nan, math.inf, -math.inf, -2.0)
    points = tuple(MetricPoint(START.replace(minute=n), v) for n, v in enumerate(values))
    return complete_postmortem(series=(MetricSeries("rate(http_requests_total[5m])", (("job", "api"),), points),))


def test_nan_and_infinite_samples_are_written_as_null_and_read_back_as_nan():
    pm = with_odd_samples()
    text = document.dumps(pm)
    data = strict_json(text)
    assert [p["value"] for p in data["series"][0]["points"]] == [1.5, None, None, None, -2.0]
    back = document.loads(text)
    values = [p.value for p in back.series[0].points]
    assert values[0] == 1.5 and values[4] == -2.0 and all(math.isnan(v) for v in values[1:4])
    assert document.dumps(back) == text  # the round trip holds for everything else
    assert dataclasses.replace(back, series=()) == dataclasses.replace(pm, series=())


def test_a_document_written_with_nan_before_still_loads():
    old = document.dumps(with_odd_samples()).replace('"value": null', '"value": NaN', 1)
    assert math.isnan(document.loads(old).series[0].points[1].value)


def test_export_json_is_strict_json(capsys, sqlite_url, tmp_path):
    repo = storage_engine.open_repository(sqlite_url)
    pm = repo.add(with_odd_samples(), actor="t", now=NOW)
    repo.close()
    out_file = tmp_path / "pm.json"
    assert run(capsys, "--db", sqlite_url, "export", pm.id, "--format", "json", "--output", str(out_file))[0] == 0
    assert strict_json(out_file.read_text(encoding="utf-8"))["series"][0]["points"][1]["value"] is None


# --- 6. no control characters on the terminal -------------------------------------------------------

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x00\x7f\r"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def hostile_postmortem():
    pm = complete_postmortem(title=f"Checkout {ESCAPES}down", services=("checkout",))
    events = tuple(dataclasses.replace(e, event=f"{e.event} {ESCAPES}", source=f"{e.source}{ESCAPES}",
                                       actor=f"{e.actor}\x1b[8m") for e in pm.events)
    proposed = Candidate("C001", START, f"pool exhausted {ESCAPES}", f"app.log{ESCAPES}", example=f"ERR {ESCAPES}")
    return dataclasses.replace(pm, events=events, candidates=(proposed,))


@pytest.fixture
def hostile_db(sqlite_url):
    repo = storage_engine.open_repository(sqlite_url)
    pm = repo.add(hostile_postmortem(), actor="t", now=NOW)
    repo.close()
    return sqlite_url, pm


@pytest.mark.parametrize("verb", [["list"], ["timeline", "{id}", "--format", "md"],
                                  ["timeline", "{id}", "--format", "csv"], ["check", "{id}"],
                                  ["milestones", "{id}"], ["candidates", "{id}"]])
def test_what_the_cli_prints_holds_no_control_character(capsys, hostile_db, verb):
    url, pm = hostile_db
    code, out, err = run(capsys, "--db", url, *(v.format(id=pm.id) for v in verb))
    assert code in (0, 1) and out
    assert not CONTROL.findall(out) and not CONTROL.findall(err)
    if verb == ["list"]:
        assert f"{pm.id}\tP1\tDraft\t2026-03-14 14:00Z\tCheckout ]0;pwned[2J31mdown\n" == out


@pytest.mark.parametrize("verb", [["timeline", "{id}", "--format", "json"], ["check", "{id}", "--format", "json"]])
def test_json_output_escapes_every_control_character_and_keeps_the_text(capsys, hostile_db, verb):
    url, pm = hostile_db
    _, out, _ = run(capsys, "--db", url, *(v.format(id=pm.id) for v in verb))
    assert not CONTROL.findall(out.replace("\n", ""))  # only the indentation's newlines are raw
    if verb[0] == "timeline":
        rows = strict_json(out)
        assert [r["event"] for r in rows] == [e.event for e in pm.events if not e.hidden]  # the same text, escaped


def test_lint_and_error_messages_print_no_control_character(capsys, tmp_path, sqlite_url):
    text_file = tmp_path / "notes.md"
    text_file.write_text(f"The operator forgot {ESCAPES} the flag.\n", encoding="utf-8")
    code, out, err = run(capsys, "lint", str(text_file))
    assert code == 1 and "forgot" in out and not CONTROL.findall(out + err)
    bad = tmp_path / f"bad{ESCAPES.replace(chr(0), '')}.json"
    bad.write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "--db", sqlite_url, "load", str(bad))
    assert code == 2 and "not valid JSON" in err and not CONTROL.findall(err.rstrip("\n"))


# --- 7. CSV cells never run as formulas -----------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2 pods restarted", "@SUM(A1:A2)",
            "\tindented", "\rreturn"]


def test_timeline_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(capsys, sqlite_url):
    pm = complete_postmortem()
    events = tuple(dataclasses.replace(e, event=FORMULAS[n % len(FORMULAS)], source=f"={e.source}", actor="@bob")
                   for n, e in enumerate(pm.events))
    repo = storage_engine.open_repository(sqlite_url)
    stored = repo.add(dataclasses.replace(pm, events=events), actor="t", now=NOW)
    repo.close()
    _, out, _ = run(capsys, "--db", sqlite_url, "timeline", stored.id, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    visible = [e for e in events if not e.hidden]
    assert [r["event"] for r in rows] == ["'" + CONTROL.sub("", e.event) for e in visible]
    assert all(r["source"].startswith("'=") and r["actor"] == "'@bob" for r in rows)
    assert [r["time"] for r in rows] == [e.time.strftime("%Y-%m-%dT%H:%M:%SZ") for e in visible]  # untouched


def test_only_text_cells_are_neutralised_a_negative_number_stays_a_number():
    out = io.StringIO()
    spreadsheet.write_csv(out, [{"delta": -5, "ratio": -0.5, "note": "-5", "plain": "ok = fine"}],
                          fields=["delta", "ratio", "note", "plain"], text_fields={"note", "plain"})
    assert out.getvalue() == "delta,ratio,note,plain\n-5,-0.5,'-5,ok = fine\n"
    assert [spreadsheet.safe_cell(s) for s in ("", "a=b", "=1", "'=1")] == ["", "a=b", "'=1", "'=1"]


# --- 8. Streamlit's colon syntax in user text shows literally -------------------------------------

COLON_TITLE = "Ratio:red[x] fell :material/bolt: badly :blue-badge[b] :smile: at 14:02:17 :+1:"
STREAMLIT_SYNTAX = re.compile(r":(?:red\\\[x|material/bolt|blue-badge\\\[b|smile:|\+1:)")  # as escaped


def test_views_md_turns_each_colon_that_could_start_streamlit_syntax_into_an_entity():
    escaped = views.md(COLON_TITLE)
    assert escaped == ("Ratio:\u2060red\\[x\\] fell :\u2060material/bolt: badly :\u2060blue-badge\\[b\\] "
                       ":\u2060smile: at 14:02:17 :\u2060+1:")
    assert views.on_screen("| [link](https://t.example/a:b?c=d:e) | x:y |") == (
        "| [link](https://t.example/a:b?c=d:e) | x:\u2060y |")  # our own link keeps its address


def test_every_page_shows_colon_syntax_in_user_text_literally(app_db):
    pm = app_db.add(complete_postmortem(title=COLON_TITLE, immediate_cause=f"Pool :red[empty] {COLON_TITLE}"),
                    actor="t", now=NOW)
    link = app_db.create_share_link(pm.id, actor="t", now=NOW)
    app = open_app(pm.id)
    for page in ["home", *(s.value for s in Step), "insights", "view"]:
        if page == "view":
            app.query_params["token"] = link.token
        if page != "home":
            app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, (page, app.exception)
        texts = rendered_markdown(app)
        assert [t for t in texts if "Ratio:\u2060red" in t], page  # the title is there, escaped
        assert not [t for t in texts if STREAMLIT_SYNTAX.search(t)], page


@pytest.mark.browser
def test_colon_syntax_in_a_title_renders_as_typed_in_chromium(tmp_path):
    from tests.browser import chromium, streamlit_server, wait_for_app

    url = f"sqlite:///{tmp_path / 'app.db'}"
    repo = storage_engine.open_repository(url)
    pm = repo.add(complete_postmortem(title=COLON_TITLE), actor="t", now=NOW)
    repo.close()
    with streamlit_server(url, seed_demo=False) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/incident?pm={pm.id}")
        wait_for_app(page)
        caption = page.get_by_test_id("stCaptionContainer").filter(has_text="· status").first
        # every word, every colon, as typed (the word joiners are invisible)
        assert caption.inner_text().replace("\u2060", "").startswith(f"{pm.id} · {COLON_TITLE} · status")
        assert caption.locator(".stMarkdownColoredText, .stMarkdownBadge, [role=img]").count() == 0
        assert "😄" not in caption.inner_text() and "👍" not in caption.inner_text()
