"""What the command prints: every line made safe for a terminal first."""

from __future__ import annotations

import sys

from core import terminal


def say(text: str, *, err: bool = False) -> None:
    """Print one line of output, on standard error when ``err``."""
    # user text (titles, log lines, file names) can hold escape sequences that would retitle the
    # terminal or rewrite what it shows
    print(terminal.printable(text), file=sys.stderr if err else sys.stdout)


def write(text: str) -> None:
    """Write text as it is (already holding its line ends) to standard output, made safe for a terminal."""
    sys.stdout.write(terminal.printable(text))
