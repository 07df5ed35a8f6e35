"""Step-page rerun time, server-side (AppTest), on a post-mortem of the DESIGN §11 size (goal ≤ 250 ms median)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.models import ActionItem, PostMortem, Priority
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


@contextlib.contextmanager
def stored(pm: PostMortem) -> Iterator[str]:
    """Store ``pm`` in a throw-away SQLite database the app is pointed at; yield its id."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        os.environ.update(DATABASE_URL=url, SEED_DEMO="0")
        repo = engine.open_repository(url)
        pm_id = repo.add(pm, actor="bench", now=factories.NOW).id
        repo.close()
        yield pm_id


def opened(pm_id: str, step: Step) -> AppTest:
    """Return the app showing ``step`` of ``pm_id``, after its first run."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["pm"] = pm_id
    app.run()
    app.switch_page(f"app_pages/{step.value}.py").run()
    return app


def median_ms(app: AppTest, act: Callable[[int], AppTest]) -> float:
    """Return the median milliseconds of ``act(n)`` over the reruns (it runs the app once)."""
    timings = []
    for n in range(RERUNS):
        started = time.perf_counter()
        act(n)
        timings.append((time.perf_counter() - started) * 1000)
    assert not app.exception, app.exception
    return statistics.median(timings)


def measure() -> list[tuple[str, float]]:
    """Return (step, median rerun ms) for every step page."""
    with stored(large_postmortem()) as pm_id:
        results = []
        for step in Step:
            app = opened(pm_id, step)
            results.append((step.label, median_ms(app, lambda _n, app=app: app.run())))
        return results


def edit_then_rerun() -> list[tuple[str, float]]:
    """Return (size, median ms) of typing into "Lessons learned" and the rerun that saves it, demo vs design size."""
    results = []
    for label, make in (("demo size", factories.complete_postmortem), ("design size", large_postmortem)):
        with stored(make()) as pm_id:
            app = opened(pm_id, Step.REPORT)

            def type_lessons(n: int, app: AppTest = app) -> AppTest:
                box = next(t for t in app.text_area if t.label == "Lessons learned")
                return box.input(f"Pools need an alert before they run out ({n}).").run()

            results.append((label, median_ms(app, type_lessons)))
    return results


def main() -> None:
    for label, ms in measure():
        print(f"{label:<28} {ms:7.0f} ms (goal ≤ {GOAL_MS} ms)")
    for label, ms in edit_then_rerun():
        print(f"edit then rerun, {label:<12} {ms:7.0f} ms")


if __name__ == "__main__":
    main()
