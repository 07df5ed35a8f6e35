"""Bookkeeping shared by the saved-file importers and live connectors: counts, reasons, window, event ids."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from core.ingest import ImportResult
from core.models import AlertInterval, Candidate, MetricSeries, SourceImport, SourceKind, TimelineEvent, TimeWindow

MARGIN = timedelta(minutes=30)
"""Records this close to the incident window are kept; further ones are counted, not kept."""

MAX_REASONS = 5
M = TypeVar("M", bound=BaseModel)

OUT_OF_RANGE = "a time is out of range (expected years 1 to 9999, also once converted to UTC)"
"""Why a record is rejected when validating it overflowed: ``UtcDatetime`` converting year 1 or 9999 to UTC."""


class Tally:
    """Count what one import read, rejected or left outside the window, and the span its kept records cover.

    Records outside the window ± margin are read and counted but not kept; they are not rejected (nothing is
    wrong with them), so they go to ``ImportResult.skipped_outside_window``, as the log importers do.
    """

    def __init__(self, origin: str, window: TimeWindow | None, margin: timedelta = MARGIN) -> None:
        self.origin = origin
        self.read = 0
        self.rejected = 0
        self.outside = 0
        self.reasons: list[str] = []
        self._first: datetime | None = None
        self._last: datetime | None = None
        self._keep = TimeWindow(window.start - margin, window.end + margin) if window else None

    def reject(self, where: str, why: str) -> None:
        """Count a rejected record; ``where`` names its position, e.g. "item 3"."""
        self.rejected += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(f"{self.origin} {where}: {why}" if where else f"{self.origin}: {why}")

    def keep(self, time: datetime) -> bool:
        """Return True for a record at ``time`` inside the window ± margin; count it as outside otherwise."""
        if self._keep is None or self._keep.start <= time <= self._keep.end:
            self._note(time)
            return True
        self.outside += 1
        return False

    def overlaps(self, start: datetime, end: datetime | None) -> bool:
        """Return True for an interval (``end`` None: still open) touching the window ± margin; count it otherwise."""
        if self._keep is None or (start <= self._keep.end and (end is None or end >= self._keep.start)):
            self._note(start)
            self._note(end or start)
            return True
        self.outside += 1
        return False

    def _note(self, time: datetime) -> None:
        self._first = time if self._first is None or time < self._first else self._first
        self._last = time if self._last is None or time > self._last else self._last

    @property
    def covered(self) -> TimeWindow | None:
        """Return the span from the first to the last kept record, or None when none was kept."""
        return TimeWindow(self._first, self._last) if self._first and self._last else None

    def source(self, kind: SourceKind, *, now: datetime, query: str = "",
               covered: TimeWindow | None = None) -> SourceImport:
        """Return the ``SourceImport`` record of this import (``covered`` overrides the span of kept records)."""
        return SourceImport(
            kind=kind,
            origin=self.origin,
            imported_at=now,
            query=query,
            covered=covered or self.covered,
            records_read=self.read,
            records_rejected=self.rejected,
            rejected_reasons=tuple(self.reasons),
        )

    def result(self, kind: SourceKind, *, now: datetime, query: str = "", covered: TimeWindow | None = None,
               events: Sequence[TimelineEvent] = (), series: Sequence[MetricSeries] = (),
               alerts: Sequence[AlertInterval] = (), candidates: Sequence[Candidate] = ()) -> ImportResult:
        """Return the ``ImportResult`` of this import with what it found."""
        return ImportResult(
            source=self.source(kind, now=now, query=query, covered=covered),
            candidates=tuple(candidates),
            events=tuple(events),
            series=tuple(series),
            alerts=tuple(alerts),
            skipped_outside_window=self.outside,
        )


def event_id(prefix: str, *parts: str) -> str:
    """Return a stable event id for a foreign record, so importing the same data twice gives the same ids."""
    # surrogatepass: a lone surrogate (from a JSON escape) must not make an id impossible
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{prefix}-{digest}"


def from_epoch(seconds: float) -> datetime:
    """Return the UTC time of a Unix timestamp in seconds."""
    if not math.isfinite(seconds):
        raise ValueError(f"{seconds} is not a time")
    return datetime.fromtimestamp(seconds, tz=UTC)


def validated(model: type[M], raw: object, where: str, tally: Tally) -> M | None:
    """Validate one foreign record; a bad one is counted as rejected, with why, and None is returned."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        tally.reject(where, reason(exc))
    except OverflowError:
        tally.reject(where, OUT_OF_RANGE)
    return None


def reason(exc: ValidationError) -> str:
    """Return the first validation problem in plain words, e.g. "startsAt missing"."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "the record"
    if error["type"] == "missing":
        return f"{field} missing"
    shown = repr(error.get("input"))
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    return f"{field} {shown}: {error['msg'][:1].lower()}{error['msg'][1:]}"
