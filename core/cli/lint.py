"""``postmortem lint``: the blameless-language (or action specificity) check of a file; exit 1 on findings."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from core.cli import output
from core.errors import InvalidInputError

HELP = "blameless-language (or action specificity) check; exit 1 on findings"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``lint``."""
    parser.add_argument("file", help="Markdown or text file, or - for standard input")
    parser.add_argument("--kind", choices=["text", "action"], default="text",
                        help="text: blameless language; action: one action item per line, specificity")
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    """Print the findings; return 1 when there are any. Needs no database."""
    from core import language, terminal

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{args.file}: cannot read the file as UTF-8 text ({exc})") from exc
    findings = (
        language.check_actions(text.splitlines()) if args.kind == "action" else language.check_blameless(text)
    )
    if args.format == "json":
        output.say(terminal.json_text([dataclasses.asdict(f) for f in findings]))
    else:
        name = "<stdin>" if args.file == "-" else args.file
        for f in findings:
            output.say(f"{name}:{f.line}:{f.start + 1}: {f.rule}: \"{f.text}\" — {f.why} Suggestion: {f.suggestion}")
        if not findings:
            output.say(f"{name}: no findings", err=True)
    return 1 if findings else 0
