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
    from core.models import PostMortem
    from core.storage.repository import SqlPostMortemRepository

HELP = "export the report (md, pdf), the document (json) or reviews (ics)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``export``."""
    parser.add_argument("id")
    parser.add_argument("--format", choices=["md", "pdf", "json", "ics"], required=True)
    parser.add_argument("--output", required=True, help="file to write, or - for standard output")
    parser.add_argument("--public", action="store_true",
                        help="the public version (md, pdf): internal parts out, people as roles, details masked")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Render the post-mortem in the format asked and write it to the file or standard output."""
    pm = repo.get(args.id)
    now = environment.now()
    data: bytes
    if args.public and args.format not in ("md", "pdf"):
        raise InvalidInputError(f"--public applies to the report (md or pdf), not to {args.format}")
    if args.public:
        _warn_findings(pm)
    # each format imports only its renderer: the PDF brings fpdf, its chart Altair and pandas
    if args.format == "md":
        from core.export import markdown

        data = markdown.render(pm, now=now, public=args.public).encode()
    elif args.format == "json":
        from core.export import document

        data = document.dumps(pm).encode()
    elif args.format == "pdf":
        from core import chart, public
        from core.export import pdf

        shown = public.public_version(pm) if args.public else pm
        data = pdf.render(pm, now=now, chart_png=chart.chart_png(shown) if chart.has_data(shown) else None,
                          public=args.public)
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


def _warn_findings(pm: PostMortem) -> None:
    """Name on standard error each mask and blameless finding of the public version, for review."""
    from core import public

    checked = public.review(pm)
    for mask in checked.masks:
        shown = "a token" if mask.kind == "token" else repr(mask.original)  # no secret in a terminal's scrollback
        output.say(f"masked {shown} as {mask.replacement!r} ({', '.join(mask.where)})", err=True)
    for field, finding in checked.findings:
        output.say(f"language: {field}: “{finding.text}” — {finding.why}", err=True)
