"""Step 2 use cases: import telemetry into a post-mortem, keep coverage gaps, promote candidates."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, tzinfo
from typing import BinaryIO

from core import coverage, limits, postmortem_service, report_text, timeline
from core.connectors.loki import LokiLine
from core.errors import InvalidInputError
from core.ingest import ImportResult, logs, structured
from core.models import (
    Candidate,
    DataGap,
    MetricSeries,
    PostMortem,
    SourceKind,
    TimelineEvent,
)
from core.storage.repository import PostMortemRepository

STRUCTURED_LIMIT = 64 * 1024 * 1024  # JSON/zip exports are read whole; anything larger is streamed as a log
FORMATS = ("auto", *logs.FORMATS, *structured.FORMATS)


def read_file(
    stream: BinaryIO,
    *,
    name: str,
    pm: PostMortem,
    now: datetime,
    fmt: str = "auto",
    assume_tz: tzinfo | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Read a telemetry file of any supported format (detected unless ``fmt`` names one)."""
    if fmt not in FORMATS:
        raise InvalidInputError(f"Unknown format {fmt!r}: expected one of {', '.join(FORMATS)}.")
    head = stream.read(8)
    stream.seek(0)
    json_or_zip = head.lstrip()[:1] in (b"{", b"[") or head.startswith(b"PK")
    if fmt in structured.FORMATS or (fmt == "auto" and json_or_zip):
        data = stream.read(STRUCTURED_LIMIT + 1)
        if fmt in structured.FORMATS or (len(data) <= STRUCTURED_LIMIT and structured.detect(data, name)):
            return structured.import_file(data, origin=name, window=pm.window, now=now, fmt=fmt)
        stream.seek(0)
    return logs.import_log(stream, origin=name, window=pm.window, format=fmt if fmt in logs.FORMATS else "auto",
                           assume_tz=assume_tz, now=now, progress=progress)


def loki_candidates(pm: PostMortem, url: str) -> Callable[[Iterator[LokiLine]], Sequence[Candidate]]:
    """Return a consumer that runs Loki's lines through the log candidate extractor, streaming."""

    def consume(lines: Iterator[LokiLine]) -> Sequence[Candidate]:
        return logs.extract_candidates(((line.time, line.line) for line in lines), origin=f"loki {url}",
                                       source="loki", window=pm.window)

    return consume


def apply_import(
    pm: PostMortem, result: ImportResult, *, actor: str, now: datetime, repo: PostMortemRepository
) -> PostMortem:
    """Add what an import found; importing the same source again replaces it and duplicates nothing.

    An import over a cap of ``core.limits`` is refused before anything is stored; a long series is downsampled.
    """
    result = limits.bounded_import(result)
    source = result.source
    imports = tuple(i for i in pm.imports if not (i.kind is source.kind and i.origin == source.origin))
    after = dataclasses.replace(
        pm,
        imports=(*imports, source),
        candidates=_merge_candidates(pm.candidates, result.candidates),
        events=timeline.merge_events(pm.events, result.events),
        series=_merge_series(pm.series, result.series),
        alerts=tuple({(a.name, a.start, a.labels): a for a in (*pm.alerts, *result.alerts)}.values()),
    )
    after = dataclasses.replace(after, gaps=automatic_gaps(after))
    summary = f"imported {source.origin} ({source.kind.value}: {source.records_read} records"
    summary += f", {source.records_rejected} rejected)" if source.records_rejected else ")"
    return postmortem_service.commit(pm, after, actor=actor, now=now, repo=repo, summary=summary)


def automatic_gaps(pm: PostMortem) -> tuple[DataGap, ...]:
    """Return the user's gaps plus one automatic gap per uncovered stretch of each imported required source."""
    kept = [g for g in pm.gaps if not g.automatic]
    for kind in SourceKind:
        if not kind.required or not any(i.kind is kind for i in pm.imports):
            continue
        for hole in coverage.uncovered(pm, kind):
            kept.append(DataGap(
                source=kind, window=hole, automatic=True,
                reason=(f"No {kind.value} cover {hole.start:%H:%M}–{hole.end:%H:%M} UTC "
                        f"({report_text.format_duration(hole.end - hole.start)}): consider longer retention."),
            ))
    return tuple(kept)


def promote(
    pm: PostMortem, candidate_ids: Sequence[str], *, actor: str, now: datetime, repo: PostMortemRepository
) -> PostMortem:
    """Put candidates on the timeline (as events with actor "-"); they stay listed as promoted."""
    chosen = _find(pm, candidate_ids)
    events = list(pm.events)
    for candidate in chosen:
        if candidate.promoted:
            continue
        event_id = postmortem_service.next_event_id(pm, [e.id for e in events])
        events.append(TimelineEvent(
            id=event_id, time=candidate.time, event=candidate.event, source=candidate.source, actor="-",
            kind=candidate.kind, evidence=candidate.example,
        ))
    ids = {c.id for c in chosen}
    candidates = tuple(dataclasses.replace(c, promoted=True, dismissed=False) if c.id in ids else c
                       for c in pm.candidates)
    after = dataclasses.replace(pm, events=tuple(sorted(events, key=lambda e: (e.time, e.id))),
                                candidates=candidates)
    return postmortem_service.commit(pm, after, actor=actor, now=now, repo=repo,
                                     summary=f"promoted {len(chosen)} candidate event(s) to the timeline")


def dismiss(
    pm: PostMortem, candidate_ids: Sequence[str], *, actor: str, now: datetime, repo: PostMortemRepository
) -> PostMortem:
    """Dismiss candidates: they stay in the data but are no longer proposed."""
    ids = {c.id for c in _find(pm, candidate_ids)}
    candidates = tuple(dataclasses.replace(c, dismissed=True) if c.id in ids else c for c in pm.candidates)
    return postmortem_service.commit(pm, dataclasses.replace(pm, candidates=candidates), actor=actor, now=now,
                                     repo=repo, summary=f"dismissed {len(ids)} candidate event(s)")


def open_candidates(pm: PostMortem) -> list[Candidate]:
    """Return the candidates neither promoted nor dismissed, in time order."""
    return sorted((c for c in pm.candidates if not c.promoted and not c.dismissed), key=lambda c: (c.time, c.id))


def _find(pm: PostMortem, candidate_ids: Sequence[str]) -> list[Candidate]:
    known = {c.id: c for c in pm.candidates}
    unknown = [i for i in candidate_ids if i not in known]
    if unknown:
        raise InvalidInputError(
            f"No candidate event {', '.join(unknown)} in {pm.id}: list them with `postmortem candidates {pm.id}`."
        )
    return [known[i] for i in candidate_ids]


def _merge_candidates(old: Sequence[Candidate], new: Sequence[Candidate]) -> tuple[Candidate, ...]:
    merged = {c.id: c for c in old}
    for c in new:
        previous = merged.get(c.id)
        merged[c.id] = (dataclasses.replace(c, dismissed=previous.dismissed, promoted=previous.promoted)
                        if previous else c)
    return tuple(sorted(merged.values(), key=lambda c: (c.time, c.id)))


def _merge_series(old: Sequence[MetricSeries], new: Sequence[MetricSeries]) -> tuple[MetricSeries, ...]:
    merged = {(s.query, s.labels): s for s in old}
    merged.update({(s.query, s.labels): s for s in new})
    return tuple(merged.values())
