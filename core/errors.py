"""The one error vocabulary of the project; pages show these messages as they are.

PostmortemError
├── NotFoundError        a post-mortem, share link or file that does not exist
├── StaleWriteError      a save based on an older version than the one stored
│   └── ConflictError    an edit of a field or item someone else changed since (names it, keeps both texts)
├── InvalidInputError    input from a user, file or API that does not fit (names the field/line)
│   └── LimitExceededError (core.limits)  an import or edit over a cap; names the cap, the number, what to do
├── GateBlockedError     an action that needs gates to pass while some fail
├── PermissionDeniedError  an action only the operator's editors may take (publish, share links)
└── StorageError         the database cannot be reached or refused the operation
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.models import PostMortem


class PostmortemError(Exception):
    """Base of every error the wizard reports to a user in plain words."""


class NotFoundError(PostmortemError):
    """Raised when a post-mortem, share link or file does not exist."""


class StaleWriteError(PostmortemError):
    """Raised when a save is based on an older version than the stored one."""

    def __init__(self, pm_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"Someone else changed {pm_id} while you were editing (you had version {expected}, "
            f"it is now version {actual}). Your change was not saved: reload to see their change, "
            "then apply yours again."
        )
        self.pm_id = pm_id
        self.expected = expected
        self.actual = actual
        self.attempted: PostMortem | None = None  # the refused version, so the caller can offer to re-apply it


@dataclass(frozen=True)
class FieldConflict:
    """One field or item two people changed from the same version: both texts, and who changed it first."""

    label: str
    mine: str
    theirs: str
    actor: str
    at: datetime


class ConflictError(StaleWriteError):
    """Raised when an edit changes a field or item that someone else changed since the edit's base version."""

    def __init__(self, pm_id: str, expected: int, actual: int, conflicts: Sequence[FieldConflict]) -> None:
        super().__init__(pm_id, expected, actual)
        self.conflicts = tuple(conflicts)
        named = "; ".join(f"{c.label} was changed by {c.actor} at {c.at:%H:%M} UTC" for c in self.conflicts)
        self.args = (f"{named} while you were editing it. Your text was not saved and theirs was not overwritten: "
                     "keep theirs, or put yours in its place.",)


class InvalidInputError(PostmortemError):
    """Raised when input does not fit; the message names the field, file or line and what was expected."""


class GateBlockedError(PostmortemError):
    """Raised when an action needs hard gates that fail."""

    def __init__(self, message: str, failures: tuple[str, ...]) -> None:
        super().__init__(message + "\n" + "\n".join(f"- {f}" for f in failures))
        self.failures = failures


class PermissionDeniedError(PostmortemError):
    """Raised when someone not among the operator's editors tries to publish or manage share links."""


class StorageError(PostmortemError):
    """Raised when the database cannot be reached or refuses an operation."""
