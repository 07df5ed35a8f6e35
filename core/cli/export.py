"""``postmortem export``: the report (md, pdf), the document (json) or the reviews (ics) as a file."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli import environment, output
from core.errors import InvalidInputError

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "export the report (md, pdf), the document (json) or reviews (ics)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``export``."""
    parser.add_argument("id")
    parser.add_argument("--format", choices=["md", "pdf", "json", "ics"], required=True)
    parser.add_argument("--output", required=True, help="file to write, or - for standard output")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Render the post-mortem in the format asked and write it to the file or standard output."""
    pm = repo.get(args.id)
    now = environment.now()
    data: bytes
    # each format imports only its renderer: the PDF brings fpdf, its chart Altair and pandas
    if args.format == "md":
        from core.export import markdown

        data = markdown.render(pm, now=now).encode()
    elif args.format == "json":
        from core.export import document

        data = document.dumps(pm).encode()
    elif args.format == "pdf":
        from core import chart
        from core.export import pdf

        data = pdf.render(pm, now=now, chart_png=chart.chart_png(pm) if chart.has_data(pm) else None)
    else:
        from core.export import ics

        first_review = (now + timedelta(days=7 - now.weekday())).date()
        data = ics.render(pm, first_review=first_review, created_at=now,
                          public_url=environment.settings(args).public_url)
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise InvalidInputError(f"{args.output}: cannot write the file ({exc.strerror})") from exc
        output.say(f"wrote {args.output} ({len(data):,} bytes)", err=True)
    return 0
