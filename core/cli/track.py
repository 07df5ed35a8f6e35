"""``postmortem track``: create (or ``--sync``) GitHub issues for the action items."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from core.cli import environment, output
from core.errors import InvalidInputError

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "create (or --sync) GitHub issues for the action items; GITHUB_TOKEN"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``track``."""
    parser.add_argument("id")
    parser.add_argument("--github", required=True, metavar="OWNER/REPO")
    parser.add_argument("--api-url", default="https://api.github.com", help="GitHub Enterprise API address")
    parser.add_argument("--login", action="append", default=[], metavar="OWNER=LOGIN",
                        help="map an action owner to a GitHub login for the assignee (repeatable)")
    parser.add_argument("--sync", action="store_true", help="read status back from the issues instead")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Create or sync the issues, store the actions' new state; return 1 when one failed."""
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        raise InvalidInputError("Set GITHUB_TOKEN to a token that may create issues in " + args.github)
    import requests

    from core import ids, postmortem_service
    from core.trackers import github, sync
    from core.trackers.base import TicketOutcome

    pm = repo.get(args.id)
    settings = environment.settings(args)
    tracker = github.GitHubTracker(requests.Session(), repo=args.github, token=token, api_url=args.api_url)
    logins = dict(pair.split("=", 1) for pair in args.login)
    now = environment.now()
    if args.sync:
        changed, results = sync.sync_status(pm, tracker, now=now)
    else:
        pm_url = f"{settings.public_url}/track?pm={ids.url_value(pm.id)}"
        changed, results = sync.create_tickets(pm, tracker, pm_url=pm_url, logins=logins, now=now)
    postmortem_service.set_action_states(pm, changed.actions, actor=environment.actor(), now=now, repo=repo,
                                         summary="synced the tracker issues" if args.sync else "created tracker issues")
    for r in results:
        output.say(r.message)
    return 1 if any(r.outcome is TicketOutcome.FAILED for r in results) else 0
