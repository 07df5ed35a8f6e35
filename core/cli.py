"""The ``postmortem`` command: the same use cases as the wizard, for scripts and terminals."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from core import demo, gates, language, postmortem_service
from core.errors import InvalidInputError, PostmortemError
from core.export import document, markdown
from core.models import IncidentType, Severity
from core.settings import Settings
from core.storage import engine
from core.storage.repository import SqlPostMortemRepository


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 1 gates fail, 2 error)."""
    args = _parser().parse_args(argv)
    try:
        if args.handler is _lint:  # the only verb that needs no database
            status: int = _lint(args)
            return status
        settings = Settings.from_mapping({**os.environ, **({"DATABASE_URL": args.db} if args.db else {})})
        repo = engine.open_repository(settings.database_url)
        try:
            result: int = args.handler(args, repo)
        finally:
            repo.close()
        return result
    except PostmortemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


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
    return parsed.astimezone(UTC)


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
    print(pm.id)
    return 0


def _list(_args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    for s in repo.list_summaries(today=_now().date()):
        severity = s.severity.value if s.severity else "--"
        print(f"{s.id}\t{severity}\t{s.status.value}\t{s.start:%Y-%m-%d %H:%M}Z\t{s.title}")
    return 0


def _check(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = repo.get(args.id)
    results = gates.evaluate(pm, now=_now())
    if args.format == "json":
        print(json.dumps(
            [{"gate": r.gate.id, "step": r.gate.step.value, "status": r.status, "message": r.message} for r in results],
            indent=2, ensure_ascii=False,
        ))
    else:
        for r in results:
            print(f"[{r.status:4}] {r.gate.id}: {r.message}")
    return 1 if any(r.status == "fail" for r in results) else 0


def _export(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    pm = repo.get(args.id)
    text = markdown.render(pm, now=_now()) if args.format == "md" else document.dumps(pm)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _load(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    path = Path(args.file)
    try:
        text = sys.stdin.read() if args.file == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"{args.file}: cannot read the file ({exc.strerror})") from exc
    pm = document.loads(text, origin=args.file)
    stored = demo.load_document(pm, actor=_actor(), now=_now(), repo=repo)
    print(stored.id)
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
        print(json.dumps([dataclasses.asdict(f) for f in findings], indent=2, ensure_ascii=False))
    else:
        name = "<stdin>" if args.file == "-" else args.file
        for f in findings:
            print(f"{name}:{f.line}:{f.start + 1}: {f.rule}: \"{f.text}\" — {f.why} Suggestion: {f.suggestion}")
        if not findings:
            print(f"{name}: no findings", file=sys.stderr)
    return 1 if findings else 0


def _migrate(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    # opening the repository already brought the schema to the newest revision
    if args.seed_demo:
        seeded = demo.seed_if_empty(now=_now(), repo=repo)
        if seeded is not None:
            print(f"seeded the demo incident {seeded.id}", file=sys.stderr)
    print("database ready", file=sys.stderr)
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

    p = sub.add_parser("export", help="export the report (md) or the whole document (json)")
    p.add_argument("id")
    p.add_argument("--format", choices=["md", "json"], required=True)
    p.add_argument("--output", required=True, help="file to write, or - for standard output")
    p.set_defaults(handler=_export)

    p = sub.add_parser("load", help="store a JSON document as a new post-mortem; prints its id")
    p.add_argument("file", help="JSON document, or - for standard input")
    p.set_defaults(handler=_load)

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
