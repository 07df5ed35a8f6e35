"""Helpers for driving the app in Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_app(pm_id: str | None = None, page: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    if pm_id:
        app.query_params["pm"] = pm_id
    app.run()
    if page and page != "home":
        app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    return app


def next_button(app: AppTest):
    return next(b for b in app.button if b.label.startswith("Next step"))


def errors(app: AppTest) -> str:
    return "\n".join(e.value for e in app.error)


def by_label(elements, label: str):
    return next(e for e in elements if e.label.startswith(label))
