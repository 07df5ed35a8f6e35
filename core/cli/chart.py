"""``postmortem chart``: the default chart (or the saved choice of series) as PNG or as its Vega-Lite spec."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli import output
from core.errors import InvalidInputError

if TYPE_CHECKING:
    from core.storage.repository import SqlPostMortemRepository

HELP = "write the incident chart as PNG or Vega-Lite JSON"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``chart``."""
    parser.add_argument("id")
    parser.add_argument("--output", required=True, metavar="FILE.png|FILE.json",
                        help="the file to write; its extension chooses PNG or the Vega-Lite spec")


def run(args: argparse.Namespace, repo: SqlPostMortemRepository) -> int:
    """Render the chart the post-mortem shows and write it to the file named."""
    suffix = Path(args.output).suffix.lower()
    if suffix not in (".png", ".json"):
        raise InvalidInputError(f"{args.output}: name a .png or a .json file (the extension chooses the format)")
    from core import chart  # Altair, pandas and, for PNG, vl-convert: only for this verb

    pm = repo.get(args.id)
    data = chart.chart_png(pm, scale=2) if suffix == ".png" else chart.chart_json(pm).encode()
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        raise InvalidInputError(f"{args.output}: cannot write the file ({exc.strerror})") from exc
    panels = ", ".join(s.title for s in chart.shown(pm)) or "no series"
    output.say(f"wrote {args.output} ({len(data):,} bytes): {panels}", err=True)
    return 0
