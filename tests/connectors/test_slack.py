"""Slack: channel exports (zip and folder, the demo's) and conversations.history served by pytest-httpserver."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from core.connectors.errors import ConnectorError
from core.connectors.slack import SlackConnector
from core.errors import InvalidInputError
from core.ingest.structured import slack
from core.models import EventKind, SourceKind, TimeWindow
from tests.connectors.conftest import DATA, INCIDENT

NOW = datetime(2026, 3, 15, tzinfo=UTC)
EXPORT = Path(__file__).resolve().parents[2] / "demo" / "telemetry" / "slack-export"
DEMO = TimeWindow(datetime(2026, 3, 14, 14, 0, tzinfo=UTC), datetime(2026, 3, 14, 15, 30, tzinfo=UTC))


def zipped(folder: Path, prefix: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    """Return ``folder`` as a zip, under ``prefix`` (exports are often zipped with their folder); ``extra`` replaces."""
    extra = extra or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*.json")):
            if path.relative_to(folder).as_posix() not in extra:
                archive.write(path, prefix + path.relative_to(folder).as_posix())
        for name, data in extra.items():
            archive.writestr(prefix + name, data)
    return buffer.getvalue()


def _demo_messages() -> list[dict[str, object]]:
    return [m for day in sorted((EXPORT / "inc-checkout").glob("*.json")) for m in json.loads(day.read_text())]


@pytest.mark.parametrize("prefix", ["", "slack-export/"])
def test_demo_export_zip(prefix: str):
    result = slack.import_file(zipped(EXPORT, prefix), origin="export.zip", window=DEMO, now=NOW)
    people = [m for m in _demo_messages() if not m.get("subtype")]
    assert len(result.events) == len(people)
    assert result.source.kind is SourceKind.CHAT
    assert result.source.records_read == len(_demo_messages())
    assert result.source.records_rejected == 0
    assert {e.actor for e in result.events} <= {"Maria Lopez", "Dan Okafor", "Priya Raman", "Sam Lee"}
    assert all(e.source == "Slack #inc-checkout" and e.kind is EventKind.CHAT for e in result.events)
    texts = " ".join(e.event for e in result.events)
    assert "has joined the channel" not in texts and "<@" not in texts
    assert "PagerDuty" not in {e.actor for e in result.events}  # the bot's posts are dropped
    assert "@Priya Raman yes please" in texts
    first = result.events[0]
    assert first.event.endswith("Dashboard: Checkout overview")
    assert "https://grafana.example.com/d/checkout" in first.evidence
    assert [e.time for e in result.events] == sorted(e.time for e in result.events)


def test_demo_export_folder_matches_the_zip():
    from_folder = slack.import_folder(EXPORT, window=DEMO, now=NOW)
    from_zip = slack.import_file(zipped(EXPORT), origin="export.zip", window=DEMO, now=NOW)
    assert from_folder.events == from_zip.events
    assert from_folder.source.origin == str(EXPORT)


def test_thread_replies_and_timestamps():
    result = slack.import_folder(EXPORT, window=DEMO, now=NOW)
    replies = [m for m in _demo_messages() if m.get("thread_ts") and m["thread_ts"] != m["ts"]]
    flagged = [e for e in result.events if "(reply in thread)" in e.evidence]
    assert len(flagged) == len(replies)
    assert flagged[0].time == datetime.fromtimestamp(float(str(replies[0]["ts"])), tz=UTC)


def test_a_broken_day_file_keeps_the_good_messages():
    day = EXPORT / "inc-checkout" / "2026-03-14.json"
    messages = json.loads(day.read_text())
    messages[2] = {k: v for k, v in messages[2].items() if k != "ts"}
    messages[4]["ts"] = "yesterday"
    text = json.dumps(messages, indent=1)
    archive = zipped(EXPORT, extra={"inc-checkout/2026-03-14.json": text.encode(),
                                    "inc-checkout/2026-03-15.json": text[: len(text) // 2].encode()})
    result = slack.import_file(archive, origin="export.zip", window=DEMO, now=NOW)
    reasons = result.source.rejected_reasons
    assert reasons[0] == "export.zip inc-checkout/2026-03-14.json item 3: ts missing"
    assert reasons[1] == "export.zip inc-checkout/2026-03-14.json item 5: ts 'yesterday' is not a Slack timestamp"
    assert reasons[2].startswith("export.zip inc-checkout/2026-03-15.json: the file ends in the middle of item")
    assert reasons[2].endswith("is it truncated?")
    assert reasons[3:] == (reasons[0].replace("14.json", "15.json"), reasons[1].replace("14.json", "15.json"))
    assert len(result.events) > len([m for m in messages if not m.get("subtype")]) - 2


def test_messages_outside_the_window_are_counted_not_kept():
    result = slack.import_folder(EXPORT, window=INCIDENT, now=NOW)
    assert result.events == ()
    # bot and join messages are dropped before the window is looked at
    assert result.skipped_outside_window == len([m for m in _demo_messages() if not m.get("subtype")])
    assert (result.source.records_rejected, result.source.rejected_reasons, result.source.covered) == (0, (), None)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"not a zip", "not a zip file"),
        (zipped(EXPORT / "inc-checkout"), "found no users.json"),
    ],
)
def test_a_file_that_is_not_an_export(data: bytes, expected: str):
    with pytest.raises(InvalidInputError, match=expected):
        slack.import_file(data, origin="x.zip", window=DEMO, now=NOW)


def test_markup_is_cleaned():
    names = slack.Directory(people={"U1": "Alice Ng"}, channels={"C9": "db"})
    text, links = slack.clean_text(
        "<@U1> &amp; <@U2|bob>: see <#C9>, <#C8|ops> <https://x.example/a?b=1&amp;c=2|runbook> <mailto:a@b.c|a@b.c> "
        "<!here> <!subteam^S1|@sre> &lt;3", names)
    assert text == "@Alice Ng & @bob: see #db, #ops runbook a@b.c @here @sre <3"
    assert links == ["https://x.example/a?b=1&c=2", "a@b.c"]


def _paged(first: str, second: str, cursor: str):
    def handler(request: Request) -> Response:
        assert request.headers["Authorization"] == "Bearer xoxb-test"
        assert request.args["limit"] == "200"
        name = second if request.args.get("cursor") == cursor else first
        return Response((DATA / name).read_text(), content_type="application/json")
    return handler


def test_conversations_history_follows_the_cursor(session, httpserver: HTTPServer):
    httpserver.expect_request("/users.list").respond_with_handler(
        _paged("slack-users-1.json", "slack-users-2.json", "dXNlcjpVMDNQRA=="))
    httpserver.expect_request("/conversations.history").respond_with_handler(
        _paged("slack-history-1.json", "slack-history-2.json", "bmV4dF90czoxNzE0NTU4MDAw"))
    connector = SlackConnector(session, token="xoxb-test", api_url=httpserver.url_for("/"))
    result = connector.import_channel("C0INC", INCIDENT, now=NOW, channel_name="#inc-checkout")
    assert [(e.time.strftime("%H:%M:%S"), e.actor, e.event) for e in result.events] == [
        ("10:06:40", "Alice Ng", "Declaring an incident: checkout 5xx"),
        ("10:08:20", "Alice Ng", "@bob can you check #db-oncall? @here"),
        ("10:21:40", "bob", "Rolled back & watching the dashboard"),
    ]
    assert {e.source for e in result.events} == {"Slack #inc-checkout"}
    assert (result.source.records_read, result.source.records_rejected, result.source.query) == (5, 0, "C0INC")
    history = [r for r, _ in httpserver.log if r.path == "/conversations.history"]
    assert history[0].args["channel"] == "C0INC"
    assert float(history[0].args["oldest"]) == (INCIDENT.start.timestamp() - 1800)


@pytest.mark.parametrize(
    ("error", "expected"),
    [("invalid_auth", "check the token"), ("channel_not_found", "check the channel id"),
     ("ratelimited", "try again in a minute"), ("fatal_error", "fatal_error")],
)
def test_slack_errors_in_plain_words(session, httpserver: HTTPServer, error: str, expected: str):
    httpserver.expect_request("/users.list").respond_with_json({"ok": False, "error": error})
    connector = SlackConnector(session, token="xoxb-test", api_url=httpserver.url_for("/"))
    with pytest.raises(ConnectorError, match=expected):
        connector.import_channel("C0INC", INCIDENT, now=NOW)
