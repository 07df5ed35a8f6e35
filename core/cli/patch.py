"""``postmortem patch``: apply a JSON merge patch (RFC 7396) of the document, merged like any other edit."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from core.cli import environment, output
from core.errors import InvalidInputError

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "apply a JSON merge patch of the document; exit 3 when it clashes with a newer change"
CONFLICT = 3
"""Exit status when someone changed the same field or item after the patch's base version."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``patch``."""
    parser.add_argument("id", help="post-mortem id, e.g. PM-2026-03-14")
    parser.add_argument("--file", required=True, help="the merge patch (JSON), or - for standard input")
    parser.add_argument("--base-version", type=int, default=None, metavar="N",
                        help="the version the patch was made on (default: the current one)")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Read the patch, apply it, print the new version; name the clashing fields on standard error."""
    from core import postmortem_service
    from core.errors import ConflictError
    from core.export import document

    origin = "<stdin>" if args.file == "-" else args.file
    try:
        if args.file == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as stream:
                raw = stream.read()
    except OSError as exc:
        raise InvalidInputError(f"{args.file}: cannot read the file ({exc.strerror})") from exc
    try:
        patch = json.loads(document.decode(raw, origin=origin))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    try:
        stored = postmortem_service.apply_patch(args.id, patch, base_version=args.base_version,
                                                actor=environment.actor(), now=environment.now(), repo=repo)
    except ConflictError as exc:
        for clash in exc.conflicts:
            output.say(f"conflict: {clash.label} was changed by {clash.actor} at {clash.at:%Y-%m-%d %H:%M} UTC "
                       f"(theirs: {clash.theirs!r}; yours: {clash.mine!r})", err=True)
        output.say("nothing was applied: make the patch on the current version, or drop those fields", err=True)
        return CONFLICT
    output.say(f"applied: {stored.id} is now version {stored.version}")
    return 0
