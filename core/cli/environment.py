"""What a verb reads from where it runs: the clock, the user, the settings."""

from __future__ import annotations

import argparse
import getpass
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.settings import Settings


def now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def actor() -> str:
    """Return who runs the command, as the audit trail names them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def settings(args: argparse.Namespace) -> Settings:
    """Build the settings from the environment, with ``--db`` in place of ``DATABASE_URL`` when given."""
    from core.settings import Settings  # imports requests, which --help does not need

    return Settings.from_mapping({**os.environ, **({"DATABASE_URL": args.db} if args.db else {})})
