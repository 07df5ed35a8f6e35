"""Grafana Loki ``query_range``: log lines of the incident window, merged across streams in time order.

The lines are not timeline events: they feed the log candidate extraction (first error of each kind, bursts,
deploys), like an uploaded log file does.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import requests

from core.connectors import egress, http
from core.connectors.errors import ConnectorError
from core.ingest import ImportResult
from core.ingest.structured import records
from core.models import Candidate, SourceKind, TimeWindow

SOURCE = "Loki"
PAGE_SIZE = 5_000
"""Loki's default ``max_entries_limit_per_query``; a page this full means there may be more."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_Entry = tuple[int, tuple[tuple[str, str], ...], str]


@dataclass(frozen=True)
class LokiLine:
    """One log line from Loki: its time (UTC), its stream's labels and its text."""

    time: datetime
    labels: tuple[tuple[str, str], ...]
    line: str


Consume = Callable[[Iterator[LokiLine]], Sequence[Candidate]]
"""What turns lines into candidate events (the log candidate extractor, wired by the caller)."""


class LokiConnector:
    """Read log lines from Loki, paging forward in time until the window is exhausted."""

    def __init__(self, session: requests.Session, *, timeout: float = 30.0, org_id: str = "") -> None:
        self._session = session
        self._timeout = timeout
        self._headers = {"X-Scope-OrgID": org_id} if org_id else {}

    def fetch_lines(self, url: str, query: str, window: TimeWindow, *, margin: timedelta = records.MARGIN,
                    page_size: int = PAGE_SIZE) -> Iterator[LokiLine]:
        """Yield the lines of LogQL ``query`` over the window ± ``margin``, oldest first."""
        server = http.base_url(url)
        tally = records.Tally(egress.redact(server), window, margin)
        yield from self._lines(server, query, window, margin, page_size, tally)

    def import_logs(self, url: str, query: str, window: TimeWindow, *, now: datetime,
                    margin: timedelta = records.MARGIN, consume: Consume | None = None,
                    page_size: int = PAGE_SIZE) -> ImportResult:
        """Stream the lines into ``consume`` and return its candidates with the import record (no events)."""
        server = http.base_url(url)
        tally = records.Tally(egress.redact(server), window, margin)
        lines = self._lines(server, query, window, margin, page_size, tally)
        if consume is None:
            candidates: Sequence[Candidate] = ()
            for _ in lines:
                pass
        else:
            candidates = consume(lines)
        return tally.result(SourceKind.LOGS, now=now, query=query, candidates=candidates)

    def _lines(self, server: str, query: str, window: TimeWindow, margin: timedelta, page_size: int,
               tally: records.Tally) -> Iterator[LokiLine]:
        start = _ns(window.start - margin)
        end = _ns(window.end + margin) + 1  # Loki's end is exclusive
        boundary, seen_at_boundary = -1, set[_Entry]()
        while start < end:
            entries = self._page(server, query, start, end, page_size, tally)
            for entry in entries:
                if entry[0] == boundary and entry in seen_at_boundary:
                    continue  # the next page starts at the last time of this one, so its lines come again
                tally.read += 1
                time = _EPOCH + timedelta(microseconds=entry[0] // 1000)
                tally.keep(time)
                yield LokiLine(time=time, labels=entry[1], line=entry[2])
            if len(entries) < page_size:
                return
            last = entries[-1][0]
            if last != boundary:
                boundary, seen_at_boundary = last, set()
            fresh = {e for e in entries if e[0] == last} - seen_at_boundary
            seen_at_boundary |= fresh
            # a page filled by one instant that was already read: step past it rather than loop forever
            start = last if fresh else last + 1

    def _page(self, server: str, query: str, start: int, end: int, page_size: int,
              tally: records.Tally) -> list[_Entry]:
        params: dict[str, str | int] = {
            "query": query, "start": str(start), "end": str(end), "limit": page_size, "direction": "forward",
        }
        doc = http.get_json(self._session, server + "/loki/api/v1/query_range", source=SOURCE, server=server,
                            timeout=self._timeout, params=params, headers=self._headers)
        data = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise ConnectorError(f"{egress.redact(server)} did not answer like Loki: is it the Loki address?")
        if data.get("resultType") != "streams":
            raise ConnectorError(
                f"Loki answered with {data.get('resultType')} data: give a log query such as "
                '{app="checkout"} |= "error", not a metric query like rate(...).'
            )
        streams = [_stream(number, raw, tally) for number, raw in enumerate(data["result"], start=1)]
        return list(heapq.merge(*streams))


def _stream(number: int, raw: object, tally: records.Tally) -> list[_Entry]:
    stream = raw.get("stream") if isinstance(raw, dict) else None
    values = raw.get("values") if isinstance(raw, dict) else None
    if not isinstance(stream, dict) or not isinstance(values, list):
        tally.read += 1
        tally.reject(f"stream {number}", "stream labels or values missing")
        return []
    labels = tuple(sorted((str(k), str(v)) for k, v in stream.items()))
    entries: list[_Entry] = []
    for index, value in enumerate(values, start=1):
        # [ns, line] or, with structured metadata, [ns, line, {...}]
        if isinstance(value, list) and len(value) >= 2 and str(value[0]).isdigit() and isinstance(value[1], str):
            entries.append((int(value[0]), labels, value[1]))
        else:
            tally.read += 1
            tally.reject(f"stream {number} value {index}", f"{value!r:.60} is not a [nanoseconds, line] pair")
    return sorted(entries)


def _ns(time: datetime) -> int:
    return (time - _EPOCH) // timedelta(microseconds=1) * 1000
