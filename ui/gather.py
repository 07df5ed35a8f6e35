"""The forms of the gather step: files, server sources, candidate events and data gaps."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import tzinfo
from typing import BinaryIO, NoReturn
from zoneinfo import ZoneInfo, available_timezones

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core import gathering, postmortem_service, sources
from core.connectors import egress, files, prometheus
from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.models import PostMortem, SourceKind
from core.settings import ConnectionKind
from core.steps import Step
from ui import deps, state, tables, views, widgets

STEP = Step.GATHER
ZONES = ["UTC", *sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "posix/")))]
FORMAT_LABELS = {"auto": "Detect automatically", "nginx": "nginx/Apache access log", "kubectl": "kubectl logs",
                 "jsonl": "JSON lines", "syslog": "syslog", "plain": "plain timestamped lines",
                 "prometheus": "Prometheus query_range JSON", "prometheus-alerts": "Prometheus ALERTS history JSON",
                 "alertmanager": "Alertmanager / amtool alerts JSON", "pagerduty": "PagerDuty log entries JSON",
                 "slack": "Slack export (zip)"}


def run_import(pm: PostMortem, label: str, read: Callable[[], ImportResult]) -> NoReturn:
    """Run one import with a progress indicator, save it, say in plain words what it brought, and redraw."""
    with widgets.reporting_errors(), st.status(f"Importing {views.md(label)}…", expanded=False) as status:
        result = read()
        pm = gathering.apply_import(pm, result, actor=state.actor(), now=deps.now(), repo=deps.repository())
        state.save(pm)
        status.update(label=f"Imported {views.md(label)}", state="complete")
    state.set_notice(describe(result))
    st.rerun()


def describe(result: ImportResult) -> str:
    """Return one sentence about an import: what was read, kept, skipped and rejected."""
    s = result.source
    parts = [f"{s.origin}: {s.records_read:,} records read"]
    if result.candidates:
        parts.append(f"{len(result.candidates)} candidate event{'s' if len(result.candidates) != 1 else ''}")
    if result.events:
        parts.append(f"{len(result.events)} timeline event{'s' if len(result.events) != 1 else ''}")
    if result.series:
        parts.append(f"{len(result.series)} metric series")
    if result.alerts:
        parts.append(f"{len(result.alerts)} alert intervals")
    if result.skipped_outside_window:
        parts.append(f"{result.skipped_outside_window:,} outside the incident window skipped")
    if s.records_rejected:
        parts.append(f"{s.records_rejected} rejected (first: {s.rejected_reasons[0] if s.rejected_reasons else '?'})")
    return ", ".join(parts) + "."


def file_form(pm: PostMortem, readonly: bool) -> None:
    """Upload a file, or name one on the server or at a URL; ask for the time zone when the file has none."""
    key = state.widget_key
    with st.container(border=True):
        st.markdown("**Add a file** — logs, Prometheus/Alertmanager JSON, PagerDuty JSON, a Slack export zip")
        fmt = st.selectbox("Format", list(FORMAT_LABELS), format_func=FORMAT_LABELS.__getitem__, disabled=readonly,
                           key=key(STEP, "format"))
        zone_name = st.selectbox("Time zone of times written without one", ["(ask me)", *ZONES], disabled=readonly,
                                 key=key(STEP, "zone"), help="Times are never guessed: without a zone in the file "
                                 "and here, the import stops and asks.")
        zone: tzinfo | None = None if zone_name == "(ask me)" else ZoneInfo(zone_name)
        upload = st.file_uploader("Upload a file", disabled=readonly, key=key(STEP, f"upload-v{pm.version}"))
        urls = deps.settings().allow_url_imports
        where = st.text_input("…or a file in the server's import folder" + (", or an https:// URL" if urls else ""),
                              disabled=readonly, key=key(STEP, "where"),
                              placeholder="nginx-2026-03-14.log.gz" + (" or https://…" if urls else ""))
        if st.button("Import", type="primary", disabled=readonly, key=key(STEP, "import")):
            _import_chosen(pm, upload, where, fmt, zone)


def _import_chosen(pm: PostMortem, upload: UploadedFile | None, where: str, fmt: str, zone: tzinfo | None) -> None:
    where = where.strip()
    if upload is None and not where:
        st.warning("Choose a file to upload, or give a file name or URL.")
        return
    shown = egress.redact(where) if where.startswith(("http://", "https://")) else where
    name = upload.name if upload is not None else (shown.rstrip("/").rsplit("/", 1)[-1] or shown)
    size = upload.size if upload is not None else 0
    bar = st.progress(0.0, text=f"Reading {views.md(name)}…")

    def report(done: int) -> None:
        if size:
            bar.progress(min(done / size, 1.0), text=f"Reading {views.md(name)}… {done / 1e6:,.0f} MB")

    def read() -> ImportResult:
        with _open(upload, where) as stream:
            return gathering.read_file(stream, name=name, pm=pm, now=deps.now(), fmt=fmt, assume_tz=zone,
                                       progress=report)

    run_import(pm, name, read)


def _open(upload: UploadedFile | None, where: str) -> BinaryIO:
    if upload is not None:
        return upload
    if where.startswith(("http://", "https://")):
        if not deps.settings().allow_url_imports:
            raise InvalidInputError("Importing from a URL is turned off on this server: download the file and upload "
                                    "it, or ask the operator to put it in the import folder.")
        return files.download(deps.adhoc_session(), where)
    return files.server_file(where, import_dir=deps.settings().import_dir).open("rb")


ANOTHER = "\x00another"
SOURCES = {"Prometheus metrics": (ConnectionKind.PROMETHEUS, sources.Server.PROMETHEUS),
           "Alert history (Prometheus)": (ConnectionKind.PROMETHEUS, sources.Server.ALERT_HISTORY),
           "Alertmanager": (ConnectionKind.ALERTMANAGER, sources.Server.ALERTMANAGER),
           "PagerDuty": (ConnectionKind.PAGERDUTY, sources.Server.PAGERDUTY),
           "Slack": (ConnectionKind.SLACK, sources.Server.SLACK),
           "Loki logs": (ConnectionKind.LOKI, sources.Server.LOKI)}
BUTTONS = {sources.Server.PROMETHEUS: ("Import metrics", "go-prom"),
           sources.Server.ALERT_HISTORY: ("Import alert history", "go-alerts"),
           sources.Server.ALERTMANAGER: ("Import current alerts", "go-am"),
           sources.Server.PAGERDUTY: ("Import the incident log", "go-pd"),
           sources.Server.SLACK: ("Import the channel", "go-slack"),
           sources.Server.LOKI: ("Import logs", "go-loki")}


def server_form(pm: PostMortem, readonly: bool) -> None:
    """Import from the operator's configured servers (Prometheus, Alertmanager, PagerDuty, Slack, Loki)."""
    key = state.widget_key
    settings = deps.settings()
    source = st.radio("Source", list(SOURCES), horizontal=True, disabled=readonly, key=key(STEP, "server"))
    kind, server = SOURCES[source]
    servers = {c.name: c for c in settings.connections_of(kind)}
    options = list(servers) + ([ANOTHER] if settings.allow_url_imports and not kind.needs_token else [])
    if not options:
        st.info(f"No {kind.label} server is configured. Ask whoever runs the wizard to add one (README, "
                "“Connections”), or export the data and upload it on the Files tab.")
        return
    chosen = st.selectbox("Server", options, disabled=readonly, key=key(STEP, f"connection-{source}"),
                          format_func=lambda n: "Another address…" if n == ANOTHER else servers[n].label,
                          help="Servers are configured by the operator; tokens are only sent to their own server.")
    query = _query_input(pm, server, readonly)
    if chosen == ANOTHER:
        url = st.text_input("Server address (public addresses only)", disabled=readonly,
                            key=key(STEP, f"url-{source}"), placeholder="https://prometheus.example.com")
    label, button = BUTTONS[server]
    if st.button(label, disabled=readonly, key=key(STEP, button)):
        if chosen == ANOTHER:
            request, session, token = sources.SourceRequest(server, url, query), deps.adhoc_session(), ""
        else:
            connection = servers[chosen]
            request = sources.SourceRequest(server, connection.url, query)
            session, token = deps.session_for(connection), connection.token
        run_import(pm, source, lambda: sources.read(pm, request, session=session, token=token, now=deps.now()))


def _query_input(pm: PostMortem, server: sources.Server, readonly: bool) -> str:
    key = state.widget_key
    if server is sources.Server.PROMETHEUS:
        templates = {t.name: t for t in prometheus.QUERY_TEMPLATES}
        template = st.selectbox("Start from", list(templates), key=key(STEP, "template"), disabled=readonly)
        service = pm.services[0] if pm.services else "service"
        return st.text_area("PromQL query", value=templates[template].render(service), disabled=readonly,
                            key=key(STEP, f"query-{template}"))
    if server is sources.Server.ALERTMANAGER:
        st.caption("Alertmanager only holds current alerts; for the history use “Alert history (Prometheus)”.")
    if server is sources.Server.PAGERDUTY:
        return st.text_input("PagerDuty incident id", disabled=readonly, key=key(STEP, "pd-id"))
    if server is sources.Server.SLACK:
        return st.text_input("Slack channel id", disabled=readonly, key=key(STEP, "slack-id"))
    if server is sources.Server.LOKI:
        return st.text_input("LogQL query", disabled=readonly, key=key(STEP, "logql"), placeholder='{app="checkout"}')
    return ""


def commands(pm: PostMortem) -> None:
    """Show copy-paste export commands that really work for the incident window."""
    start = pm.start.strftime("%Y-%m-%dT%H:%M:%SZ")
    st.markdown("`kubectl logs` has no end time: export from the start and the import keeps only the window.")
    # quoted: a service name is user text, and these lines get pasted into a shell
    deployment = shlex.quote(f"deployment/{pm.services[0] if pm.services else 'my-service'}")
    st.code(f"kubectl logs {deployment} --all-containers "
            f"--timestamps --since-time={start} > app.log", language="bash")
    st.markdown("`amtool` shows only current alerts. For the history, save Prometheus's `ALERTS` series:")
    st.code("curl -G http://prometheus:9090/api/v1/query_range "
            f"--data-urlencode 'query=ALERTS{{alertstate=\"firing\"}}' --data-urlencode start={start} "
            f"--data-urlencode end={pm.end:%Y-%m-%dT%H:%M:%SZ} "
            "--data-urlencode step=15s > alerts-history.json", language="bash")
    st.code("amtool --alertmanager.url=http://alertmanager:9093 alert query -o json > alerts.json", language="bash")


def source_status(pm: PostMortem, kind: SourceKind, readonly: bool) -> None:
    """Show what was imported for one kind of source, its coverage, rejects and data gaps."""
    imports = [i for i in pm.imports if i.kind is kind]
    gaps = [(n, g) for n, g in enumerate(pm.gaps) if g.source is kind]
    label = f"{kind.value.capitalize()}{' (required)' if kind.required else ''}"
    with st.container(border=True):
        done = bool(imports) or any(not g.automatic for _, g in gaps)
        st.markdown(f"{':green[:material/check_circle:]' if done else ':material/radio_button_unchecked:'} **{label}**")
        for i in imports:
            covered = f", covers {i.covered.start:%H:%M}–{i.covered.end:%H:%M} UTC" if i.covered else ""
            rejected = f", **{i.records_rejected} rejected**" if i.records_rejected else ""
            st.markdown(f":material/description: {views.md(i.origin)} — {i.records_read:,} records{covered}{rejected}")
            if i.rejected_reasons:
                with st.expander("Why records were rejected"):
                    for reason in i.rejected_reasons:
                        st.text(reason)
        for n, g in gaps:
            left, right = st.columns([6, 1])
            badge = ":orange-badge[data gap, found automatically]" if g.automatic else ":orange-badge[data gap]"
            left.markdown(f"{badge} {views.md(g.reason)}")
            if not g.automatic and right.button("Remove", key=state.widget_key(STEP, f"remove-gap-{n}"),
                                                disabled=readonly):
                with widgets.reporting_errors():
                    state.save(postmortem_service.remove_gap(pm, n, actor=state.actor(), now=deps.now(),
                                                             repo=deps.repository()))
                st.rerun()
        if not imports and not gaps:
            st.caption("Nothing yet.")


def candidates(pm: PostMortem, readonly: bool) -> None:
    """List the open candidate events; the ticked ones can be promoted to the timeline or dismissed."""
    proposed = gathering.open_candidates(pm)
    if not proposed:
        st.caption("No open candidates. Importing logs proposes the first errors, bursts and deploys here.")
        return
    st.caption("Each row is the first occurrence of an error signature, a burst, or a deploy, with how often it "
               "happened. Tick the ones that belong on the timeline.")
    table = st.data_editor(
        tables.candidates_frame(proposed), key=state.widget_key(STEP, f"candidates-v{pm.version}"),
        hide_index=True, width="stretch", disabled=["time", "event", "source", "count", "example"],
        column_config={
            "pick": st.column_config.CheckboxColumn("Pick", default=False),
            "time": st.column_config.DatetimeColumn("First seen (UTC)", format="YYYY-MM-DD HH:mm:ss", timezone="UTC"),
            "event": st.column_config.TextColumn("Event", width="large"),
            "count": st.column_config.NumberColumn("Count"),
            "example": st.column_config.TextColumn("Example line"),
            "source": st.column_config.TextColumn("Source"),
        },
        column_order=["pick", "time", "event", "source", "count", "example"],
    )
    picked = [c.id for c, chosen in zip(proposed, table["pick"].tolist(), strict=True) if chosen]
    left, right = st.columns(2)
    if left.button(f"Add {len(picked)} to the timeline", disabled=readonly or not picked, type="primary",
                   key=state.widget_key(STEP, "promote")):
        with widgets.reporting_errors():
            state.save(gathering.promote(pm, picked, actor=state.actor(), now=deps.now(), repo=deps.repository()))
        st.rerun()
    if right.button(f"Dismiss {len(picked)}", disabled=readonly or not picked, key=state.widget_key(STEP, "dismiss")):
        with widgets.reporting_errors():
            state.save(gathering.dismiss(pm, picked, actor=state.actor(), now=deps.now(), repo=deps.repository()))
        st.rerun()
