"""Parsers of telemetry files, one module per format, all streaming.

Every parser returns an ``ImportResult``: what the import read (a ``SourceImport`` with the covered
window and the first reasons lines were rejected), plus what it found — candidate events (logs),
timeline events (alerts, pages, chat), metric series and alert intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.models import AlertInterval, Candidate, MetricSeries, SourceImport, TimelineEvent


@dataclass(frozen=True)
class ImportResult:
    """What one import brought in."""

    source: SourceImport
    candidates: tuple[Candidate, ...] = ()
    events: tuple[TimelineEvent, ...] = ()
    series: tuple[MetricSeries, ...] = ()
    alerts: tuple[AlertInterval, ...] = ()
    skipped_outside_window: int = 0  # lines read but outside the incident window plus margin: counted, not kept
