"""``postmortem promote``: add candidate events to the timeline."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import environment, output

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "add candidate events to the timeline"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``promote``."""
    parser.add_argument("id")
    parser.add_argument("candidate_ids", nargs="+", metavar="CANDIDATE_ID")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Promote the candidates named; say how many on standard error."""
    from core import gathering

    pm = gathering.promote(repo.get(args.id), args.candidate_ids, actor=environment.actor(), now=environment.now(),
                           repo=repo)
    output.say(f"{len(args.candidate_ids)} candidate(s) added to the timeline of {pm.id}", err=True)
    return 0
