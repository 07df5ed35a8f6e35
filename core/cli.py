"""The ``postmortem`` command: the same use cases as the wizard, for scripts and terminals."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import io
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests

from core import chart, demo, gates, gathering, ids, language, postmortem_service, terminal, time_range, timeline
from core.connectors import alertmanager, prometheus
from core.errors import InvalidInputError, PostmortemError
from core.export import document, ics, markdown, pdf, spreadsheet
from core.models import IncidentType, Severity
from core.settings import Settings
from core.storage import engine
from core.storage.repository import SqlPostMortemRepository
from core.trackers import github, sync
from core.trackers.base import TicketOutcome


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 1 gates fail, 2 error)."""
    args = _parser().parse_args(argv)
    try:
        if args.handler is _lint:  # the only verb that needs no database
            status: int = _lint(args)
            return status
        repo = engine.open_repository(_settings(args).database_url)
        try:
            result: int = args.handler(args, repo)
        finally:
            repo.close()
        return result
    except PostmortemError as exc:
        _say(f"error: {exc}", err=True)
        return 2


def _say(text: str, *, err: bool = False) -> None:
    # every line the command prints goes through here: user text (titles, log lines, file names) can
    # hold escape sequences that would retitle the terminal or rewrite what it shows
    print(terminal.printable(text), file=sys.stderr if err else sys.stdout)


def _now() -> datetime:
    return datetime.now(UTC)


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _parse_time(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInputError(f"{name} {value!r} is not an ISO time: expected e.g. 2026-03-14T14:02:17Z") from exc
    if parsed.tzinfo is None:
        raise InvalidInputError(f"{name} {value!r} has no time zone: add Z for UTC or an offset like +01:00")
    return time_range.require(parsed, field=name).astimezone(UTC)


def _new(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = postmortem_service.create(
        title=args.title,
        start=_parse_time(args.start, "--start"),
        end=_parse_time(args.end, "--end"),
        severity=Severity(args.severity),
        services=args.service,
        incident_type=IncidentType(args.type),
        actor=_actor(),
        now=_now(),
        repo=repo,
    )
    _say(pm.id)
    return 0


def _list(_args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    for s in repo.list_summaries(today=_now().date()):
        severity = s.severity.value if s.severity else "--"
        _say(f"{s.id}\t{severity}\t{s.status.value}\t{s.start:%Y-%m-%d %H:%M}Z\t{s.title}")
    return 0


def _check(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = repo.get(args.id)
    results = gates.evaluate(pm, now=_now())
    if args.format == "json":
        _say(terminal.json_text(
            [{"gate": r.gate.id, "step": r.gate.step.value, "status": r.status, "message": r.message} for r in results],
        ))
    else:
        for r in results:
            _say(f"[{r.status:4}] {r.gate.id}: {r.message}")
    return 1 if any(r.status == "fail" for r in results) else 0


def _export(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = repo.get(args.id)
    now = _now()
    data: bytes
    if args.format == "md":
        data = markdown.render(pm, now=now).encode()
    elif args.format == "json":
        data = document.dumps(pm).encode()
    elif args.format == "pdf":
        data = pdf.render(pm, now=now, chart_png=chart.chart_png(pm) if chart.has_data(pm) else None)
    else:
        first_review = (now + timedelta(days=7 - now.weekday())).date()
        data = ics.render(pm, first_review=first_review, created_at=now, public_url=_settings(args).public_url)
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise InvalidInputError(f"{args.output}: cannot write the file ({exc.strerror})") from exc
        _say(f"wrote {args.output} ({len(data):,} bytes)", err=True)
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_mapping({**os.environ, **({"DATABASE_URL": args.db} if args.db else {})})


def _milestones(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = repo.get(args.id)
    suggestions = timeline.suggest_milestones(pm)
    if args.accept:
        stored = postmortem_service.commit(pm, timeline.accept_milestones(pm, suggestions), actor=_actor(),
                                           now=_now(), repo=repo, summary="accepted the suggested milestones")
        pm = stored
    if args.format == "json":
        _say(terminal.json_text({
            m.value: ({"time": s.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "source": s.source} if s else None)
            for m, s in suggestions.items()
        }))
    else:
        for m, s in suggestions.items():
            _say(f"{m.label:<13} {s.time:%Y-%m-%d %H:%M:%S}Z  {s.source}: {s.reason}" if s else f"{m.label:<13} -")
        for d in timeline.durations(pm):
            _say(d.sentence)
    return 0


def _track(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        raise InvalidInputError("Set GITHUB_TOKEN to a token that may create issues in " + args.github)
    pm = repo.get(args.id)
    settings = _settings(args)
    tracker = github.GitHubTracker(requests.Session(), repo=args.github, token=token, api_url=args.api_url)
    logins = dict(pair.split("=", 1) for pair in args.login)
    now = _now()
    if args.sync:
        changed, results = sync.sync_status(pm, tracker, now=now)
    else:
        pm_url = f"{settings.public_url}/track?pm={ids.url_value(pm.id)}"
        changed, results = sync.create_tickets(pm, tracker, pm_url=pm_url, logins=logins, now=now)
    postmortem_service.set_action_states(pm, changed.actions, actor=_actor(), now=now, repo=repo,
                                         summary="synced the tracker issues" if args.sync else "created tracker issues")
    for r in results:
        _say(r.message)
    return 1 if any(r.outcome is TicketOutcome.FAILED for r in results) else 0


def _load(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    path = Path(args.file)
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{args.file}: cannot read the file ({exc.strerror})") from exc
    origin = "<stdin>" if args.file == "-" else args.file
    pm = document.loads(document.decode(raw, origin=origin), origin=origin)
    stored = demo.load_document(pm, actor=_actor(), now=_now(), repo=repo)
    _say(stored.id)
    return 0


def _gather(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = repo.get(args.id)
    now = _now()
    session = requests.Session()
    if args.file:
        path = Path(args.file)
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise InvalidInputError(f"{args.file}: cannot read the file ({exc.strerror})") from exc
        zone = _zone(args.timezone)
        with stream:
            result = gathering.read_file(stream, name=path.name, pm=pm, now=now, fmt=args.format, assume_tz=zone)
    elif args.prometheus:
        if not args.query:
            raise InvalidInputError("--prometheus needs --query PROMQL (e.g. sum(rate(http_requests_total[5m])))")
        step = prometheus.parse_step(args.step) if args.step else None
        result = prometheus.PrometheusConnector(session).import_metrics(args.prometheus, args.query, pm.window,
                                                                         now=now, step=step)
    elif args.alert_history:
        result = prometheus.PrometheusConnector(session).import_alert_history(args.alert_history, pm.window, now=now)
    else:
        result = alertmanager.AlertmanagerConnector(session).import_alerts(args.alertmanager, pm.window, now=now)
    stored = gathering.apply_import(pm, result, actor=_actor(), now=now, repo=repo)
    source = result.source
    _say(f"imported {source.origin} as {source.kind.value}: {source.records_read} records read, "
          f"{len(result.candidates)} candidate events, {len(result.events)} timeline events, "
          f"{len(result.series)} series, {len(result.alerts)} alert intervals")
    if result.skipped_outside_window:
        _say(f"skipped {result.skipped_outside_window} records outside the incident window (plus margin)")
    if source.records_rejected:
        _say(f"rejected {source.records_rejected} records; first reasons:")
        for reason in source.rejected_reasons:
            _say(f"  {reason}")
    for gap in stored.gaps:
        if gap.automatic:
            _say(f"data gap: {gap.reason}")
    _say(stored.id)
    return 0


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return UTC if name.upper() == "UTC" else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInputError(f"--timezone {name!r} is not a time zone: use e.g. UTC or Europe/Berlin") from exc


def _candidates(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = repo.get(args.id)
    rows = [
        {"id": c.id, "time": c.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "event": c.event, "source": c.source,
         "count": c.count, "example": c.example}
        for c in gathering.open_candidates(pm)
    ]
    if args.format == "json":
        _say(terminal.json_text(rows))
    else:
        for r in rows:
            _say(f"{r['id']}\t{r['time']}\t{r['count']}×\t{r['source']}\t{r['event']}")
    return 0


def _promote(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = gathering.promote(repo.get(args.id), args.candidate_ids, actor=_actor(), now=_now(), repo=repo)
    _say(f"{len(args.candidate_ids)} candidate(s) added to the timeline of {pm.id}", err=True)
    return 0


def _timeline(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = repo.get(args.id)
    rows = [
        {"time": e.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "event": e.event, "source": e.source, "actor": e.actor,
         "kind": e.kind.value, "milestone": e.milestone.value if e.milestone else None}
        for e in pm.events
        if not e.hidden
    ]
    if args.format == "json":
        _say(terminal.json_text(rows))
    elif args.format == "csv":
        out = io.StringIO()
        spreadsheet.write_csv(out, rows, fields=["time", "event", "source", "actor", "kind", "milestone"],
                              text_fields={"event", "source", "actor"})
        sys.stdout.write(terminal.printable(out.getvalue()))
    else:
        sys.stdout.write(terminal.printable("\n".join(markdown.timeline_table(pm.events)) + "\n"))
    return 0


def _lint(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{args.file}: cannot read the file as UTF-8 text ({exc})") from exc
    findings = (
        language.check_actions(text.splitlines()) if args.kind == "action" else language.check_blameless(text)
    )
    if args.format == "json":
        _say(terminal.json_text([dataclasses.asdict(f) for f in findings]))
    else:
        name = "<stdin>" if args.file == "-" else args.file
        for f in findings:
            _say(f"{name}:{f.line}:{f.start + 1}: {f.rule}: \"{f.text}\" — {f.why} Suggestion: {f.suggestion}")
        if not findings:
            _say(f"{name}: no findings", err=True)
    return 1 if findings else 0


def _migrate(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    # opening the repository already brought the schema to the newest revision
    if args.seed_demo:
        seeded = demo.seed_if_empty(now=_now(), repo=repo)
        if seeded is not None:
            _say(f"seeded the demo incident {seeded.id}", err=True)
    _say("database ready", err=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="postmortem", description="Postmortem Wizard from the command line.")
    parser.add_argument("--db", help="database URL (default: DATABASE_URL or sqlite:///data/postmortems.db)")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("new", help="create a post-mortem; prints its id")
    p.add_argument("--title", required=True)
    p.add_argument("--start", required=True, help="incident start, ISO with zone, e.g. 2026-03-14T14:02:17Z")
    p.add_argument("--end", required=True, help="incident end, ISO with zone")
    p.add_argument("--severity", required=True, choices=[s.value for s in Severity])
    p.add_argument("--service", action="append", required=True, help="affected service (repeatable)")
    p.add_argument("--type", default="outage", choices=[t.value for t in IncidentType])
    p.set_defaults(handler=_new)

    p = sub.add_parser("list", help="list post-mortems")
    p.set_defaults(handler=_list)

    p = sub.add_parser("check", help="evaluate the gates; exit 0 when every hard gate passes")
    p.add_argument("id")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_check)

    p = sub.add_parser("milestones", help="suggested milestones from the data; --accept writes them")
    p.add_argument("id")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--accept", action="store_true")
    p.set_defaults(handler=_milestones)

    p = sub.add_parser("track", help="create (or --sync) GitHub issues for the action items; GITHUB_TOKEN")
    p.add_argument("id")
    p.add_argument("--github", required=True, metavar="OWNER/REPO")
    p.add_argument("--api-url", default="https://api.github.com", help="GitHub Enterprise API address")
    p.add_argument("--login", action="append", default=[], metavar="OWNER=LOGIN",
                   help="map an action owner to a GitHub login for the assignee (repeatable)")
    p.add_argument("--sync", action="store_true", help="read status back from the issues instead")
    p.set_defaults(handler=_track)

    p = sub.add_parser("export", help="export the report (md, pdf), the document (json) or reviews (ics)")
    p.add_argument("id")
    p.add_argument("--format", choices=["md", "pdf", "json", "ics"], required=True)
    p.add_argument("--output", required=True, help="file to write, or - for standard output")
    p.set_defaults(handler=_export)

    p = sub.add_parser("load", help="store a JSON document as a new post-mortem; prints its id")
    p.add_argument("file", help="JSON document, or - for standard input")
    p.set_defaults(handler=_load)

    p = sub.add_parser("gather", help="import telemetry from a file or a server; prints the id last")
    p.add_argument("id")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", help="a log, JSON export or Slack export zip")
    source.add_argument("--prometheus", metavar="URL", help="a Prometheus server to query (with --query)")
    source.add_argument("--alertmanager", metavar="URL", help="an Alertmanager server (current alerts)")
    source.add_argument("--alert-history", metavar="PROMETHEUS_URL", help="alert history from Prometheus ALERTS")
    p.add_argument("--format", choices=list(gathering.FORMATS), default="auto")
    p.add_argument("--timezone", help="zone of times written without one in the file, e.g. Europe/Berlin")
    p.add_argument("--query", help="PromQL for --prometheus")
    p.add_argument("--step", help="resolution for --prometheus, e.g. 15s (raised to stay under 11,000 points)")
    p.set_defaults(handler=_gather)

    p = sub.add_parser("candidates", help="events proposed by log imports, not yet in the timeline")
    p.add_argument("id")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_candidates)

    p = sub.add_parser("promote", help="add candidate events to the timeline")
    p.add_argument("id")
    p.add_argument("candidate_ids", nargs="+", metavar="CANDIDATE_ID")
    p.set_defaults(handler=_promote)

    p = sub.add_parser("timeline", help="print the timeline (all visible events, UTC)")
    p.add_argument("id")
    p.add_argument("--format", choices=["json", "csv", "md"], default="md")
    p.set_defaults(handler=_timeline)

    p = sub.add_parser("lint", help="blameless-language (or action specificity) check; exit 1 on findings")
    p.add_argument("file", help="Markdown or text file, or - for standard input")
    p.add_argument("--kind", choices=["text", "action"], default="text",
                   help="text: blameless language; action: one action item per line, specificity")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_lint)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.add_argument("--seed-demo", action="store_true", help="load the demo incident when the database is empty")
    p.set_defaults(handler=_migrate)
    return parser


if __name__ == "__main__":
    sys.exit(main())
