"""``postmortem timeline``: print the visible timeline as Markdown, JSON or CSV (UTC)."""

from __future__ import annotations

import argparse
import io
from typing import TYPE_CHECKING

from core.cli import output

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "print the timeline (all visible events, UTC)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``timeline``."""
    parser.add_argument("id")
    parser.add_argument("--format", choices=["json", "csv", "md"], default="md")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Print every event not hidden, in the format asked."""
    from core import terminal
    from core.export import markdown, spreadsheet

    pm = repo.get(args.id)
    rows = [
        {"time": e.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "event": e.event, "source": e.source, "actor": e.actor,
         "kind": e.kind.value, "milestone": e.milestone.value if e.milestone else None}
        for e in pm.events
        if not e.hidden
    ]
    if args.format == "json":
        output.say(terminal.json_text(rows))
    elif args.format == "csv":
        out = io.StringIO()
        spreadsheet.write_csv(out, rows, fields=["time", "event", "source", "actor", "kind", "milestone"],
                              text_fields={"event", "source", "actor"})
        output.write(out.getvalue())
    else:
        output.write("\n".join(markdown.timeline_table(pm.events)) + "\n")
    return 0
