"""Hand-written logs in the style of real systems (``layouts/hard``, ``layouts/holdout``): read, problems proposed."""

from __future__ import annotations

import io
import json
from datetime import UTC
from pathlib import Path

import pytest

from core.ingest import logs
from tests.ingest.conftest import DEMO_WINDOW, NOW
from tests.ingest.layout_logs import ROOT

FILES = sorted(p for name in ("hard", "holdout") for p in (ROOT / name).iterdir()
               if not p.name.endswith(".truth.json"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_real_looking_log_is_read_and_its_problems_proposed_without_start_up_noise(path: Path):
    result = logs.import_log(io.BytesIO(path.read_bytes()), origin=path.name, window=DEMO_WINDOW, assume_tz=UTC,
                             now=NOW)
    assert result.source.records_rejected == 0
    truth = json.loads(path.with_name(path.name + ".truth.json").read_text(encoding="utf-8"))["templates"]
    events = [c.event for c in result.candidates]
    assert [p for p in truth if not any(p in e for e in events)] == []
    assert not [e for e in events if "starting" in e.lower() and not e.startswith("First")]  # sockets are no deploy
    assert all("[req-" not in e for e in events)
