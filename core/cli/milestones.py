"""``postmortem milestones``: the milestones the data suggests; ``--accept`` writes them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import environment, output

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "suggested milestones from the data; --accept writes them"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``milestones``."""
    parser.add_argument("id")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--accept", action="store_true")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Print the suggested milestones (and the durations they give); store them with ``--accept``."""
    from core import postmortem_service, terminal, timeline

    pm = repo.get(args.id)
    suggestions = timeline.suggest_milestones(pm)
    if args.accept:
        pm = postmortem_service.commit(pm, timeline.accept_milestones(pm, suggestions), actor=environment.actor(),
                                       now=environment.now(), repo=repo, summary="accepted the suggested milestones")
    if args.format == "json":
        output.say(terminal.json_text({
            m.value: ({"time": s.time.strftime("%Y-%m-%dT%H:%M:%SZ"), "source": s.source} if s else None)
            for m, s in suggestions.items()
        }))
    else:
        for m, s in suggestions.items():
            line = f"{m.label:<13} {s.time:%Y-%m-%d %H:%M:%S}Z  {s.source}: {s.reason}" if s else f"{m.label:<13} -"
            output.say(line)
        for d in timeline.durations(pm):
            output.say(d.sentence)
    return 0
