"""Counting the lines an import rejects, keeping the first few reasons with file and line number."""

from __future__ import annotations

MAX_REASONS = 5
_EXCERPT = 60


def excerpt(line: str) -> str:
    """Return the start of a line, quoted, to show in a reason."""
    return repr(line[:_EXCERPT] + ("…" if len(line) > _EXCERPT else ""))


class Rejects:
    """The rejected lines of one file: how many, and why for the first ``MAX_REASONS``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
        self.reasons: list[str] = []

    def add(self, line_number: int, what: str) -> None:
        """Count a rejected line; ``what`` says what was wrong and what was expected."""
        self.count += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(f"{self.name} line {line_number}: {what}")
