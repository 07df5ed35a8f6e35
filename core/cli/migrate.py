"""``postmortem migrate``: create or upgrade the database schema, optionally seeding the demo."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import environment, output

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "create or upgrade the database schema"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``migrate``."""
    parser.add_argument("--seed-demo", action="store_true", help="load the demo incident when the database is empty")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Seed the demo when asked and the database is empty; say the database is ready."""
    # opening the repository already brought the schema to the newest revision
    if args.seed_demo:
        from core import demo

        seeded = demo.seed_if_empty(now=environment.now(), repo=repo)
        if seeded is not None:
            output.say(f"seeded the demo incident {seeded.id}", err=True)
    output.say("database ready", err=True)
    return 0
