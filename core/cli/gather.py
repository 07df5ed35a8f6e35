"""``postmortem gather``: import telemetry from a file or a server; print the id last."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli import arguments, environment, output
from core.errors import InvalidInputError

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "import telemetry from a file or a server; prints the id last"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``gather``."""
    from core import gathering

    parser.add_argument("id")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", help="a log, JSON export, or Slack export (zip or unzipped folder)")
    source.add_argument("--prometheus", metavar="URL", help="a Prometheus server to query (with --query)")
    source.add_argument("--alertmanager", metavar="URL", help="an Alertmanager server (current alerts)")
    source.add_argument("--alert-history", metavar="PROMETHEUS_URL", help="alert history from Prometheus ALERTS")
    parser.add_argument("--format", choices=list(gathering.FORMATS), default="auto")
    parser.add_argument("--timezone", help="zone of times written without one in the file, e.g. Europe/Berlin")
    parser.add_argument("--query", help="PromQL for --prometheus")
    parser.add_argument("--step", help="resolution for --prometheus, e.g. 15s (raised to stay under 11,000 points)")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Import from the one source named, store the result and print what it brought."""
    from core import gathering, sources
    from core.connectors import egress, prometheus

    pm = repo.get(args.id)
    now = environment.now()
    if args.file:
        path = Path(args.file)
        if path.is_dir():  # an unzipped Slack export (DESIGN §8: folder or zip)
            from core.ingest.structured import slack

            result = slack.import_folder(path, window=pm.window, now=now)
        else:
            try:
                stream = path.open("rb")
            except OSError as exc:
                raise InvalidInputError(f"{args.file}: cannot read the file ({exc.strerror})") from exc
            zone = arguments.parse_zone(args.timezone)
            with stream:
                result = gathering.read_file(stream, name=path.name, pm=pm, now=now, fmt=args.format,
                                             assume_tz=zone)
    else:
        if args.prometheus:
            request = sources.SourceRequest(sources.Server.PROMETHEUS, args.prometheus, args.query or "",
                                            prometheus.parse_step(args.step) if args.step else None)
        elif args.alert_history:
            request = sources.SourceRequest(sources.Server.ALERT_HISTORY, args.alert_history)
        else:
            request = sources.SourceRequest(sources.Server.ALERTMANAGER, args.alertmanager)
        # the operator names the server: it may be private; the session still goes nowhere else, and is capped
        session = egress.GuardedSession(egress.EgressPolicy.for_origin(request.url, max_seconds=300.0))
        result = sources.read(pm, request, session=session, now=now)
    stored = gathering.apply_import(pm, result, actor=environment.actor(), now=now, repo=repo)
    source = result.source
    output.say(f"imported {source.origin} as {source.kind.value}: {source.records_read} records read, "
               f"{len(result.candidates)} candidate events, {len(result.events)} timeline events, "
               f"{len(result.series)} series, {len(result.alerts)} alert intervals")
    if result.skipped_outside_window:
        output.say(f"skipped {result.skipped_outside_window} records outside the incident window (plus margin)")
    if source.records_rejected:
        output.say(f"rejected {source.records_rejected} records; first reasons:")
        for reason in source.rejected_reasons:
            output.say(f"  {reason}")
    for gap in stored.gaps:
        if gap.automatic:
            output.say(f"data gap: {gap.reason}")
    output.say(stored.id)
    return 0
