"""The ``postmortem`` command: the same use cases as the wizard, for scripts and terminals.

One module per verb; ``parser.py`` lists them. A verb module imports its heavy dependencies (pandas,
the chart, the PDF, SQLAlchemy, connectors) inside ``run``, so ``postmortem --help`` starts at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from core.cli import lint, output, parser
from core.errors import PostmortemError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 1 gates fail, 2 error)."""
    args = parser.parse(argv)
    try:
        if args.verb is lint:  # the only verb that needs no database
            return lint.run(args)
        from core.cli import environment
        from core.storage import engine

        repo = engine.open_repository(environment.settings(args).database_url)
        try:
            status: int = args.verb.run(args, repo)
        finally:
            repo.close()
        return status
    except PostmortemError as exc:
        output.say(f"error: {exc}", err=True)
        return 2
    except BrokenPipeError:  # the reader left early ("postmortem lint … | head"): no traceback, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
