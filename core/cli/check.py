"""``postmortem check``: evaluate the gates; exit 0 when every hard gate passes."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import environment, output

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "evaluate the gates; exit 0 when every hard gate passes"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``check``."""
    parser.add_argument("id")
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Print every gate's result; return 1 when a hard gate fails."""
    from core import gates, terminal

    pm = repo.get(args.id)
    results = gates.evaluate(pm, now=environment.now())
    if args.format == "json":
        output.say(terminal.json_text(
            [{"gate": r.gate.id, "step": r.gate.step.value, "status": r.status, "message": r.message} for r in results],
        ))
    else:
        for r in results:
            output.say(f"[{r.status:4}] {r.gate.id}: {r.message}")
    return 1 if any(r.status == "fail" for r in results) else 0
