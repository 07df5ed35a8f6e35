"""Run every benchmark and print one table: measure, figure, goal, verdict."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from bench import chart_spec, cli_start, ingest_layouts, ingest_limits, ingest_nginx, language_eval, page_rerun, storage
from core import chart
from core.export import markdown, pdf
from testing.browser import chromium, free_port
from testing.factories import NOW, complete_postmortem

ROOT = Path(__file__).resolve().parent.parent


def _median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def markdown_time() -> float:
    """Median time to render the complete post-mortem's Markdown report."""
    pm = complete_postmortem()
    return _median_ms(lambda: markdown.render(pm, now=NOW), 50)


def cold_start(db_url: str) -> float:
    """Seconds from launching `streamlit run` on an installed tree to the home page drawn in Chromium.

    Includes migrating and seeding the empty database, as `make run` does on a first start.
    """
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "SEED_DEMO": "1"}
    with chromium() as browser:
        page = browser.new_page()
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={port}"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.05)
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_role("link", name="PM-2026-03-14").wait_for(timeout=60000)
            return time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=10)


def pdf_with_chart() -> tuple[float, int]:
    """Median seconds to render the DESIGN §11 post-mortem's PDF including its chart PNG, and the page count."""
    pm = page_rerun.large_postmortem()
    timings, size = [], 0
    for _ in range(3):
        started = time.perf_counter()
        data = pdf.render(pm, now=NOW, chart_png=chart.chart_png(pm))
        timings.append(time.perf_counter() - started)
        size = len(data)
    return statistics.median(timings), size


def main() -> None:
    """Print every benchmark figure next to its DESIGN §11 goal."""
    rows: list[tuple[str, str, str]] = []
    rows += ingest_nginx.measure()
    rows += ingest_limits.measure()
    rows += ingest_layouts.rows()
    rows += [(f"Step page rerun: {label} (median)", f"{ms:.0f} ms", "≤ 250 ms") for label, ms in page_rerun.measure()]
    edits = dict(page_rerun.edit_then_rerun())
    extra = edits["design size"] - edits["demo size"]
    rows.append(("Edit then rerun, Report step, demo size (median)", f"{edits['demo size']:.0f} ms", "—"))
    rows.append(("Edit then rerun, Report step, design size (median)", f"{edits['design size']:.0f} ms",
                 f"≤ 250 ms {'ok' if edits['design size'] <= 250 else 'MISSED'}"))
    rows.append(("  design size costs more than demo by", f"{extra:.0f} ms",
                 f"≤ 100 ms {'ok' if extra <= 100 else 'MISSED'}"))
    rows += chart_spec.rows()
    seconds, size = pdf_with_chart()
    rows.append(("PDF with chart, 500 events, 40 actions (median)", f"{seconds:.2f} s", "≤ 3 s"))
    rows.append(("Markdown report (median)", f"{markdown_time():.1f} ms", "≤ 100 ms"))
    rows += storage.measure()
    rows += cli_start.measure()
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("Cold start to first page drawn", f"{cold_start(f'sqlite:///{tmp}/cold.db'):.2f} s", "≤ 5 s"))
    rows += language_eval.score_rows() + language_eval.speed_rows()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>12}  goal")
    for name, figure, goal in rows:
        print(f"{name:<{width}}  {figure:>12}  {goal}")


if __name__ == "__main__":
    main()
