"""What a log import keeps while it streams, and the candidates and series made from it at the end.

Memory is bounded by what is kept, never by the file: per-minute counters for the minutes inside
the window (plus margin), the first occurrence of each signature (at most ``MAX_SIGNATURES``; any
further kinds are folded into one "other kinds" signature per group), and the times of deploy
lines (at most ``MAX_DEPLOY_TIMES`` per deploy signature).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.ingest import bursts, novelty, ranking
from core.models import Candidate, EventKind, MetricPoint, MetricSeries, TimeWindow

MAX_SIGNATURES = 500
MAX_DEPLOY_SIGNATURES = 100
MAX_DEPLOY_TIMES = 1_000
DEPLOY_GAP = timedelta(minutes=10)  # deploy lines further apart than this are separate deploys
EXAMPLE_LENGTH = 300
MINUTE = timedelta(minutes=1)
_BURST_START = " burst starts:"
_BREAKDOWN = 5



def candidate_id(origin: str, signature: str) -> str:
    """Return the stable id of a candidate: the same file and signature always give the same id."""
    # surrogatepass: a lone surrogate (from a JSON escape in a Loki line, say) must not make an id impossible
    return "c-" + hashlib.sha256(f"{origin}\n{signature}".encode("utf-8", "surrogatepass")).hexdigest()[:12]


def floor_minute(time: datetime) -> datetime:
    """Return the start of the minute ``time`` falls in."""
    return time.replace(second=0, microsecond=0)


@dataclass(slots=True)
class _Occurrence:
    first: datetime
    last: datetime
    event: str
    example: str
    group: str
    count: int = 1


@dataclass(slots=True)
class _ErrorMinute:
    first: datetime
    last: datetime
    first_line: str
    last_line: str
    count: int = 1


@dataclass(slots=True)
class _Deploys:
    event: str
    times: list[tuple[datetime, str]] = field(default_factory=list)
    overflow: int = 0


class Findings:
    """The counters, first occurrences and deploy times of one import, limited to the window plus margin."""

    def __init__(self, *, origin: str, source: str, window: TimeWindow, margin: timedelta) -> None:
        self.origin = origin
        self.source = source
        self.window = window
        self.low = window.start - margin
        self.high = window.end + margin
        self.read = 0
        self.outside = 0
        self.first_kept: datetime | None = None
        self.last_kept: datetime | None = None
        self.minutes: dict[datetime, Counter[str]] = {}
        self.errors: dict[datetime, _ErrorMinute] = {}
        self.signatures: dict[str, _Occurrence] = {}
        self.deploys: dict[str, _Deploys] = {}
        self.novelty = novelty.NewLines(window.start)

    def keep(self, time: datetime, lines: int = 1) -> bool:
        """Count ``lines`` read at ``time``; return True when they fall inside the window plus margin."""
        self.read += lines
        if time < self.low or time > self.high:
            self.outside += lines
            return False
        if self.first_kept is None or time < self.first_kept:
            self.first_kept = time
        if self.last_kept is None or time > self.last_kept:
            self.last_kept = time
        return True

    def keep_bulk(self, first: datetime | None, last: datetime | None, *, kept: int, outside: int) -> None:
        """Count lines read in bulk: ``kept`` of them between ``first`` and ``last``, ``outside`` not kept."""
        self.read += kept + outside
        self.outside += outside
        if first is not None and (self.first_kept is None or first < self.first_kept):
            self.first_kept = first
        if last is not None and (self.last_kept is None or last > self.last_kept):
            self.last_kept = last

    def count(self, time: datetime, label: str, lines: int = 1) -> None:
        """Add ``lines`` kept lines with ``label`` to the minute of ``time``."""
        minute = floor_minute(time)
        counter = self.minutes.get(minute)
        if counter is None:
            counter = self.minutes[minute] = Counter()
        counter[label] += lines

    def error(self, time: datetime, *, signature: str, event: str, group: str, line: str) -> None:
        """Record a kept error line: its minute's error count, and its signature's first occurrence."""
        self.errors_at(floor_minute(time), 1, (time, line), (time, line))
        self.signature(time, signature=signature, event=event, group=group, line=line)

    def errors_at(self, minute: datetime, count: int, first: tuple[datetime, str], last: tuple[datetime, str]) -> None:
        """Add ``count`` kept error lines to ``minute``, the earliest and latest given as (time, line)."""
        errors = self.errors.get(minute)
        if errors is None:
            self.errors[minute] = _ErrorMinute(first[0], last[0], first[1][:EXAMPLE_LENGTH],
                                               last[1][:EXAMPLE_LENGTH], count)
            return
        errors.count += count
        if first[0] < errors.first:
            errors.first, errors.first_line = first[0], first[1][:EXAMPLE_LENGTH]
        if last[0] >= errors.last:
            errors.last, errors.last_line = last[0], last[1][:EXAMPLE_LENGTH]

    def signature(self, time: datetime, *, signature: str, event: str, group: str, line: str) -> None:
        """Record one kept line of an error signature: count it, and keep its first occurrence."""
        seen = self.signatures.get(signature)
        if seen is None:
            if len(self.signatures) >= MAX_SIGNATURES:
                signature = f"other {group}"
                event = f"First {group} of other kinds (more than {MAX_SIGNATURES} kinds seen)"
                seen = self.signatures.get(signature)
            if seen is None:
                self.signatures[signature] = _Occurrence(time, time, event, line[:EXAMPLE_LENGTH], group)
                return
        seen.count += 1
        if time < seen.first:
            seen.first, seen.example = time, line[:EXAMPLE_LENGTH]
        elif time > seen.last:
            seen.last = time

    def deploy(self, time: datetime, *, signature: str, event: str, line: str) -> None:
        """Record a kept deploy or restart line."""
        deploys = self.deploys.get(signature)
        if deploys is None:
            if len(self.deploys) >= MAX_DEPLOY_SIGNATURES:
                return
            deploys = self.deploys[signature] = _Deploys(event)
        if len(deploys.times) < MAX_DEPLOY_TIMES:
            deploys.times.append((time, line[:EXAMPLE_LENGTH]))
        else:
            deploys.overflow += 1

    @property
    def covered(self) -> TimeWindow | None:
        """Return the stretch from the first to the last kept line, or None when none was kept."""
        if self.first_kept is None or self.last_kept is None:
            return None
        return TimeWindow(self.first_kept, self.last_kept)

    def _dense_minutes(self) -> list[datetime]:
        if self.first_kept is None or self.last_kept is None:
            return []
        minute, last = floor_minute(self.first_kept), floor_minute(self.last_kept)
        minutes = []
        while minute <= last:
            minutes.append(minute)
            minute += MINUTE
        return minutes

    def candidates(self, *, burst_noun: str) -> tuple[Candidate, ...]:
        """Return the candidates a person should read first, at most ``ranking.MAX_SHOWN``, ordered by time.

        First occurrences of each template, bursts (the requests of one burst folded into it with a
        breakdown) and deploys; ``ranking`` picks and folds the rest.
        """
        bursts_found = self._burst_candidates(burst_noun)
        signatures = self._signature_candidates(bursts_found)
        found = [*signatures, *bursts_found, *self._deploy_candidates()]
        groups = {candidate_id(self.origin, signature): seen.group for signature, seen in self.signatures.items()}
        impact = ranking.impact(found, groups, self.window)
        for template, new in self.novelty.near(impact, self.first_kept):
            found.append(Candidate(id=candidate_id(self.origin, f"new {template}"), time=new.time,
                                   event=f"New before the impact: {' '.join(new.message.split())[:200]}",
                                   source=self.source, count=new.count, example=new.line[:EXAMPLE_LENGTH]))
        return ranking.shown(found, window=self.window, groups=groups,
                             folded_id=candidate_id(self.origin, "folded"), source=self.source)

    def _signature_candidates(self, burst_found: list[Candidate]) -> list[Candidate]:
        found = []
        starts = [c for c in burst_found if _BURST_START in c.event]
        folded: dict[str, list[tuple[str, int]]] = {c.id: [] for c in starts}
        for signature, seen in sorted(self.signatures.items(), key=lambda item: item[1].first):
            burst = next((b for b in starts if seen.group.startswith("HTTP ") and b.time <= seen.first
                          <= (b.last_time or b.time)), None)
            # an access log's requests in one burst are near-duplicates: the first stays, the rest fold into it
            if burst is not None and folded[burst.id]:
                folded[burst.id].append((signature, seen.count))
                continue
            if burst is not None:
                folded[burst.id].append((signature, seen.count))
            found.append(Candidate(id=candidate_id(self.origin, signature), time=seen.first, event=seen.event,
                                   source=self.source, count=seen.count, example=seen.example, kind=EventKind.LOG,
                                   last_time=seen.last))
        for index, start in enumerate(burst_found):
            parts = folded.get(start.id)
            if parts and len(parts) > 1:
                breakdown = ", ".join(f"{name.removeprefix('HTTP ')} ×{count:,}" for name, count in
                                      sorted(parts, key=lambda p: -p[1])[:_BREAKDOWN])
                more = f" and {len(parts) - _BREAKDOWN} more" if len(parts) > _BREAKDOWN else ""
                burst_found[index] = dataclasses.replace(start, event=f"{start.event} ({breakdown}{more})")
        return found

    def _burst_candidates(self, noun: str) -> list[Candidate]:
        minutes = self._dense_minutes()
        counts = [self.errors[m].count if m in self.errors else 0 for m in minutes]
        found = []
        for burst in bursts.find_bursts(counts):
            began = self.errors[minutes[burst.start]]
            ended = self.errors[minutes[burst.end]] if burst.end is not None else None
            # a burst still going when the data stops has no end candidate; its last error is still known
            stop = len(minutes) if burst.end is None else burst.end + 1
            last = max(self.errors[m].last for m in minutes[burst.start:stop] if m in self.errors)
            key = minutes[burst.start].isoformat()
            found.append(Candidate(
                id=candidate_id(self.origin, f"burst-start {noun} {key}"), time=began.first,
                event=f"{noun}{_BURST_START} {began.count}/min, up from {burst.baseline:g}/min",
                source=self.source, count=burst.total, last_time=last,
                example=began.first_line))
            if ended is not None and burst.end is not None:
                span = burst.end - burst.start + 1
                found.append(Candidate(
                    id=candidate_id(self.origin, f"burst-end {noun} {key}"), time=ended.last,
                    event=f"{noun} burst ends: {burst.total:,} errors in {span} min, peak {burst.peak}/min",
                    source=self.source, count=burst.total, last_time=ended.last,
                    example=ended.last_line))
        return found

    def _deploy_candidates(self) -> list[Candidate]:
        found = []
        for signature, deploys in self.deploys.items():
            times = sorted(deploys.times)
            groups: list[list[tuple[datetime, str]]] = []
            for entry in times:
                if groups and entry[0] - groups[-1][-1][0] <= DEPLOY_GAP:
                    groups[-1].append(entry)
                else:
                    groups.append([entry])
            for number, group in enumerate(groups):
                extra = deploys.overflow if number == len(groups) - 1 else 0
                found.append(Candidate(
                    id=candidate_id(self.origin, f"deploy {signature} {floor_minute(group[0][0]).isoformat()}"),
                    time=group[0][0], event=deploys.event, source=self.source, count=len(group) + extra,
                    example=group[0][1], kind=EventKind.DEPLOY, last_time=group[-1][0]))
        return found

    def series(self, *, query: str, label: str, values: Iterable[str]) -> tuple[MetricSeries, ...]:
        """Return per-minute line counts over the covered minutes: the total, then one series per value."""
        minutes = self._dense_minutes()
        empty: Counter[str] = Counter()
        rows = [(m, self.minutes.get(m, empty)) for m in minutes]
        result = [MetricSeries(query, (), tuple(MetricPoint(m, float(c.total())) for m, c in rows))]
        result += [MetricSeries(query, ((label, value),), tuple(MetricPoint(m, float(c[value])) for m, c in rows))
                   for value in values]
        return tuple(result)
