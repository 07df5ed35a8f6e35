"""Application logs (kubectl, JSON lines, syslog, plain): levels, error signatures and deploy lines.

Each format module turns a line into a ``Parsed`` (UTC time, level, message) or raises
``LineRejected``; ``AppLog`` does the rest the same way for all of them. A line is an error when
its level is error, critical or fatal, or, when it has no level, when it says ERROR, FATAL,
CRITICAL, panic or exception; its signature is its level plus its message template. A line that is
not an error and mentions starting, deploying, rolling out, restarting or a version is a deploy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from core.ingest import templates
from core.ingest.findings import Findings
from core.ingest.rejects import Rejects
from core.ingest.streams import MAX_LINE, pieces

LEVELS = ("trace", "debug", "info", "warn", "error", "critical", "fatal")
ERROR_LEVELS = frozenset({"error", "critical", "fatal"})
_ALIASES = {
    "trace": "trace", "debug": "debug", "dbg": "debug", "verbose": "debug", "info": "info",
    "information": "info", "informational": "info", "notice": "info", "warn": "warn", "warning": "warn",
    "wrn": "warn", "error": "error", "err": "error", "eror": "error", "severe": "error", "crit": "critical",
    "critical": "critical", "alert": "critical", "emerg": "critical", "emergency": "critical", "fatal": "fatal",
    "panic": "fatal", "dpanic": "fatal",
}
_NUMERIC = {10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal"}  # pino / bunyan
_SYSLOG = ("critical", "critical", "critical", "error", "warn", "info", "info", "debug")
_WORDS = "TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRIT|CRITICAL|FATAL|PANIC|SEVERE"
_TEXT_LEVEL = re.compile(rf"^(?P<pre>(?:\S+\s+){{0,2}}?)(?:\[?(?P<lvl>{_WORDS})\]?|\[(?P<low>(?i:{_WORDS}))\])"
                         r"(?:[\s:|,-]+|$)")
_KLOG = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+")
_LOGFMT = re.compile(r"\b(?:level|lvl|severity)=\"?([A-Za-z]+)")
_ERROR_WORDS = re.compile(r"\b(?:ERROR|FATAL|CRITICAL|PANIC)\b|\bpanic:|[Ee]xception\b|Traceback \(most recent")
_DEPLOY = re.compile(r"\b(?:start(?:ing|ed)?(?! (?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b)|deploy(?:ing|ed|ment)?"
                     r"|roll(?:ing|ed)?[ -]?(?:out|back)|rollout|rollback|restart(?:ing|ed)?|version)\b"
                     r"|\bv\d+\.\d+(?:\.\d+)?\b", re.IGNORECASE)
_TEMPLATE_CACHE = 10_000
_CONTINUATION = re.compile(r"^(?:\s|Traceback \(|Caused by:|During handling|The above exception"
                           r"|[\w.$]+(?:Error|Exception)\b)")


class Parsed(NamedTuple):
    """One log line read: its time in UTC, its level (canonical, or None), its message."""

    time: datetime
    level: str | None
    message: str


class LineRejected(Exception):  # noqa: N818 (a signal between a parser and its reader, never shown as is)
    """Raised by a line parser with what was wrong and what was expected."""


LineParser = Callable[[str, int], Parsed]


def canonical_level(value: object) -> str | None:
    """Return the canonical level of a level name or number (pino/bunyan numbers), None when unknown."""
    if isinstance(value, str):
        text = value.strip().lower()
        return _ALIASES.get(text, text[:16] or None)
    if isinstance(value, int) and not isinstance(value, bool):
        return _NUMERIC.get(value)
    return None


def syslog_level(priority: int) -> str:
    """Return the canonical level of a syslog priority (facility × 8 + severity)."""
    return _SYSLOG[priority % 8]


def split_level(text: str) -> tuple[str | None, str]:
    """Return the level a text line starts with (``ERROR``, ``[warn]``, klog ``E0314``, logfmt) and the rest."""
    match = _TEXT_LEVEL.match(text)
    if match is not None:
        return canonical_level(match["lvl"] or match["low"]), match["pre"] + text[match.end():]
    match = _KLOG.match(text)
    if match is not None:
        return {"I": "info", "W": "warn", "E": "error", "F": "fatal"}[match[1]], text[match.end():]
    match = _LOGFMT.search(text, 0, 200)
    if match is not None:
        return canonical_level(match[1]), text
    return None, text


def is_continuation(line: str) -> bool:
    """Return True for a line that continues the previous record (indented, or a stack trace's lines)."""
    return _CONTINUATION.match(line) is not None


def iter_lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of every line, decoded as UTF-8 (bad bytes replaced), CR dropped, capped."""
    number = 0
    for piece in (piece for chunk in chunks for piece in pieces(chunk)):
        for line in piece.decode("utf-8", "replace").split("\n")[:-1]:
            number += 1
            yield number, (line[:MAX_LINE] if len(line) > MAX_LINE else line).rstrip("\r")


class AppLog:
    """Reads the lines of an application log into ``findings``; rejected lines go to ``rejects``."""

    def __init__(self, *, findings: Findings, rejects: Rejects) -> None:
        self.findings = findings
        self.rejects = rejects
        self.levels: set[str] = set()
        self._templates: dict[str, str] = {}  # error messages often repeat word for word

    def read(self, chunks: Iterable[bytes], *, parse: LineParser, continuations: bool) -> None:
        """Read every line of every chunk; with ``continuations``, records may span lines (stack traces)."""
        started = False
        for number, line in iter_lines(chunks):
            if not line.strip():
                continue
            try:
                parsed = parse(line, number)
            except LineRejected as exc:
                if not (started and continuations and is_continuation(line)):
                    self.rejects.add(number, str(exc))
                continue
            started = True
            self.keep(parsed, line)

    def keep(self, parsed: Parsed, line: str) -> None:
        """Count a line read, and keep what it says when it falls inside the window plus margin."""
        findings = self.findings
        time = parsed.time
        if not findings.keep(time):
            return
        level = parsed.level
        label = level or "unknown"
        self.levels.add(label)
        findings.count(time, label)
        if level in ERROR_LEVELS or (level is None and _ERROR_WORDS.search(parsed.message)):
            kind = level or "error"
            key = parsed.message[:templates.MESSAGE_PREFIX]  # not the whole message: up to 64 KiB each, 10,000 kept
            template = self._templates.get(key)
            if template is None:
                if len(self._templates) >= _TEMPLATE_CACHE:
                    self._templates.clear()
                template = self._templates[key] = templates.message_template(key)
            findings.error(time, signature=f"{kind} {template}", group=kind, line=line,
                           event=f"First {kind}: {templates.display(template) or '(no message)'}")
        elif _DEPLOY.search(parsed.message):
            template = templates.deploy_template(parsed.message)
            findings.deploy(time, signature=template, event=templates.display(template), line=line)

    def series_labels(self) -> list[str]:
        """Return the levels seen in kept lines, most verbose first, unknown ones last."""
        known = [level for level in LEVELS if level in self.levels]
        return known + sorted(self.levels.difference(LEVELS))
