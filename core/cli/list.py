"""``postmortem list``: one line per post-mortem."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import environment, output

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "list post-mortems"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``list``: none."""


def run(_args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Print id, severity, status, start and title of every post-mortem, tab-separated."""
    for s in repo.list_summaries(today=environment.now().date()):
        severity = s.severity.value if s.severity else "--"
        output.say(f"{s.id}\t{severity}\t{s.status.value}\t{s.start:%Y-%m-%d %H:%M}Z\t{s.title}")
    return 0
