"""``postmortem candidates``: events proposed by log imports, not yet in the timeline."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import output

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "events proposed by log imports, not yet in the timeline"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``candidates``."""
    parser.add_argument("id")
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Print the open candidates, one line each or as JSON."""
    from core import gathering, terminal

    pm = repo.get(args.id)
    rows = [
        {"id": c.id, "time": c.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "event": c.event, "source": c.source,
         "count": c.count, "example": c.example}
        for c in gathering.open_candidates(pm)
    ]
    if args.format == "json":
        output.say(terminal.json_text(rows))
    else:
        for r in rows:
            output.say(f"{r['id']}\t{r['time']}\t{r['count']}×\t{r['source']}\t{r['event']}")
    return 0
