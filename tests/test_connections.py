"""Tokens stay with the servers they belong to; no server fetches for strangers.

Threat: a visitor (no sign-in on a default install) types an address into a form and the server sends its
own API token there, or fetches from the machine's loopback/private network on the visitor's behalf. The
servers that get a token are configured by the operator and offered by name; ad-hoc addresses (when allowed
at all) may only be public. A canary listener on loopback proves nothing reaches it.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from pypdf import PdfReader
from pytest_httpserver import HTTPServer
from streamlit.testing.v1 import AppTest
from werkzeug import Request, Response

from core import demo, postmortem_service
from core.errors import InvalidInputError, PermissionDeniedError
from core.export import document, ics, markdown, pdf
from core.models import Status, TrackerSettings
from core.settings import ConnectionKind, Settings
from tests.apptest import APP, by_label, errors, open_app
from tests.factories import NOW, complete_postmortem
from tests.listener import Listener, listening
from tests.trackers.conftest import TOKEN as GITHUB_TOKEN
from tests.trackers.conftest import FakeGitHub, json_response

SECRETS = {"GITHUB_TOKEN": GITHUB_TOKEN, "PAGERDUTY_TOKEN": "pd-S3cretPagerDutyT0ken-4711",
           "SLACK_TOKEN": "xoxb-S3cretSlackT0ken-4711", "JIRA_TOKEN": "ATATT-S3cretJiraT0ken-4711"}
JIRA_EMAIL = "bot@example.com"
JIRA_BASIC = base64.b64encode(f"{JIRA_EMAIL}:{SECRETS['JIRA_TOKEN']}".encode()).decode()  # as Jira's header sends it
CANARIES = [*SECRETS.values(), JIRA_BASIC]


def configure(monkeypatch, server: str, *, url_imports: bool = False, private_hosts: str = "") -> None:
    """The operator's configuration: every kind of server at ``server``, with canary tokens."""
    for name, value in {**SECRETS, "JIRA_EMAIL": JIRA_EMAIL}.items():
        monkeypatch.setenv(name, value)
    for kind in ("PROMETHEUS_URL", "ALERTMANAGER_URL", "LOKI_URL", "PAGERDUTY_URL", "SLACK_URL", "GITHUB_API_URL",
                 "JIRA_URL"):
        monkeypatch.setenv(kind, server)
    for kind in ("PAGERDUTY", "SLACK", "GITHUB", "JIRA"):
        monkeypatch.setenv(f"{kind}_ALLOW_HTTP", "1")  # the fakes speak plain http on loopback
    monkeypatch.setenv("ALLOW_URL_IMPORTS", "1" if url_imports else "0")
    monkeypatch.setenv("ALLOWED_PRIVATE_HOSTS", private_hosts)


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as heard:
        yield heard


@pytest.fixture
def fake_github(httpserver: HTTPServer) -> FakeGitHub:
    """The fake GitHub on every path: any other service's token gets a 401."""
    fake = FakeGitHub()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake


def shown(app: AppTest) -> list[str]:
    assert not app.exception, app.exception
    return [e.value for kind in ("error", "warning", "success", "info") for e in getattr(app, kind)]


# --- settings: servers are the operator's --------------------------------------------------------------


def test_servers_come_from_secrets_sections_and_environment_shortcuts():
    settings = Settings.from_mapping({
        "SERVERS": {"prod": {"kind": "prometheus", "url": "http://prometheus.internal:9090/"},
                    "ghe": {"kind": "github", "url": "https://ghe.example.com/api/v3", "token": "ghp_x"}},
        "SLACK_TOKEN": "xoxb-1", "ALERTMANAGER_URL": "http://alertmanager:9093",
    })
    assert [(c.name, c.kind, c.url) for c in settings.connections] == [
        ("prod", ConnectionKind.PROMETHEUS, "http://prometheus.internal:9090"),
        ("ghe", ConnectionKind.GITHUB, "https://ghe.example.com/api/v3"),
        ("Alertmanager", ConnectionKind.ALERTMANAGER, "http://alertmanager:9093"),
        ("Slack", ConnectionKind.SLACK, "https://slack.com/api"),
    ]
    assert settings.connection(ConnectionKind.GITHUB).token == "ghp_x"
    assert not settings.allow_url_imports  # ad-hoc URLs are off unless the operator turns them on


@pytest.mark.parametrize(("section", "message"), [
    ({"kind": "github", "url": "http://ghe.internal", "token": "t"}, "plain http, so the GitHub token would travel"),
    ({"kind": "pagerduty"}, "a PagerDuty server needs a token"),
    ({"kind": "jira", "url": "https://acme.atlassian.net", "token": "t"}, "needs the email"),
    ({"kind": "grafana", "url": "https://g"}, "kind 'grafana' is not a server kind"),
    ({"kind": "prometheus", "url": "prometheus:9090"}, "is not an address"),
    ({"kind": "prometheus", "url": "http://p", "allow_http": "maybe"}, "allow_http must be"),
])
def test_a_bad_server_section_is_refused_naming_the_section(section, message):
    with pytest.raises(InvalidInputError, match=re.escape(message)) as refused:
        Settings.from_mapping({"SERVERS": {"main": section}})
    assert "[servers.main]" in str(refused.value) and "'t'" not in str(refused.value)


def test_settings_never_show_a_token():
    settings = Settings.from_mapping({**SECRETS, "JIRA_EMAIL": JIRA_EMAIL, "JIRA_URL": "https://acme.atlassian.net"})
    assert settings.connection(ConnectionKind.GITHUB).token == GITHUB_TOKEN
    for shown_as in (repr(settings), str(settings), f"{settings}", repr(settings.connections)):
        assert not [t for t in SECRETS.values() if t in shown_as]
    with pytest.raises(InvalidInputError) as refused:
        Settings.from_mapping({**SECRETS, "DATABASE_URL": "nonsense", "SEED_DEMO": "maybe"})
    assert not [t for t in SECRETS.values() if t in str(refused.value)]


def test_a_missing_server_names_what_the_operator_sets():
    with pytest.raises(InvalidInputError, match=r"No Jira server is configured.*JIRA_URL and JIRA_TOKEN"):
        Settings.from_mapping({}).connection(ConnectionKind.JIRA)


# --- the canary: no token reaches an address typed into the app ------------------------------------------


def test_no_form_sends_a_token_or_a_request_to_an_address_a_visitor_types(app_db, monkeypatch, httpserver,
                                                                          fake_github, listener):
    configure(monkeypatch, httpserver.url_for("/").rstrip("/"), url_imports=True)
    typed = [listener.url, f"http://localhost:{listener.port}", f"http://[::1]:{listener.port}",
             f"http://user:pw@127.0.0.1:{listener.port}/x.log"]
    published = dataclasses.replace(complete_postmortem(), status=Status.PUBLISHED,
                                    published_at=NOW - timedelta(weeks=5), tracker=TrackerSettings("jira", "OPS"))
    pm = app_db.add(published, actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    messages: list[str] = []

    # every source of the Servers tab: the configured server by name, or a public address for token-less kinds
    for source in by_label(app.radio, "Source").options:
        by_label(app.radio, "Source").set_value(source).run()
        token_kind = source in ("PagerDuty", "Slack")
        assert ("Another address…" in by_label(app.selectbox, "Server").options) is not token_kind, source
        if token_kind:
            assert not [t for t in app.text_input if "address" in t.label.lower()]
        for text in typed:
            if token_kind:  # the only boxes left are ids: an address typed there stays an id on the configured server
                for box in app.text_input:
                    box.input(text)
            else:
                by_label(app.selectbox, "Server").set_value("\x00another").run()
                by_label(app.text_input, "Server address").input(text).run()
                if source == "Loki logs":
                    by_label(app.text_input, "LogQL query").input('{app="checkout"}')
            next(b for b in app.button if b.key.startswith("gather.go-")).click().run()
            messages += shown(app)
    refused = "private, loopback or link-local"
    assert sum(refused in m for m in messages) == 4 * len(typed), messages

    # the file form: an address typed as a URL import
    for text in typed:
        by_label(app.text_input, "…or a file in the server's import folder").input(text).run()
        by_label(app.button, "Import").click().run()
        messages += shown(app)
    assert sum(refused in m for m in messages) == 5 * len(typed), messages

    # the track step: no address box at all; the servers are the configured ones
    app.switch_page("app_pages/track.py").run()
    assert not [t for t in app.text_input if re.search("address|site|url", t.label, re.I)]
    for kind in ("jira", "github"):
        by_label(app.radio, "Tracker").set_value(kind).run()
        [server] = by_label(app.selectbox, "Server").options
        assert server.startswith("Jira (http://localhost:" if kind == "jira" else "GitHub (http://localhost:")
    by_label(app.text_input, "Repository (owner/repo)").input("acme/shop").run()
    by_label(app.button, "Create or update the issues").click().run()
    messages += shown(app)
    assert len(fake_github.issues) == len(published.actions)

    assert listener.received == [], listener.heard[:500]
    assert [s for s in fake_github.seen if s.headers.get("Host", "").split(":")[0] != "localhost"
            and not s.headers.get("Host", "").startswith("127.0.0.1")] == []
    leaks = [m for m in messages for c in CANARIES if c in m]
    assert leaks == []


def test_a_redirect_from_an_allowed_host_to_loopback_is_not_followed(app_db, monkeypatch, httpserver, listener):
    configure(monkeypatch, "https://unused.example.com", url_imports=True, private_hosts="localhost")
    httpserver.expect_request(re.compile(".*")).respond_with_data("", status=302,
                                                                  headers={"Location": listener.url + "/x"})
    pm = app_db.add(complete_postmortem(imports=()), actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    by_label(app.text_input, "…or a file in the server's import folder").input(
        f"http://localhost:{httpserver.port}/app.log").run()
    by_label(app.button, "Import").click().run()
    assert "private, loopback or link-local" in errors(app)
    app.run()
    by_label(app.radio, "Source").set_value("Prometheus metrics").run()
    by_label(app.selectbox, "Server").set_value("\x00another").run()
    by_label(app.text_input, "Server address").input(f"http://localhost:{httpserver.port}/app.log").run()
    by_label(app.button, "Import metrics").click().run()
    assert "private, loopback or link-local" in errors(app)
    assert listener.received == []
    assert app_db.get(pm.id).imports == ()


def test_url_imports_are_off_unless_the_operator_turns_them_on(app_db, monkeypatch, listener):
    configure(monkeypatch, "https://unused.example.com")
    pm = app_db.add(complete_postmortem(imports=()), actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    box = by_label(app.text_input, "…or a file in the server's import folder")
    assert "URL" not in box.label
    box.input(listener.url + "/app.log").run()
    by_label(app.button, "Import").click().run()
    assert "Importing from a URL is turned off on this server" in errors(app)
    app.run()
    by_label(app.radio, "Source").set_value("Loki logs").run()
    assert by_label(app.selectbox, "Server").options == ["Loki (https://unused.example.com)"]
    assert listener.received == []


def test_a_tracker_address_saved_by_an_older_version_is_never_used(app_db, monkeypatch, httpserver, fake_github,
                                                                   listener):
    configure(monkeypatch, httpserver.url_for("/").rstrip("/"))
    data = document.to_data(dataclasses.replace(complete_postmortem(), status=Status.PUBLISHED,
                                                published_at=NOW - timedelta(weeks=5)))
    data["tracker"] = {"kind": "github", "target": "acme/shop", "api_url": listener.url, "logins": []}
    pm = app_db.add(document.from_data(data), actor="t", now=NOW)
    app = open_app(pm.id, "track")
    by_label(app.button, "Create or update the issues").click().run()
    assert not app.exception, app.exception
    assert listener.received == [] and len(fake_github.issues) == len(pm.actions)
    assert listener.url not in document.dumps(app_db.get(pm.id))


# --- tokens never reach the database, an export, a log or a message ---------------------------------------


def echo_401(marker: str):
    """Return a canned 401 that echoes the request's credentials back, as a careless proxy might."""
    def answer(request: Request) -> Response | None:
        auth = request.headers.get("Authorization", "")
        if marker not in auth:
            return None
        return json_response({"ok": False, "error": {"message": f"Invalid credentials: {auth}"}}, 401)
    return answer


def test_api_tokens_never_reach_the_database_exports_logs_or_messages(app_db, monkeypatch, httpserver, fake_github,
                                                                       caplog, capfd, tmp_path):
    configure(monkeypatch, httpserver.url_for("/").rstrip("/"))
    caplog.set_level(logging.DEBUG)
    fake_github.canned += [echo_401("Token token="), echo_401(SECRETS["SLACK_TOKEN"])]
    published = dataclasses.replace(document.loads(demo.DEMO_DOCUMENT.read_text(encoding="utf-8")),
                                    status=Status.PUBLISHED, published_at=NOW - timedelta(weeks=5))
    pm = app_db.add(published, actor="t", now=NOW)
    messages: list[str] = []

    app = open_app(pm.id, "track")
    by_label(app.radio, "Tracker").set_value("jira").run()  # the fake answers Jira's credentials with a 401
    by_label(app.text_input, "Jira project key").input("OPS").run()
    by_label(app.button, "Create or update the issues").click().run()
    messages += shown(app)
    assert any("Jira token rejected (HTTP 401)" in m for m in messages), messages
    by_label(app.radio, "Tracker").set_value("github").run()
    by_label(app.text_input, "Repository (owner/repo)").input("acme/shop").run()
    by_label(app.button, "Create or update the issues").click().run()
    messages += shown(app)
    assert len(fake_github.issues) == 6
    by_label(app.button, "Read status back from the tracker").click().run()
    messages += shown(app)

    app.switch_page("app_pages/gather.py").run()
    by_label(app.radio, "Source").set_value("PagerDuty").run()
    by_label(app.text_input, "PagerDuty incident id").input("P123").run()
    by_label(app.button, "Import the incident log").click().run()
    messages += shown(app)
    by_label(app.radio, "Source").set_value("Slack").run()
    by_label(app.text_input, "Slack channel id").input("C123").run()
    by_label(app.button, "Import the channel").click().run()
    messages += shown(app)
    # both servers echoed the credentials into their 401: the message keeps the answer, not the token
    failures = [m for m in messages if "refused the request (HTTP 401): check the token" in m]
    assert len(failures) == 2 and all("Invalid credentials" in m and "\\*\\*\\*" in m for m in failures), messages

    stored = app_db.get(pm.id)
    exports = {
        "markdown": markdown.render(stored, now=NOW).encode(),
        "json": document.dumps(stored).encode(),
        "ics": ics.render(stored, first_review=NOW.date(), created_at=NOW, public_url="http://x"),
        "audit": repr(app_db.audit(pm.id)).encode(),
        "issues": json.dumps(fake_github.issues).encode(),
        "messages": "\n".join(messages).encode(),
        "logs": caplog.text.encode(),
        "output": "".join(capfd.readouterr()).encode(),
    }
    pdf_bytes = pdf.render(stored, now=NOW)
    exports["pdf"] = pdf_bytes + "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages).encode()
    exports |= {f"database {p.name}": p.read_bytes() for p in tmp_path.glob("app.db*")}
    assert exports["json"] and exports["database app.db"]
    leaks = [(where, token) for where, data in exports.items() for token in CANARIES if token.encode() in data]
    assert leaks == []


def test_servers_configured_in_secrets_are_offered_by_name(app_db, monkeypatch):
    for name in ("PROMETHEUS_URL", "PAGERDUTY_TOKEN", "ALLOW_URL_IMPORTS"):
        monkeypatch.delenv(name, raising=False)
    pm = app_db.add(complete_postmortem(), actor="t", now=NOW)
    app = AppTest.from_file(APP, default_timeout=30)
    app.secrets["servers"] = {"prod": {"kind": "prometheus", "url": "https://prom.example.com"},
                              "staging": {"kind": "prometheus", "url": "https://user:pw@prom-staging.example.com"},
                              "pd": {"kind": "pagerduty", "token": SECRETS["PAGERDUTY_TOKEN"]}}
    app.query_params["pm"] = pm.id
    app.run()
    app.switch_page("app_pages/gather.py").run()
    assert by_label(app.selectbox, "Server").options == ["prod (https://prom.example.com)",
                                                         "staging (https://prom-staging.example.com)"]
    by_label(app.radio, "Source").set_value("PagerDuty").run()
    assert by_label(app.selectbox, "Server").options == ["pd (https://api.pagerduty.com)"]
    on_screen = " ".join([*shown(app), *(m.value for m in app.markdown), *(c.value for c in app.caption),
                          *(o for box in app.selectbox for o in box.options)])
    assert "pw@" not in on_screen and not [c for c in CANARIES if c in on_screen]


# --- credentials in an address are used, never kept -------------------------------------------------------


def test_credentials_and_query_of_an_address_never_reach_the_import_record_audit_or_export(app_db, monkeypatch,
                                                                                           httpserver):
    configure(monkeypatch, "https://unused.example.com", url_imports=True, private_hosts="localhost")
    seen: list[str] = []

    def log(request: Request) -> Response:
        seen.append(request.headers.get("Authorization", ""))
        return Response("2026-03-14T14:05:00Z ERROR pool exhausted\n" * 3, content_type="text/plain")

    httpserver.expect_request("/app.log").respond_with_handler(log)
    pm = app_db.add(complete_postmortem(imports=()), actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    by_label(app.text_input, "…or a file in the server's import folder").input(
        f"http://alice:s3cret-pw@localhost:{httpserver.port}/app.log?X-Signature=s1gn4ture").run()
    by_label(app.button, "Import").click().run()
    assert not app.exception
    stored = app_db.get(pm.id)
    assert [i.origin for i in stored.imports] == ["app.log"]
    assert seen == ["Basic " + base64.b64encode(b"alice:s3cret-pw").decode()]  # used for the download itself
    kept = document.dumps(stored) + repr(app_db.audit(pm.id)) + " ".join(shown(app))
    assert "s3cret-pw" not in kept and "s1gn4ture" not in kept

    # a configured server whose address carries credentials: the import record names it without them
    monkeypatch.setenv("PROMETHEUS_URL", f"http://bob:pr0m-pw@localhost:{httpserver.port}")
    httpserver.expect_request("/api/v1/query_range").respond_with_json(
        {"status": "success", "data": {"resultType": "matrix", "result": [
            {"metric": {"__name__": "up"}, "values": [[stored.start.timestamp() + 60, "1"]]}]}})
    app = open_app(pm.id, "gather")
    by_label(app.radio, "Source").set_value("Prometheus metrics").run()
    by_label(app.button, "Import metrics").click().run()
    assert not app.exception
    stored = app_db.get(pm.id)
    assert f"http://localhost:{httpserver.port}" in [i.origin for i in stored.imports]
    kept = document.dumps(stored) + repr(app_db.audit(pm.id)) + " ".join(shown(app))
    assert "pr0m-pw" not in kept


# --- who may publish and manage share links ------------------------------------------------------------

AUTH = {"client_id": "wizard", "client_secret": "x", "redirect_uri": "http://x/oauth2callback", "cookie_secret": "y",
        "server_metadata_url": "http://x/.well-known/openid-configuration"}


def report_page(pm_id: str, *, user: dict | None, editors: list[str] | None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    if user is not None:
        app.user = user
        app.secrets["auth"] = AUTH
    if editors is not None:
        app.secrets["EDITORS"] = editors
    app.query_params["pm"] = pm_id
    app.run()
    app.switch_page("app_pages/report.py").run()
    assert not app.exception, app.exception
    return app


def publishable(app_db):
    return app_db.add(dataclasses.replace(complete_postmortem(), reviewers=("@lee",), reviewed_at=NOW.date()),
                      actor="t", now=NOW)


def test_only_the_named_editors_may_publish_and_manage_share_links(app_db):
    pm = publishable(app_db)
    bob = {"is_logged_in": True, "name": "Bob", "email": "bob@example.com"}
    app = report_page(pm.id, user=bob, editors=["maria@example.com"])
    for label in ("Publish the report", "Create share link"):
        assert by_label(app.button, label).disabled, label
    assert any("Only the editors named by the operator may publish" in c.value for c in app.caption)
    maria = {"is_logged_in": True, "name": "Maria", "email": "Maria@Example.com"}
    app = report_page(pm.id, user=maria, editors=["maria@example.com"])
    by_label(app.button, "Create share link").click().run()
    [link] = app_db.share_links(pm.id)
    by_label(app.button, "Revoke this link").click().run()
    by_label(app.button, "Publish the report").click().run()
    assert not app.exception and app_db.get(pm.id).published_at is not None
    trail = [(e.actor, e.summary) for e in app_db.audit(pm.id)]
    assert trail[:3] == [("Maria", "published the report"), ("Maria", f"revoked share link {link.id[:8]}"),
                         ("Maria", f"created share link {link.id[:8]}")]


def test_editors_without_sign_in_turn_publishing_off_rather_than_trust_a_typed_name(app_db):
    pm = publishable(app_db)
    app = report_page(pm.id, user=None, editors=["maria@example.com"])
    assert by_label(app.button, "Publish the report").disabled
    assert any("sign-in is not configured" in c.value for c in app.caption)
    with pytest.raises(PermissionDeniedError, match="sign-in is not configured"):
        postmortem_service.publish(pm, render_pdf=lambda _pm: b"%PDF-", actor="x", now=NOW, repo=app_db,
                                   refusal="sign-in is not configured")
    assert app_db.get(pm.id).published_at is None


def test_without_editors_everyone_may_publish_and_share_as_before(app_db):
    pm = publishable(app_db)
    app = report_page(pm.id, user=None, editors=None)
    assert not by_label(app.button, "Publish the report").disabled
    by_label(app.button, "Create share link").click().run()
    assert len(app_db.share_links(pm.id)) == 1 and app_db.audit(pm.id)[0].summary.startswith("created share link")
