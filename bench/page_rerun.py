"""Step-page rerun time, server-side (AppTest), on a post-mortem of the DESIGN §11 size (goal ≤ 250 ms median)."""

from __future__ import annotations

import dataclasses
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.models import ActionItem, Priority
from core.steps import Step
from core.storage import engine
from testing import factories

GOAL_MS = 250
APP = str(Path(__file__).resolve().parent.parent / "app.py")
RERUNS = 15


def large_postmortem():  # noqa: ANN201 (bench script)
    """Return the complete post-mortem grown to 500 events, 20 series × 5,000 points and 40 actions."""
    big = factories.large_postmortem()
    base = factories.complete_postmortem()
    actions = tuple(ActionItem(f"AI-{n:03d}", f"Add alert {n} on checkout pool saturation at 80% for 5 minutes",
                               owner="@maria", deadline=date(2026, 3, 20) + timedelta(days=n % 20),
                               priority=Priority.MEDIUM, factor_ids=("F1", "F2")) for n in range(1, 41))
    return dataclasses.replace(base, events=big.events, series=big.series, alerts=big.alerts, end=big.end,
                               actions=actions, next_action_number=41)


def measure() -> list[tuple[str, float]]:
    """Return (step, median rerun ms) for every step page."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        os.environ.update(DATABASE_URL=url, SEED_DEMO="0")
        repo = engine.open_repository(url)
        pm = repo.add(large_postmortem(), actor="bench", now=factories.NOW)
        repo.close()
        results = []
        for step in Step:
            app = AppTest.from_file(APP, default_timeout=120)
            app.query_params["pm"] = pm.id
            app.run()
            app.switch_page(f"app_pages/{step.value}.py").run()
            timings = []
            for _ in range(RERUNS):
                started = time.perf_counter()
                app.run()
                timings.append((time.perf_counter() - started) * 1000)
            assert not app.exception, app.exception
            results.append((step.label, statistics.median(timings)))
        return results


def edit_then_rerun() -> list[tuple[str, float]]:
    """Return (size, median ms) of typing into "Lessons learned" and the rerun that saves it, demo vs design size."""
    results = []
    for label, make in (("demo size", factories.complete_postmortem), ("design size", large_postmortem)):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            os.environ.update(DATABASE_URL=url, SEED_DEMO="0")
            repo = engine.open_repository(url)
            pm = repo.add(make(), actor="bench", now=factories.NOW)
            repo.close()
            app = AppTest.from_file(APP, default_timeout=120)
            app.query_params["pm"] = pm.id
            app.run()
            app.switch_page(f"app_pages/{Step.REPORT.value}.py").run()
            timings = []
            for n in range(RERUNS):
                box = next(t for t in app.text_area if t.label == "Lessons learned")
                started = time.perf_counter()
                box.input(f"Pools need an alert before they run out ({n}).").run()
                timings.append((time.perf_counter() - started) * 1000)
            assert not app.exception, app.exception
            results.append((label, statistics.median(timings)))
    return results


def main() -> None:
    for label, ms in measure():
        print(f"{label:<28} {ms:7.0f} ms (goal ≤ {GOAL_MS} ms)")
    for label, ms in edit_then_rerun():
        print(f"edit then rerun, {label:<12} {ms:7.0f} ms")


if __name__ == "__main__":
    main()
