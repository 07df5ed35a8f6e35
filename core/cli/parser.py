"""The command line's grammar: the verbs in help order, and parsing that configures only the verb used."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from types import ModuleType

from core.cli import (
    candidates,
    chart,
    check,
    export,
    gather,
    lint,
    load,
    migrate,
    milestones,
    new,
    patch,
    promote,
    timeline,
    track,
)
from core.cli import list as list_  # the verb module, not the builtin

VERBS: tuple[ModuleType, ...] = (
    new, list_, check, milestones, track, export, chart, load, patch, gather, candidates, promote, timeline, lint,
    migrate,
)
"""Every verb module, in the order ``--help`` lists them; the verb is named after its module.

A verb module holds ``HELP`` (its line in ``--help``), ``configure(parser)`` adding its arguments and
``run(args, repo)`` returning the exit status; it imports heavy modules only inside those functions.
"""


def name(verb: ModuleType) -> str:
    """Return the verb's name on the command line: its module's name."""
    return verb.__name__.rpartition(".")[2]


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line; ``args.verb`` is the verb module to run."""
    # A verb's arguments may need domain modules (the severities, the import formats): the first pass
    # learns which verb is used without them, so ``postmortem --help`` imports none.
    known, _ = build(configured=None).parse_known_args(argv)
    return build(configured=known.verb).parse_args(argv)


def build(*, configured: ModuleType | None) -> argparse.ArgumentParser:
    """Build the parser with every verb listed and the arguments of ``configured`` only."""
    parser = argparse.ArgumentParser(prog="postmortem", description="Postmortem Wizard from the command line.")
    parser.add_argument("--db", help="database URL (default: DATABASE_URL or sqlite:///data/postmortems.db)")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for verb in VERBS:
        # an unconfigured verb leaves -h to the second pass, which shows that verb's own help
        p = sub.add_parser(name(verb), help=verb.HELP, add_help=verb is configured)
        if verb is configured:
            verb.configure(p)
        p.set_defaults(verb=verb)
    return parser
