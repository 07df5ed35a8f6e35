"""Refusing a huge import (DESIGN §11, caps of ``core.limits``): a 400,000-series Prometheus file, time and memory.

The file is the security finding's: about 28 MB of ``query_range`` JSON with 400,000 series of one sample,
which took the server from 0.3 GB to a 2.7 GB peak before the caps. It is read the way an upload is
(``gathering.read_file``) in a child process, so the peak RSS (``ru_maxrss``) is the refusal's alone; the
figure next to it is the child's RSS once the file is in memory, before reading it. Run:
``python -m bench.ingest_limits``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

SERIES = 400_000
GOAL_S, GOAL_MB = 1.0, 300.0

_CHILD = """
import io, json, resource, sys, time
from core import gathering
from core.limits import LimitExceededError
from testing.factories import NOW, make_postmortem
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
try:
    gathering.read_file(io.BytesIO(data), name="huge.json", pm=make_postmortem(), now=NOW)
    refused = ""
except LimitExceededError as exc:
    refused = str(exc)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "before_mb": before, "peak_mb": peak, "refused": refused}))
"""


def generate(path: Path, series: int = SERIES) -> int:
    """Write the finding's file: ``series`` series of one sample each, inside the test incident window."""
    stamp = 1_773_498_600  # 2026-03-14 14:30 UTC, in the window of ``tests.factories.make_postmortem``
    with path.open("w", encoding="utf-8") as out:
        out.write('{"status":"success","data":{"resultType":"matrix","result":[')
        out.write(",".join(f'{{"metric":{{"__name__":"up","pod":"p{n:06d}"}},"values":[[{stamp},"1"]]}}'
                           for n in range(series)))
        out.write("]}}")
    return path.stat().st_size


def refuse(path: Path) -> dict[str, float | str]:
    """Return the refusal's seconds, the child's RSS before and at its peak (MB), and the message."""
    root = Path(__file__).resolve().parent.parent
    output = subprocess.run([sys.executable, "-c", _CHILD, str(path)], cwd=root, check=True, capture_output=True,
                            text=True).stdout
    figures: dict[str, float | str] = json.loads(output.strip().splitlines()[-1])
    return figures


def measure() -> list[tuple[str, str, str]]:
    """Return the (measure, figure, goal) rows."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "huge.json"
        size = generate(path)
        figures = refuse(path)
    seconds, before, peak = float(figures["seconds"]), float(figures["before_mb"]), float(figures["peak_mb"])
    refused = "refused" if figures["refused"] else "NOT REFUSED"
    return [
        (f"Refusing a {SERIES:,}-series Prometheus file ({size / 1e6:.0f} MB): time", f"{seconds:.2f} s",
         f"≤ {GOAL_S:g} s, {refused} {'ok' if figures['refused'] and seconds <= GOAL_S else 'MISSED'}"),
        ("… peak memory of the process (RSS)", f"{peak:.0f} MB",
         f"≤ {GOAL_MB:g} MB {'ok' if peak <= GOAL_MB else 'MISSED'} ({before:.0f} MB before reading; the finding: "
         "2.7 GB)"),
    ]


def main() -> None:
    """Print the rows."""
    for name, figure, goal in measure():
        print(f"{name:<62} {figure:>10}  {goal}")


if __name__ == "__main__":
    main()
