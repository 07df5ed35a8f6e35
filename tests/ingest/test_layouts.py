"""The layout logs of ``data/layouts/dev`` (one file per layout, written by ``layout_logs``) read and proposed well.

Tuning happens on the dev set; the test set is held out and only its overall figures are checked.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from core.ingest import logs
from tests.ingest.conftest import DEMO_WINDOW, NOW
from tests.ingest.layout_logs import ROOT

_MASKS = re.compile(r"<(?:\*|n|ip|hex|uuid|str|time|pod)>")


def _files(name: str) -> list[Path]:
    return sorted(p for p in (ROOT / name).iterdir() if not p.name.endswith(".truth.json"))


def _import(path: Path):
    return logs.import_log(io.BytesIO(path.read_bytes()), origin=path.name, window=DEMO_WINDOW, assume_tz=UTC,
                           now=NOW)


@pytest.mark.parametrize("path", _files("dev"), ids=lambda p: p.name)
def test_every_dev_layout_is_read_and_its_templates_proposed_once_as_text(path: Path):
    result = _import(path)
    lines = sum(1 for line in path.read_bytes().splitlines() if line.strip())
    assert result.source.records_read >= 0.95 * lines
    truth = json.loads(path.with_name(path.name + ".truth.json").read_text(encoding="utf-8"))["templates"]
    events = [c.event for c in result.candidates]
    assert [p for p in truth if not any(p in e for e in events)] == []
    assert [e for e in events if _MASKS.search(e)] == []
    firsts = [e for e in events if e.startswith("First ")]
    assert len(firsts) == len(truth)  # one candidate per template, no repeats
    assert len(result.candidates) <= 40


def test_the_precursor_warning_is_proposed_before_the_burst():
    result = _import(ROOT / "dev" / "logfmt.log")
    precursor = next(c for c in result.candidates if "query latency above 2s" in c.event)
    burst = next(c for c in result.candidates if "burst starts" in c.event)
    assert precursor.event.startswith("First warning: query latency above 2s for orders (")
    assert burst.time - precursor.time > timedelta(minutes=3)
