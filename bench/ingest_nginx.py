"""Log import speed (DESIGN §11): 1,000,000 nginx lines to candidates and series, against `grep -c`.

Generates a combined-format access log of 1,000,000 lines (about 110 MB, three hours, a 20-minute
5xx burst, a few malformed lines) in a temporary folder, then times `grep -c ' 50[0-9] '` on it
and `core.ingest.logs.import_log` in a child process (so its peak RSS, from `ru_maxrss`, is the
import's alone). Both are timed warm, best of three. Run: `python -m bench.ingest_nginx`.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

LINES = 1_000_000
START = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
SPAN = timedelta(hours=3)
BURST = (datetime(2026, 3, 14, 13, 30, tzinfo=UTC), datetime(2026, 3, 14, 13, 50, tzinfo=UTC))
WINDOW = (datetime(2026, 3, 14, 13, 0, tzinfo=UTC), datetime(2026, 3, 14, 14, 30, tzinfo=UTC))
RUNS = 3
GOAL_RATIO, GOAL_MB = 8.0, 300.0

PATHS = ("/api/checkout?id={n}", "/api/checkout/submit", "/api/checkout/payment-intent", "/api/cart/{n}/items",
         "/static/app.{h}.js", "/api/users/{n}", "/health")
AGENTS = ('"Mozilla/5.0 (iPhone)"', '"ShopApp/5.12"', '"curl/8.5.0"', '"Mozilla/5.0 (X11)"')
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def generate(path: Path) -> None:
    """Write the benchmark access log: steady traffic, a 5xx burst, five malformed lines."""
    rng = random.Random(20260314)
    step = SPAN.total_seconds() / LINES
    broken = {LINES // 7 * k for k in range(1, 6)}
    burst = (BURST[0] - START).total_seconds(), (BURST[1] - START).total_seconds()
    with path.open("w", encoding="utf-8") as out:
        batch = []
        for i in range(LINES):
            offset = i * step
            t = START + timedelta(seconds=offset)
            stamp = f"{t.day:02d}/{MONTHS[t.month - 1]}/{t.year}:{t:%H:%M:%S} +0000"
            roll = rng.random()
            if burst[0] <= offset < burst[1] and roll < 0.3:
                status = rng.choice((502, 503, 504))
            elif roll < 0.02:
                status = rng.choice((301, 304, 400, 404))
            else:
                status = 200
            target = rng.choice(PATHS).format(n=rng.randint(1, 99999), h=f"{rng.getrandbits(32):08x}")
            method = "POST" if target.endswith(("submit", "intent")) else "GET"
            line = (f'10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)} - - [{stamp}] "{method} {target} HTTP/1.1" '
                    f'{status} {rng.randint(50, 9000)} "-" {rng.choice(AGENTS)}\n')
            batch.append(line[: len(line) // 2] + "\n" if i in broken else line)
            if len(batch) == 10_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))


def child(path: str) -> None:
    """Import the file once and print seconds, peak RSS and what was found, as JSON (run in a child process)."""
    from core.ingest import logs
    from core.models import TimeWindow

    started = time.perf_counter()
    with open(path, "rb") as stream:
        result = logs.import_log(stream, origin=Path(path).name, window=TimeWindow(*WINDOW),
                                 now=datetime.now(UTC))
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "read": result.source.records_read,
        "rejected": result.source.records_rejected,
        "candidates": len(result.candidates),
        "bursts": [c.event for c in result.candidates if "burst" in c.event],
    }))


def _grep_seconds(path: Path) -> float:
    started = time.perf_counter()
    # stdout to a pipe, not DEVNULL: GNU grep stops at the first match when its output is discarded
    subprocess.run(["grep", "-c", " 50[0-9] ", str(path)], check=True, stdout=subprocess.PIPE)
    return time.perf_counter() - started


def _import_run(path: Path) -> dict[str, Any]:
    output = subprocess.run([sys.executable, "-m", "bench.ingest_nginx", "--child", str(path)],
                            check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    return dict(json.loads(output.stdout))


def measure() -> list[tuple[str, str, str]]:
    """Generate the log, time grep and the import; return (measure, figure, goal) rows."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "access.log"
        generate(path)
        size_mb = path.stat().st_size / 1e6
        _grep_seconds(path)  # warm the page cache for both
        grep = min(_grep_seconds(path) for _ in range(RUNS))
        runs = [_import_run(path) for _ in range(RUNS)]
    seconds = min(float(r["seconds"]) for r in runs)
    peak = max(float(r["peak_mb"]) for r in runs)
    ratio = seconds / grep
    first = runs[0]
    return [
        ("lines (read / rejected)", f"{first['read']:,} / {first['rejected']}", f"{LINES:,}"),
        ("file size", f"{size_mb:.0f} MB", "~110 MB"),
        ("grep -c ' 50[0-9] '", f"{grep:.2f} s", "—"),
        ("import_log to candidates + series", f"{seconds:.2f} s", "—"),
        ("import / grep", f"{ratio:.1f}×", f"≤ {GOAL_RATIO:g}× {'ok' if ratio <= GOAL_RATIO else 'MISSED'}"),
        ("peak memory of the import", f"{peak:.0f} MB", f"≤ {GOAL_MB:g} MB {'ok' if peak <= GOAL_MB else 'MISSED'}"),
        ("candidates (bursts)", f"{first['candidates']} ({len(first['bursts'])})", "a start and an end"),
    ]


def main() -> None:
    """Print the benchmark table."""
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    rows = measure()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>16}  goal")
    for name, figure, goal in rows:
        print(f"{name:<{width}}  {figure:>16}  {goal}")


if __name__ == "__main__":
    main()
