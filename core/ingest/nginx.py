"""nginx and Apache access logs (``combined`` or ``common``): per-minute counts by status class and 5xx signatures.

A line is read up to its status code: ``… [14/Mar/2026:14:02:17 +0000] "GET /path HTTP/1.1" 502 …``;
what precedes the time (client, ident, user) and follows the status (bytes, referer, agent, extra
fields of a custom format) is not checked. Speed matters here (DESIGN §11), so each chunk is read
column-wise by ``nginx_columns`` and counted with numpy; only its 5xx lines are then looked at
one by one, and only lines of another shape go through the line-by-line reader below (which reads
standard lines the same way, and names the rejected ones).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from core.ingest import nginx_columns, streams, templates
from core.ingest.findings import Findings, floor_minute
from core.ingest.rejects import Rejects, excerpt
from core.ingest.streams import MAX_LINE
from core.ingest.timestamps import Clock

_LINE = re.compile(r'\[([^\]\n]{20,40}+)\] "([^"\n]{0,8192}+)" (\d{3})(?: |$)')
_TIME = re.compile(r"\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] ")
_CLASSES = {"1": "1xx", "2": "2xx", "3": "3xx", "4": "4xx", "5": "5xx"}
CLASSES = ("2xx", "3xx", "4xx", "5xx")
EXPECTED = '(expected ADDR - USER [DD/Mon/YYYY:HH:MM:SS +ZZZZ] "REQUEST" STATUS BYTES …)'
_CACHE_LIMIT = 10_000
_CACHED_TARGET = 1024  # longer request targets (up to 8 KiB) seldom repeat: caching them would only fill memory


def looks_like(line: str) -> bool:
    """Return True when a line has the shape of an access-log line."""
    match = _LINE.search(line)
    return match is not None and _TIME.match(f"[{match[1]}] ") is not None


def _reason(line: str) -> str:
    if _TIME.search(line) is None:
        return f"not an access-log line: {excerpt(line)} {EXPECTED}"
    return f'no "REQUEST" STATUS after the time: {excerpt(line)} {EXPECTED}'


def _decode(raw: bytes) -> str:
    return raw[:MAX_LINE].decode("utf-8", "replace").rstrip("\r")


class AccessLog:
    """Reads access-log chunks into ``findings``; rejected lines go to ``rejects``."""

    def __init__(self, *, clock: Clock, findings: Findings, rejects: Rejects) -> None:
        self.clock = clock
        self.findings = findings
        self.rejects = rejects
        self.lines = 0
        self._low = math.ceil(findings.low.timestamp())
        self._high = math.floor(findings.high.timestamp())
        self._paths: dict[str, str] = {}
        self._times: dict[int, datetime] = {}

    def read(self, chunks: Iterable[bytes]) -> None:
        """Read every chunk (each ends with a newline)."""
        for piece in (piece for chunk in chunks for piece in streams.pieces(chunk)):
            columns = nginx_columns.read_columns(piece)
            self._read_standard(piece, columns)
            for row in np.flatnonzero(~columns.standard).tolist():
                start, end = int(columns.starts[row]), int(columns.ends[row])
                self._read_line(self.lines + row + 1, _decode(piece[start:end]))
            self.lines += len(columns.ends)

    def _time(self, epoch: int) -> datetime:
        time = self._times.get(epoch)
        if time is None:
            if len(self._times) >= _CACHE_LIMIT:
                self._times.clear()
            time = self._times[epoch] = datetime.fromtimestamp(epoch, UTC)
        return time

    def _read_standard(self, chunk: bytes, columns: nginx_columns.Columns) -> None:
        inside = columns.standard & (columns.epochs >= self._low) & (columns.epochs <= self._high)
        epochs = columns.epochs[inside]
        standard = int(np.count_nonzero(columns.standard))
        if len(epochs) == 0:
            self.findings.keep_bulk(None, None, kept=0, outside=standard)
            return
        self.findings.keep_bulk(self._time(int(epochs.min())), self._time(int(epochs.max())),
                                kept=len(epochs), outside=standard - len(epochs))
        keys, counts = np.unique(epochs // 60 * 10 + columns.statuses[inside] // 100, return_counts=True)
        for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
            minute, digit = divmod(key, 10)
            self.findings.count(self._time(minute * 60), _CLASSES.get(str(digit), "other"), count)
        errors = np.flatnonzero(inside & (columns.statuses // 100 == 5))
        if len(errors):
            self._read_errors(chunk, columns, errors)

    def _read_errors(self, chunk: bytes, columns: nginx_columns.Columns, rows: npt.NDArray[np.intp]) -> None:
        """Count a chunk's kept 5xx lines per minute (in bulk), then record each one's signature."""
        rows = rows[np.argsort(columns.epochs[rows], kind="stable")]
        epochs = columns.epochs[rows]

        def line(row: int) -> str:
            return _decode(chunk[columns.starts[row]:columns.ends[row]])

        minutes, firsts, counts = np.unique(epochs // 60, return_index=True, return_counts=True)
        for minute, first, count in zip(minutes.tolist(), firsts.tolist(), counts.tolist(), strict=True):
            last = first + count - 1
            self.findings.errors_at(self._time(minute * 60), count,
                                    (self._time(int(epochs[first])), line(int(rows[first]))),
                                    (self._time(int(epochs[last])), line(int(rows[last]))))
        for start, end, opened, closed, epoch, status in zip(
                columns.starts[rows].tolist(), columns.ends[rows].tolist(), columns.opens[rows].tolist(),
                columns.closes[rows].tolist(), epochs.tolist(), columns.statuses[rows].tolist(), strict=True):
            request = chunk[opened + 30:closed].decode("utf-8", "replace")
            self._signature(self._time(epoch), str(status), request, _decode(chunk[start:end]))

    def _read_line(self, number: int, line: str) -> None:
        if not line.strip():
            return
        match = _LINE.search(line)
        if match is None:
            self.rejects.add(number, _reason(line))
            return
        time = self.clock.access(match[1])
        if time is None:
            self.rejects.add(number, f"bad time {match[1]!r} (expected DD/Mon/YYYY:HH:MM:SS +ZZZZ)")
            return
        if not self.findings.keep(time):
            return
        status = match[3]
        self.findings.count(time, _CLASSES.get(status[0], "other"))
        if status[0] == "5":
            self.findings.errors_at(floor_minute(time), 1, (time, line), (time, line))
            self._signature(time, status, match[2], line)

    def _signature(self, time: datetime, status: str, request: str, line: str) -> None:
        method, _, rest = request.partition(" ")
        if rest and method.isalpha() and method.isupper():
            target = rest.split(" ", 1)[0]
            path = self._paths.get(target)
            if path is None:
                path = templates.path_template(target)
                if len(target) <= _CACHED_TARGET:
                    if len(self._paths) >= _CACHE_LIMIT:
                        self._paths.clear()
                    self._paths[target] = path
            what = f"{method} {path}"
        else:
            what = "an unreadable request"
        self.findings.signature(time, signature=f"HTTP {status} {what}", event=f"First HTTP {status} on {what}",
                                group=f"HTTP {status}", line=line)
