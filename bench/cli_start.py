"""CLI start-up (DESIGN §7, issue 16): wall time of the installed ``postmortem --help`` and ``postmortem list``.

Each run is a fresh process, as a person or a script starts it; ``list`` runs against a SQLite file holding
the demo post-mortem, migrated beforehand so the figure is the start-up, not the first migration.
Run: ``python -m bench.cli_start``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
GOAL_HELP_S = 0.5
GOAL_LIST_S = 1.0


def command() -> list[str]:
    """Return the installed console script (next to this Python), as ``pip install`` put it."""
    script = Path(sys.executable).with_name("postmortem")
    if not script.is_file():
        raise RuntimeError(f"{script} is missing: install the project first (make install)")
    return [str(script)]


def wall_time(args: list[str], *, env: dict[str, str], runs: int = RUNS) -> float:
    """Return the median seconds from starting ``postmortem ARGS`` to its exit (status 0 required)."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command(), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure() -> list[tuple[str, str, str]]:
    """Return the (measure, figure, goal) rows."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/cli.db"}
        subprocess.run([*command(), "migrate", "--seed-demo"], env=env, capture_output=True, check=True)
        help_s = wall_time(["--help"], env=env)
        list_s = wall_time(["list"], env=env)
    return [
        ("postmortem --help (median)", f"{help_s:.2f} s", f"≤ {GOAL_HELP_S:g} s {_verdict(help_s, GOAL_HELP_S)}"),
        ("postmortem list (median)", f"{list_s:.2f} s", f"≤ {GOAL_LIST_S:g} s {_verdict(list_s, GOAL_LIST_S)}"),
    ]


def _verdict(figure: float, goal: float) -> str:
    return "ok" if figure <= goal else "MISSED"


def main() -> None:
    """Print the CLI start-up table."""
    rows = measure()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>8}  goal")
    for name, figure, goal in rows:
        print(f"{name:<{width}}  {figure:>8}  {goal}")


if __name__ == "__main__":
    main()
