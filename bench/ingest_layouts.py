"""Measure log reading on the layout logs of ``tests/ingest/data/layouts`` (dev and test sets).

Per file: the share of lines read (not rejected), the error/warning templates of the truth file that a shown
candidate proposes (its event names the template's constant words), the share of candidates that
repeat a template already proposed, and the number of candidates. ``python -m bench.ingest_layouts
[dev|test|hard]`` prints a table; tune on dev only and read test last. ``hard`` holds hand-written
logs in the style of real systems (stack traces, no levels, request ids), measured once held out.
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.ingest import logs
from core.models import Candidate, TimeWindow

ROOT = Path(__file__).resolve().parents[1] / "tests" / "ingest" / "data" / "layouts"
WINDOW = TimeWindow(datetime(2026, 3, 14, 14, 0, tzinfo=UTC), datetime(2026, 3, 14, 15, 30, tzinfo=UTC))
NOW = datetime(2026, 3, 15, tzinfo=UTC)


@dataclass(frozen=True)
class Figures:
    """What one file gave."""

    name: str
    lines: int
    read: int
    templates: int
    proposed: int
    candidates: int
    repeats: int
    error: str = ""


def _matches(candidate: Candidate, phrase: str) -> bool:
    return phrase.lower() in candidate.event.lower()


def measure(path: Path) -> Figures:
    """Import one layout log and compare its candidates with its truth file."""
    record = json.loads(path.with_name(path.name + ".truth.json").read_text(encoding="utf-8"))
    truth = record["templates"]
    window = WINDOW
    if "window" in record:  # a log of a real system's shape carries its own time
        start, end = (datetime.fromisoformat(t) for t in record["window"])
        window = TimeWindow(start, end)
    data = path.read_bytes()
    lines = sum(1 for line in data.splitlines() if line.strip())
    try:
        result = logs.import_log(io.BytesIO(data), origin=path.name, window=window, assume_tz=UTC,
                                 now=max(NOW, window.end))
    except Exception as exc:  # noqa: BLE001 (a measurement: any refusal is a figure, not a crash)
        return Figures(path.name, lines, 0, len(truth), 0, 0, 0, error=str(exc)[:100])
    shown = [c for c in result.candidates if "folded" not in c.event]
    proposed = {p for p in truth if any(_matches(c, p) for c in shown)}
    seen: set[str] = set()
    repeats = 0
    for candidate in shown:
        if " burst " in candidate.event:
            continue
        hits = {p for p in truth if _matches(candidate, p)}
        if hits and hits <= seen:
            repeats += 1
        seen |= hits
    # a line is read unless rejected: a stack trace's lines are part of the record they follow
    return Figures(path.name, lines, lines - result.source.records_rejected, len(truth), len(proposed),
                   len(result.candidates), repeats)


def report(name: str) -> list[Figures]:
    """Print the figures of one set and return them."""
    files = sorted(p for p in (ROOT / name).iterdir() if not p.name.endswith(".truth.json"))
    figures = [measure(p) for p in files]
    print(f"{name}: {'file':<22}{'read %':>8}{'proposed':>10}{'repeats':>9}{'candidates':>12}")  # noqa: T201
    for f in figures:
        print(f"{'':<{len(name) + 2}}{f.name:<22}{100 * f.read / f.lines:>8.1f}"  # noqa: T201
              f"{f.proposed:>6}/{f.templates:<3}{f.repeats:>9}{f.candidates:>12}  {f.error}")
    read_ok = sum(1 for f in figures if f.read >= 0.95 * f.lines)
    proposed = sum(f.proposed for f in figures) / sum(f.templates for f in figures)
    repeats = sum(f.repeats for f in figures) / max(1, sum(f.candidates for f in figures))
    print(f"{name}: {read_ok} of {len(figures)} files read at >= 95 %; templates proposed {proposed:.2f}; "  # noqa: T201
          f"repeats {100 * repeats:.1f} % of candidates; at most {max(f.candidates for f in figures)} a file")
    return figures


def rows(sets: tuple[str, ...] = ("dev", "test", "hard", "holdout", "fresh", "fresh2")) -> list[tuple[str, str, str]]:
    """Return the (measure, figure, goal) rows of ``make bench``: each set's reading and candidate figures."""
    out = []
    for name in sets:
        figures = [measure(p) for p in sorted((ROOT / name).iterdir()) if not p.name.endswith(".truth.json")]
        read_ok = sum(1 for f in figures if f.read >= 0.95 * f.lines)
        proposed = sum(f.proposed for f in figures) / max(1, sum(f.templates for f in figures))
        repeats = sum(f.repeats for f in figures) / max(1, sum(f.candidates for f in figures))
        out += [(f"Logs ({name} set): files read at ≥ 95 % of lines", f"{read_ok} of {len(figures)}", "all"),
                (f"Logs ({name} set): error/warning templates proposed", f"{proposed:.2f}", "≥ 0.90"),
                (f"Logs ({name} set): candidates repeating a template", f"{100 * repeats:.1f} %", "≤ 10 %"),
                (f"Logs ({name} set): most candidates in one file", f"{max(f.candidates for f in figures)}", "≤ 40")]
    return out


if __name__ == "__main__":
    for chosen in sys.argv[1:] or ["dev"]:
        report(chosen)
