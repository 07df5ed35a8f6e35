"""Shared fixture files and a one-line way to import them over a ten-minute incident window."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.ingest import ImportResult, logs
from core.models import TimeWindow

DATA = Path(__file__).resolve().parent / "data"
DEMO = Path(__file__).resolve().parents[2] / "demo" / "telemetry"
WINDOW = TimeWindow(datetime(2026, 3, 14, 10, 0, tzinfo=UTC), datetime(2026, 3, 14, 10, 10, tzinfo=UTC))
DEMO_WINDOW = TimeWindow(datetime(2026, 3, 14, 14, 0, tzinfo=UTC), datetime(2026, 3, 14, 15, 30, tzinfo=UTC))
MARGIN = timedelta(minutes=5)
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    """Return an ISO-8601 time with offset as an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def import_bytes(data: bytes, origin: str, **options: Any) -> ImportResult:
    """Import bytes as a log file over the fixtures' window (or the options' one)."""
    options = {"window": WINDOW, "margin": MARGIN, "now": NOW, **options}
    return logs.import_log(io.BytesIO(data), origin=origin, **options)


def import_fixture(name: str, **options: Any) -> ImportResult:
    """Import a file of ``tests/ingest/data`` over the fixtures' window."""
    return import_bytes((DATA / name).read_bytes(), name, **options)


def import_demo(name: str, **options: Any) -> ImportResult:
    """Import a file of the demo telemetry over the demo incident's window, with the default margin."""
    options = {"window": DEMO_WINDOW, "margin": logs.MARGIN, **options}
    return import_bytes((DEMO / name).read_bytes(), f"demo/telemetry/{name}", **options)
