"""``postmortem load``: store a JSON document as a new post-mortem and print its id."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from core.cli import environment, output
from core.errors import InvalidInputError

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "store a JSON document as a new post-mortem; prints its id"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``load``."""
    parser.add_argument("file", help="JSON document, or - for standard input")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Read, check and store the document; print the new id."""
    from core import demo, limits
    from core.export import document

    origin = "<stdin>" if args.file == "-" else args.file
    # a document twice the stored cap cannot be stored even once indentation is gone: stop reading there
    # rather than hold a file of any size in memory
    most = 2 * limits.CAPS.stored_bytes
    try:
        if args.file == "-":
            raw = sys.stdin.buffer.read(most + 1)
        else:
            with open(args.file, "rb") as stream:
                raw = stream.read(most + 1)
    except OSError as exc:
        raise InvalidInputError(f"{args.file}: cannot read the file ({exc.strerror})") from exc
    if len(raw) > most:
        raise limits.LimitExceededError(
            f"{origin} is more than {most // limits.MB} MB, larger than any post-mortem can be stored",
            cap="stored_bytes", found=len(raw), limit=most)
    pm = document.loads(document.decode(raw, origin=origin), origin=origin)
    stored = demo.load_document(pm, actor=environment.actor(), now=environment.now(), repo=repo)
    output.say(stored.id)
    return 0

