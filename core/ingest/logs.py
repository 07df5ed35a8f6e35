"""Importing a log file: detect its format, stream it, and propose candidate events and per-minute series.

Formats: ``nginx`` (nginx/Apache access logs), ``jsonl`` (JSON lines), ``kubectl`` (``kubectl logs
--timestamps``, with or without ``--prefix``), ``syslog`` (RFC 5424 and 3164) and ``plain``: any text
log whose lines carry a time in a layout ``timefinder`` knows (ISO, log4j, compact, Apache error
log, logcat, Windows servicing, epoch…, after a file name or host if need be); gzip files are
recognised by their magic bytes. ``format="auto"`` sniffs the first 50 non-empty lines (indented
ones, which continue a record, aside) and picks the format most of them fit, ties going to the more
specific format, in that order. More than half must fit, or the file is refused with the formats
tried; a format given by hand must pass the same test.

What the result holds:

* ``source.records_read`` counts every line read with a time, inside the window or not;
  ``source.records_rejected`` counts the malformed lines, and ``rejected_reasons`` gives the first
  five as ``FILE line N: what was wrong (expected …)``. The good lines still import.
* Lines outside the incident window plus ``margin`` are read and counted but not kept. They are
  not rejected (nothing is wrong with them), so they stay out of ``records_rejected`` and
  ``rejected_reasons``; their number is ``ImportResult.skipped_outside_window``, for a note such
  as "1,234 lines outside the incident window were skipped". ``source.covered`` spans the first
  to the last kept line.
* Candidates: the first occurrence of each error or warning template (Drain, see ``miner``), its
  text the first line's message; 5xx or error bursts (start and end, an access log's requests folded
  into the start with a status × path breakdown); deploys and restarts; ranked and cut to 40 (see
  ``ranking``). Ids are a hash of ``origin`` and the signature, so importing the same file again
  yields the same ids. Series: lines per minute (access logs: total and per status
  class; application logs: total and per level), with zeros, over the covered minutes.
* A time without a zone raises ``TimezoneRequiredError`` unless ``assume_tz`` is given; a time
  with a zone keeps it. RFC 3164 syslog also has no year: ``year``, else the one nearest the window.
* Lines are decoded as UTF-8 with bad bytes replaced, CR-LF endings are accepted, and a line longer
  than 64 KiB is cut there. Memory stays bounded by what is kept (see ``findings``), not by the file.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, tzinfo
from pathlib import PurePath
from typing import BinaryIO

from core.errors import InvalidInputError
from core.ingest import ImportResult, jsonlines, nginx, streams, textlogs
from core.ingest.applogs import AppLog
from core.ingest.findings import Findings
from core.ingest.jsonlines import JsonKeys
from core.ingest.rejects import Rejects
from core.ingest.timestamps import Clock, TimezoneRequiredError
from core.models import Candidate, SourceImport, SourceKind, TimeWindow

__all__ = ["FORMATS", "JsonKeys", "TimezoneRequiredError", "detect_format", "extract_candidates", "import_log"]

FORMATS = ("nginx", "jsonl", "kubectl", "syslog", "plain")
LABELS = {
    "nginx": "nginx/Apache access log",
    "jsonl": "JSON lines",
    "kubectl": "kubectl logs --timestamps",
    "syslog": "syslog (RFC 5424/3164)",
    "plain": "plain timestamped lines",
}
_LOOKS_LIKE: dict[str, Callable[[str], bool]] = {
    "nginx": nginx.looks_like,
    "jsonl": jsonlines.looks_like,
    "kubectl": textlogs.kubectl_looks_like,
    "syslog": textlogs.syslog_looks_like,
    "plain": textlogs.plain_looks_like,
}
SNIFF_LINES = 50
MARGIN = timedelta(minutes=30)
_SOURCE_NOISE = re.compile(r"(?:[-_.]?(?:access|error))?(?:[-_.]?log)?$")
_TRIED = ", ".join(LABELS.values())


def _sniffed(head_lines: list[str]) -> list[str]:
    # indented lines continue a record (stack traces): they neither support nor contradict a format
    return [line for line in head_lines if line.strip() and not line[0].isspace()][:SNIFF_LINES]


def detect_format(head_lines: list[str]) -> str:
    """Return the format most of the first non-empty lines fit; raise InvalidInputError naming the formats tried."""
    lines = _sniffed(head_lines)
    if not lines:
        raise InvalidInputError(f"the file holds no log lines (tried {_TRIED})")
    scores = {fmt: sum(1 for line in lines if _LOOKS_LIKE[fmt](line)) for fmt in FORMATS}
    best = max(FORMATS, key=lambda fmt: scores[fmt])  # first of the best: the more specific format
    if scores[best] * 2 <= len(lines):
        raise InvalidInputError(
            f"this is not a log format the wizard reads: tried {_TRIED}, and none fits more than half of "
            f"the first {len(lines)} lines (the best, {LABELS[best]}, fits {scores[best]})")
    return best


def _check_format(fmt: str, head_lines: list[str]) -> None:
    lines = _sniffed(head_lines)
    fitting = sum(1 for line in lines if _LOOKS_LIKE[fmt](line))
    if not lines or fitting * 2 <= len(lines):
        raise InvalidInputError(f"this file does not fit the format chosen, {LABELS[fmt]}: only {fitting} of its "
                                f"first {len(lines)} non-empty lines do (choose another format, or auto)")


def _head_lines(chunk: bytes) -> list[str]:
    lines = chunk[:1 << 20].decode("utf-8", "replace").split("\n")[:SNIFF_LINES * 4]
    return [line[:streams.MAX_LINE].rstrip("\r") for line in lines]


def source_name(origin: str, fmt: str) -> str:
    """Return the short name candidates carry as their source: the file stem, ``nginx`` for a bare access log."""
    stem = PurePath(origin).name.split(".", 1)[0]
    stem = _SOURCE_NOISE.sub("", stem) if fmt == "nginx" else stem
    return stem or ("nginx" if fmt == "nginx" else "logs")


def import_log(stream: BinaryIO, *, origin: str, window: TimeWindow, format: str = "auto",
               assume_tz: tzinfo | None = None, year: int | None = None,
               margin: timedelta = MARGIN, now: datetime,
               progress: Callable[[int], None] | None = None, json_keys: JsonKeys | None = None) -> ImportResult:
    """Import one log file: candidate events and per-minute series for the window; see the module docstring."""
    name = PurePath(origin).name or origin
    if format != "auto" and format not in FORMATS:
        raise InvalidInputError(f"{name}: unknown log format {format!r} (expected auto, {', '.join(FORMATS)})")
    chunks = streams.iter_chunks(stream, name=name, progress=progress)
    first = next(chunks, b"")
    head = _head_lines(first)
    try:
        if format == "auto":
            fmt = detect_format(head)
        else:
            fmt = format
            _check_format(fmt, head)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{name}: {exc}") from exc
    clock = Clock(origin=name, assume_tz=assume_tz, year=year, around=window.start)
    source = source_name(name, fmt)
    findings = Findings(origin=origin, source=source, window=window, margin=margin)
    rejects = Rejects(name)
    everything = itertools.chain([first], chunks)
    if fmt == "nginx":
        nginx.AccessLog(clock=clock, findings=findings, rejects=rejects).read(everything)
        series = findings.series(query=f"{source} requests/min", label="class", values=nginx.CLASSES)
        noun = "5xx"
    else:
        keys = json_keys or JsonKeys()
        parse = {"jsonl": lambda: jsonlines.parser(clock, keys),
                 "kubectl": lambda: textlogs.kubectl_parser(clock, keys),
                 "syslog": lambda: textlogs.syslog_parser(clock),
                 "plain": lambda: textlogs.plain_parser(clock)}[fmt]()
        app = AppLog(findings=findings, rejects=rejects)
        app.read(everything, parse=parse, continuations=fmt in ("syslog", "plain"))
        series = findings.series(query=f"{source} log lines/min", label="level", values=app.series_labels())
        noun = "Error"
    if findings.read == 0:
        raise InvalidInputError(f"{name}: no line could be read as {LABELS[fmt]}; "
                                + ("; ".join(rejects.reasons) or "the file is empty"))
    return ImportResult(
        source=SourceImport(kind=SourceKind.LOGS, origin=origin, imported_at=now, query=LABELS[fmt],
                            covered=findings.covered, records_read=findings.read,
                            records_rejected=rejects.count, rejected_reasons=tuple(rejects.reasons)),
        candidates=findings.candidates(burst_noun=noun),
        series=series if findings.covered is not None else (),
        skipped_outside_window=findings.outside,
    )


def extract_candidates(lines: Iterable[tuple[datetime, str]], *, origin: str, source: str, window: TimeWindow,
                       margin: timedelta = MARGIN, json_keys: JsonKeys | None = None) -> tuple[Candidate, ...]:
    """Return the candidates of log lines that already carry a UTC time (Loki's, say), as ``import_log`` would."""
    findings = Findings(origin=origin, source=source, window=window, margin=margin)
    app = AppLog(findings=findings, rejects=Rejects(source))
    keys = json_keys or JsonKeys()
    for time, text in lines:
        app.keep(textlogs.read_message(time, text, keys), text)
    return findings.candidates(burst_noun="Error")
