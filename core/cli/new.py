"""``postmortem new``: create a post-mortem and print its id."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import arguments, environment, output

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "create a post-mortem; prints its id"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``new``."""
    from core.models import IncidentType, Severity

    parser.add_argument("--title", required=True)
    parser.add_argument("--start", required=True, help="incident start, ISO with zone, e.g. 2026-03-14T14:02:17Z")
    parser.add_argument("--end", required=True, help="incident end, ISO with zone")
    parser.add_argument("--severity", required=True, choices=[s.value for s in Severity])
    parser.add_argument("--service", action="append", required=True, help="affected service (repeatable)")
    parser.add_argument("--type", default="outage", choices=[t.value for t in IncidentType])


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Create the post-mortem; print its id."""
    from core import postmortem_service
    from core.models import IncidentType, Severity

    pm = postmortem_service.create(
        title=args.title,
        start=arguments.parse_time(args.start, "--start"),
        end=arguments.parse_time(args.end, "--end"),
        severity=Severity(args.severity),
        services=args.service,
        incident_type=IncidentType(args.type),
        actor=environment.actor(),
        now=environment.now(),
        repo=repo,
    )
    output.say(pm.id)
    return 0
