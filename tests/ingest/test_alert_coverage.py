"""An alert file answers for the incident window: an alert's silence is no data gap (issue 12)."""

from __future__ import annotations

import io

import pytest

from core import coverage, gathering
from core.models import SourceKind
from tests.factories import NOW, make_postmortem
from tests.ingest.conftest import DEMO


@pytest.mark.parametrize("name", ["alertmanager-alerts.json", "alerts-history.json"])
def test_an_alert_file_covers_the_whole_window_and_leaves_no_gap(name):
    pm = make_postmortem()
    result = gathering.read_file(io.BytesIO((DEMO / name).read_bytes()), name=name, pm=pm, now=NOW)
    assert result.source.kind is SourceKind.ALERTS and result.source.covered == pm.window
    after = make_postmortem(imports=(result.source,))
    assert coverage.uncovered(after, SourceKind.ALERTS) == []
