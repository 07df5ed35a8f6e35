"""Security proofs: share links, the read-only view, user text shown literally, secrets kept out, uploads.

Each test names the threat it closes. The app runs in AppTest against a SQLite file; the trackers and
telemetry servers are pytest-httpserver fakes.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import html
import io
import itertools
import json
import os
import re
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import event
from streamlit.testing.v1 import AppTest

from core import drafts
from core.connectors import files
from core.errors import InvalidInputError
from core.export import document, markdown, pdf
from core.ingest import structured
from core.models import (
    ContributingFactor,
    DataGap,
    FactorCategory,
    Report,
    SourceKind,
    SystemicIssue,
    WhyChain,
)
from core.steps import Step
from tests.apptest import APP, by_label, errors, open_app
from tests.factories import NOW, complete_postmortem
from ui import views

ROOT = Path(__file__).resolve().parent.parent
VIEW = str(ROOT / "app_pages" / "view.py")
INVALID = "This link is no longer valid"

# --- share links: unguessable, constant-time, revocable -------------------------------------------


def two_postmortems(repo):
    mine = repo.add(complete_postmortem(), actor="t", now=NOW)
    other = repo.add(complete_postmortem(id="PM-2026-02-01", title="Search outage in eu-west",
                                         services=("search",), report=Report(summary="Index shard lost.")),
                     actor="t", now=NOW)
    return mine, other


def leak_markers(*pms) -> list[str]:
    """Return strings that only a post-mortem's content would put on the page."""
    return [m for pm in pms for m in (pm.id, pm.title, *pm.services, pm.report.summary[:40], pm.events[0].event)]


def stored_state(repo, *pms) -> list[object]:
    """Return everything a write would change: versions, documents, audit trails, share links."""
    return [(repo.version_of(pm.id), document.dumps(repo.get(pm.id)), repo.audit(pm.id), repo.share_links(pm.id))
            for pm in pms]


def render_view(params: dict[str, str]) -> AppTest:
    app = AppTest.from_file(VIEW, default_timeout=30)
    app.query_params.update(params)
    app.run()
    assert not app.exception, app.exception
    return app


def nodes(block) -> Iterator:
    for child in block.children.values():
        yield child
        if hasattr(child, "children"):
            yield from nodes(child)


def strings(message) -> Iterator[str]:
    """Yield every text field of a protobuf message, nested ones included."""
    for _, value in message.ListFields():
        for item in value if hasattr(value, "__len__") and not isinstance(value, str | bytes) else [value]:
            if isinstance(item, str):
                yield item
            elif hasattr(item, "ListFields"):
                yield from strings(item)


def shown(app: AppTest) -> str:
    """Return every text the page sent to the browser: bodies, labels, values, chart data."""
    return "\n".join(s for node in nodes(app._tree) if getattr(node, "proto", None) is not None
                     for s in strings(node.proto))


def test_share_tokens_have_256_random_bits_and_never_repeat(app_db, monkeypatch):
    asked: list[int] = []
    real = secrets.token_urlsafe
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: asked.append(n) or real(n))
    pm = app_db.add(complete_postmortem(), actor="t", now=NOW)
    tokens = [app_db.create_share_link(pm.id, actor="t", now=NOW).token for _ in range(300)]
    assert asked == [32] * 300  # 32 bytes = 256 bits from the OS's CSPRNG
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)
    assert len(set(tokens)) == 300 and len({t[:8] for t in tokens}) == 300  # not even a common prefix


def test_a_token_is_looked_up_by_its_sha256_never_compared_as_typed(app_db):
    mine, other = two_postmortems(app_db)
    first, foreign, revoked = (app_db.create_share_link(pm.id, actor="t", now=NOW) for pm in (mine, other, mine))
    app_db.revoke_share_link(revoked.id, actor="t", now=NOW)
    sent: list[str] = []

    def remember(_conn, _cursor, _statement, parameters, _context, _many):
        sent.append(repr(parameters))

    event.listen(app_db._engine, "before_cursor_execute", remember)
    probes = {first.token: first, foreign.token: foreign, revoked.token: None, first.token[:-1] + "~": None,
              secrets.token_urlsafe(32): None, "": None, "é" * 43: None, "\x00" * 43: None, "\ud800": None,
              hashlib.sha256(first.token.encode()).hexdigest(): None, first.id: None}
    try:
        for probe, expected in probes.items():
            sent.clear()
            assert app_db.resolve_share_link(probe) == expected
            # one query with the hash, never the token: the time to answer depends on nothing a guess controls
            assert len(sent) == 1 and hashlib.sha256(probe.encode("utf-8", "surrogatepass")).hexdigest() in sent[0]
            assert not probe or repr(probe)[1:-1] not in sent[0]
    finally:
        event.remove(app_db._engine, "before_cursor_execute", remember)


def test_a_wrong_revoked_missing_or_foreign_token_shows_nothing_but_that_the_link_is_invalid(app_db):
    mine, other = two_postmortems(app_db)
    valid = app_db.create_share_link(mine.id, actor="t", now=NOW)
    foreign = app_db.create_share_link(other.id, actor="t", now=NOW)
    revoked = app_db.create_share_link(mine.id, actor="t", now=NOW)
    app_db.revoke_share_link(revoked.id, actor="t", now=NOW)
    before = stored_state(app_db, mine, other)
    pms = {"own pm": mine.id, "other pm": other.id, "unknown pm": "PM-1999-01-01", "no pm": None}
    tokens = {"valid": valid.token, "foreign": foreign.token, "revoked": revoked.token, "empty": "",
              "guessed": secrets.token_urlsafe(32), "one character off": valid.token[:-1] + "~", "no token": None}
    extras = {"": {}, "with edit params": {"edit": "1", "title": "Hacked", "step": "report", "publish": "true"}}
    for (pm_name, pm_id), (token_name, token), (extra_name, extra) in itertools.product(
            pms.items(), tokens.items(), extras.items()):
        params = {k: v for k, v in (("pm", pm_id), ("token", token)) if v is not None} | extra
        app = render_view(params)
        if (pm_name, token_name) in {("own pm", "valid"), ("other pm", "foreign")}:  # each pm's own link
            shared = mine if token_name == "valid" else other
            assert any(shared.title in m.value for m in app.markdown) and not app.error, extra_name
            continue
        where = f"{pm_name}, {token_name} token {extra_name}"
        assert [e.value for e in app.error] == [f"{INVALID}. Ask the post-mortem's facilitator for a new one."], where
        page = shown(app)
        assert not [m for m in leak_markers(mine, other) if m in page], where
    assert stored_state(app_db, mine, other) == before  # the view never writes, whatever the URL says


def test_a_view_link_shows_no_editing_widget_and_stops_working_once_revoked(app_db):
    mine, other = two_postmortems(app_db)
    link = app_db.create_share_link(mine.id, actor="t", now=NOW)
    before = stored_state(app_db, mine, other)
    app = render_view({"pm": mine.id, "token": link.token})
    types = {node.type for node in nodes(app._tree) if not hasattr(node, "children")}
    assert types <= {"caption", "markdown", "html", "vega_lite_chart", "download_button"}, types
    assert [b.label for b in app.get("download_button")] == ["Download the PDF"]
    assert any("## Timeline" in m.value for m in app.markdown)
    assert stored_state(app_db, mine, other) == before
    app_db.revoke_share_link(link.id, actor="t", now=NOW)
    app.run()
    assert INVALID in errors(app) and not [m for m in leak_markers(mine) if m in shown(app)]


def test_a_share_token_gives_a_stranger_no_step_page(app_db):
    mine, other = two_postmortems(app_db)
    link = app_db.create_share_link(mine.id, actor="t", now=NOW)
    before = stored_state(app_db, mine, other)
    app = AppTest.from_file(APP, default_timeout=30)
    app.query_params["token"] = link.token
    app.run()
    for step in Step:
        app.switch_page(f"app_pages/{step.value}.py").run()
        assert not app.exception, app.exception
        assert "No post-mortem is open" in app.info[0].value
        assert not [m for m in leak_markers(mine) if m in shown(app)], step
    assert stored_state(app_db, mine, other) == before


def test_with_sign_in_configured_a_share_token_still_opens_no_step_page(app_db):
    mine, _ = two_postmortems(app_db)
    link = app_db.create_share_link(mine.id, actor="t", now=NOW)
    app = AppTest.from_file(APP, default_timeout=30)
    app.user = {"is_logged_in": False}
    app.secrets["auth"] = {"client_id": "wizard", "client_secret": "x", "redirect_uri": "http://x/oauth2callback",
                           "cookie_secret": "y", "server_metadata_url": "http://x/.well-known/openid-configuration"}
    app.query_params.update({"pm": mine.id, "token": link.token})
    app.run()
    for step in Step:
        app.switch_page(f"app_pages/{step.value}.py").run()
        assert [b.label for b in app.button] == ["Sign in"], step
        assert not [m for m in leak_markers(mine) if m in shown(app)], step
    app.switch_page("app_pages/view.py").run()  # the link itself needs no sign-in
    assert any(mine.title in m.value for m in app.markdown)


# --- user text is shown literally: Markdown export, app, PDF --------------------------------------

INJECTION = ("**bold** [click](javascript:alert(1)) <img src=x onerror=alert(1)> <script>alert(1)</script> "
             "| pipes | $x$ ~~s~~ `c` &amp;")
RAW = ("**bold**", "[click](", "<img", "<script", "$x$", "~~s~~", "`c`")
"""What the injection would look like had it been passed through: none may reach a Markdown renderer."""
TICKET = "https://tracker.example.com/browse/OPS-1?a=(1)&b=|x|"


def slack_export(text: str) -> bytes:
    """Return a Slack export zip with one message of ``text`` from a user with an injected name."""
    slack_text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # as Slack stores it
    users = [{"id": "U1", "name": "mallory", "real_name": f"Mallory {INJECTION}"}]
    sent = NOW.replace(day=14, hour=14)  # inside the incident window
    day = [{"type": "message", "user": "U1", "text": slack_text, "ts": f"{sent.timestamp():.6f}"}]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("users.json", json.dumps(users))
        archive.writestr("channels.json", json.dumps([{"id": "C1", "name": "inc-checkout"}]))
        archive.writestr("inc-checkout/2026-03-14.json", json.dumps(day))
    return buffer.getvalue()


def injected_postmortem():
    """Return a complete post-mortem with the injection in every field a person or an import writes."""
    pm = complete_postmortem()
    slack = structured.import_file(slack_export(f"Slack says {INJECTION}"), origin=f"slack {INJECTION}.zip",
                                   window=pm.window, now=NOW)
    assert slack.events and INJECTION in slack.events[0].event and INJECTION in slack.events[0].actor
    events = (*(dataclasses.replace(e, event=f"{e.event} {INJECTION}", source=f"{e.source} {INJECTION}")
                for e in pm.events), *slack.events)
    block = f"{INJECTION}\n## Timeline\n- a list item {INJECTION}\n1. first\n---\n# not a heading {INJECTION}"
    actions = (
        dataclasses.replace(pm.actions[0], action=f"Add the pool alert {INJECTION}", owner=f"@dan {INJECTION}",
                            ticket_url=TICKET),
        *(dataclasses.replace(a, action=f"Undo what the operator forgot {INJECTION}", ticket_url="javascript:alert(1)")
          for a in pm.actions[1:]),  # blaming wording: the actions step quotes it back in a warning
    )
    return dataclasses.replace(
        pm,
        title=f"Checkout {INJECTION}",
        services=(f"checkout {INJECTION}", "payments"),
        immediate_cause=block,
        events=tuple(sorted(events, key=lambda e: e.time)),
        factors=tuple(dataclasses.replace(f, text=f"{f.text} {INJECTION}") for f in pm.factors)
        + (ContributingFactor("F9", FactorCategory.OTHER, f"Accepted {INJECTION}", accepted_risk=True,
                              accepted_reason=f"cost {INJECTION}"),),
        why_chains=tuple(WhyChain(f"{c.question} {INJECTION}", tuple(f"{a} {INJECTION}" for a in c.answers),
                                  f"stop {INJECTION}", c.factor_id) for c in pm.why_chains),
        systemic_issues=(SystemicIssue(f"- {INJECTION}"), *pm.systemic_issues),
        actions=actions,
        report=dataclasses.replace(Report(**{f.name: block for f in dataclasses.fields(Report)}),
                                   lessons=f"The operator forgot {INJECTION}"),  # quoted by the language check
        reviewers=(f"@rita {INJECTION}",),
        gaps=(*pm.gaps, DataGap(SourceKind.CHAT, f"export lost {INJECTION}")),
        imports=(*pm.imports, slack.source),
    )


def unescaped(text: str, char: str) -> int:
    """Return how many ``char`` in Markdown ``text`` are not backslash-escaped."""
    return len(re.findall(rf"(?<!\\)(?:\\\\)*{re.escape(char)}", text))


def test_the_markdown_export_shows_user_text_literally():
    pm = injected_postmortem()
    report = markdown.render(pm, now=NOW)
    assert not [raw for raw in RAW if raw in report]
    assert "&lt;script&gt;" in report and "&amp;amp;" in report and "\\*\\*bold\\*\\*" in report
    assert report.startswith(f"# Post-Mortem: Checkout {markdown.escape(INJECTION)} (2026-03-14)\n")
    assert f"**Services:** checkout {markdown.escape(INJECTION)}, payments  \n" in report
    # the user's "## Timeline" and "# not a heading" stay text; only the report's own headings are headings
    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert len([h for h in headings if h.startswith("## Timeline")]) == 1
    assert not [h for h in headings if "not a heading" in h]
    assert [h for h in headings if "bold" in h] == [headings[0], *(h for h in headings if h.startswith("### Five"))]
    assert "\n\\---\n" in report and "\n- a list item \\*\\*bold" in report  # a rule escaped, a list kept
    lines = report.splitlines()
    timeline = lines[lines.index("| Time | Event | Source | Actor |") + 2:]
    timeline = timeline[:timeline.index("")]
    assert len(timeline) == len(pm.events) and all(unescaped(row, "|") == 5 for row in timeline)
    actions = lines[lines.index("| ID | Action | Owner | Deadline | Priority | Ticket |") + 2:]
    actions = actions[:actions.index("")]
    assert len(actions) == len(pm.actions) and all(unescaped(row, "|") == 7 for row in actions)
    # the web ticket is the only link, its destination unable to break the link or the table
    assert re.findall(r"(?<!\\)\]\(([^)]*)\)", report) == ["https://tracker.example.com/browse/OPS-1?a=%281%29&b=%7Cx%7C"]
    assert "javascript:alert(1) |" in report  # the other tickets shown as text
    assert "- \\- \\*\\*bold" in report  # a systemic issue starting "- " is no nested list
    runbook = drafts.runbook(pm, pm.factors[0], today=NOW.date())  # the other Markdown the wizard writes
    assert not [raw for raw in RAW if raw in runbook] and f"Checkout {markdown.escape(INJECTION)} Runbook" in runbook


@given(st.text(alphabet=st.sampled_from("ab _*[]()<>&|\\`~$#-+=!.1\n"), max_size=40))
def test_escaped_text_has_no_live_markdown_and_reads_back_as_typed(text):
    escaped = markdown.escape_lines(text)
    assert "<" not in escaped and ">" not in escaped
    for char in "*[]|`~$":
        assert unescaped(escaped, char) == 0, char
    assert not re.search(r"(?<![^\W_])(?<!\\)_|(?<!\\)_(?![^\W_])", escaped)  # "_" only between letters
    assert not re.search(r"^ {0,3}(?:[#+=-]|\d+[.)])", escaped, re.MULTILINE)
    assert html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped)) == text


def test_the_pdf_shows_user_text_literally_and_links_only_the_web_ticket():
    pm = injected_postmortem()
    reader = PdfReader(io.BytesIO(pdf.render(pm, now=NOW)))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for piece in ("**bold**", "[click](javascript:alert(1))", "<imgsrc=xonerror=alert(1)>",
                  "<script>alert(1)</script>", "|pipes|", "$x$", "~~s~~", "`c`", "&amp;"):
        assert piece in text, piece
    uris = [annot.get_object()["/A"]["/URI"] for page in reader.pages for annot in page.get("/Annots") or []
            if "/A" in annot.get_object()]
    assert uris and set(uris) == {TICKET}  # fpdf2 links each line of a wrapped cell


def rendered_markdown(app: AppTest) -> list[str]:
    """Return every string the browser renders as Markdown: bodies, captions, alerts and labels."""
    found = []
    for node in nodes(app._tree):
        proto = getattr(node, "proto", None)
        if node.type in ("markdown", "caption", "error", "warning", "info", "success", "toast"):
            found.append(node.value)
        elif proto is not None and hasattr(proto, "expandable"):
            found.append(proto.expandable.label)
        elif proto is not None and isinstance(getattr(proto, "label", None), str):
            found.append(proto.label)
        elif node.type == "progress":
            found.append(proto.text)
    return found


def test_the_app_shows_user_text_literally_on_every_page(app_db):
    pm = app_db.add(injected_postmortem(), actor="t", now=NOW)
    link = app_db.create_share_link(pm.id, actor="t", now=NOW)
    pages = ["home", *(s.value for s in Step), "insights"]
    app = open_app(pm.id)
    for page in pages:
        if page != "home":
            app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, (page, app.exception)
        texts = rendered_markdown(app)
        assert not [(raw, t) for t in texts for raw in RAW if raw in t], page
        if page in {s.value for s in Step}:
            assert f"{views.md(pm.title)} · status" in "\n".join(texts), page
        if page in ("actions", "report"):  # the language checks quote the text they flag
            assert any("operator forgot" in t and "\\*\\*bold" in t for t in texts), page
    view = render_view({"pm": pm.id, "token": link.token})
    texts = rendered_markdown(view)
    assert not [(raw, t) for t in texts for raw in RAW if raw in t]
    assert any("## Timeline" in t for t in texts)
    assert any(f"Slack says {views.on_screen(markdown.escape(INJECTION))}" in t for t in texts)


def test_no_user_text_reaches_raw_html():
    """st.html and unsafe_allow_html render HTML: only constant strings of ours may go there."""
    offenders = []
    for path in [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if any(k.arg == "unsafe_allow_html" for k in node.keywords):
                offenders.append(f"{path.name}:{node.lineno} unsafe_allow_html")
            if isinstance(node.func, ast.Attribute) and node.func.attr == "html" and not all(
                    isinstance(a, ast.Constant) for a in node.args):
                offenders.append(f"{path.name}:{node.lineno} st.html with a computed argument")
    assert offenders == []


# --- uploads and server files stay where they belong ----------------------------------------------

LOG = b"2026-03-14T14:05:00Z ERROR pool exhausted\n2026-03-14T14:06:00Z ERROR pool exhausted\n"


def files_under(*folders: Path) -> set[Path]:
    """Return every file and folder under ``folders``, the virtualenv, git and byte-code caches left out."""
    found = set()
    for folder in folders:
        for where, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if d not in {".venv", ".git", "__pycache__", ".hypothesis"}]
            found |= {Path(where, name) for name in [*dirs, *names]}
    return found


@pytest.mark.parametrize("name", ["../../evil.txt", "/etc/passwd", "..\\..\\evil.txt", "imports/../../../evil.txt"])
def test_an_uploaded_file_name_is_a_label_never_a_path(app_db, monkeypatch, tmp_path, name):
    imports = tmp_path / "imports"
    imports.mkdir()
    monkeypatch.setenv("IMPORT_DIR", str(imports))
    pm = app_db.add(complete_postmortem(imports=()), actor="t", now=NOW)
    app = open_app(pm.id, "gather")
    passwd = Path("/etc/passwd")
    passwd_before = passwd.read_bytes() if passwd.exists() else None
    before = files_under(ROOT, tmp_path)
    app.file_uploader[0].set_value((name, LOG, "text/plain"))
    by_label(app.button, "Import").click().run()
    assert not app.exception, app.exception
    assert [i.origin for i in app_db.get(pm.id).imports] == [name]  # kept as the label it was given
    assert any(views.md(name) in m.value for m in app.markdown)
    created = {p for p in files_under(ROOT, tmp_path) - before if not p.name.startswith("app.db")}
    assert created == set()
    assert not [p for p in (Path("/evil.txt"), ROOT.parent / "evil.txt", tmp_path.parent / "evil.txt") if p.exists()]
    assert (passwd.read_bytes() if passwd.exists() else None) == passwd_before


def test_a_server_file_must_be_inside_the_import_folder(tmp_path):
    imports, outside = tmp_path / "imports", tmp_path / "outside"
    (imports / "nested").mkdir(parents=True)
    outside.mkdir()
    (imports / "ok.log").write_bytes(LOG)
    (imports / "nested" / "deep.log").write_bytes(LOG)
    (outside / "secret.log").write_bytes(b"secret")
    (imports / "inside-link.log").symlink_to(imports / "ok.log")
    (imports / "outside-link.log").symlink_to(outside / "secret.log")
    (imports / "outside-dir").symlink_to(outside, target_is_directory=True)
    folder = str(imports)
    assert files.server_file("ok.log", import_dir=folder) == (imports / "ok.log").resolve()
    assert files.server_file("nested/deep.log", import_dir=folder).read_bytes() == LOG
    assert files.server_file("inside-link.log", import_dir=folder) == (imports / "ok.log").resolve()
    for escape in ("../outside/secret.log", "nested/../../outside/secret.log", str(outside / "secret.log"),
                   "/etc/passwd", "outside-link.log", "outside-dir/secret.log", "..", "/"):
        with pytest.raises(InvalidInputError, match="outside the import folder"):
            files.server_file(escape, import_dir=folder)
    for odd in ("missing.log", "nested", "a\x00b", "x" * 5000):
        with pytest.raises(InvalidInputError):
            files.server_file(odd, import_dir=folder)
