"""Application logs (kubectl, JSON lines, syslog, plain): levels, error and warning templates, deploy lines.

Each format module turns a line into a ``Parsed`` (UTC time, level, message) or raises
``LineRejected``; ``AppLog`` does the rest the same way for all of them. A line is an error when
its level is error, critical or fatal, or, when it has no level, when it says ERROR, FATAL, panic,
exception, or reports a failure in plain words ("failed", "refused", "timed out"); a warning, when it
has no level and says something went wrong short of failing ("exceeds warning threshold", "is in the
unavailable state", "delay too long"). Errors and
warnings are grouped by template (``miner``: Drain over masked messages) and proposed by their first
line's message. A line that is not one of them and says deploy, roll out/back or restart, or starts
something with a version, is a deploy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from core.ingest import miner, templates
from core.ingest.findings import Findings, floor_minute
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
_TITLE_WORDS = "Trace|Debug|Info|Information|Notice|Warn|Warning|Error|Critical|Fatal|Severe"
# the level sits among the first words: after a pid (HDFS, OpenStack), a node and a facility (BGL), a dash,
# between pipes; a capitalised "Warning" only first or second (later it is likely part of the sentence);
# "error:" first or after "program[pid]:", never inside a sentence ("runtime error: index out of range")
_TEXT_LEVEL = re.compile(rf"^(?P<pre>(?:[^\s|]+[\s|]+){{0,6}}?)(?:\[?(?P<lvl>{_WORDS})\]?"
                         rf"|\[(?:[\w-]+:)?(?P<low>(?i:{_WORDS}))\]"
                         rf"|(?<![^\s|:]\s)(?<![^\s|:]\s\s)(?P<colon>(?i:error|warning|warn|fatal|critical|crit)):)"
                         r"(?:[\s:|,-]+|$)")
_TITLE_LEVEL = re.compile(rf"^(?P<pre>(?:\S+\s+)?)<?(?P<title>{_TITLE_WORDS})>?(?=\s)(?P<column>\s{{2,}})?")
# logcat: "PID TID LEVEL TAG: message" (threadtime), or "LEVEL/TAG( PID): message" (time, brief)
_ONE_LETTER = re.compile(r"^(?:(?P<pre>(?:\d+\s+){1,2})(?P<one>[VDIWEFA])\s+"
                         r"|(?P<slash>[VDIWEFA])/(?=[\w.$-]+\(\s*\d+\):))")
_ONE_LETTER_LEVELS = {"V": "debug", "D": "debug", "I": "info", "W": "warn", "E": "error", "F": "fatal", "A": "fatal"}
_KLOG = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d+\s+")
_LOGFMT = re.compile(r"\b(?:level|lvl|severity)=\"?([A-Za-z]+)")
_LOGFMT_MESSAGE = re.compile(r"\b(?:msg|message)=(?:\"((?:[^\"\\]|\\.)*)\"|(\S+))")
_ERROR_WORDS = re.compile(r"\b(?:ERROR|FATAL|CRITICAL|PANIC)\b|\bpanic:|[Ee]xception\b|Traceback \(most recent")
# a line with no level at all (syslog, sshd, mobile apps) also reports a problem in plain words
_PROBLEM_WORDS = re.compile(r"\b(?:error|errors|fail(?:ed|s|ure)?|denied|refused|unreachable|timed out|timeout"
                            r"|aborted|corrupt(?:ed)?|segfault|killed)\b", re.IGNORECASE)
# …or warns in plain words: a limit reached, a resource gone, something slow, invalid or suspicious
_TROUBLE_WORDS = re.compile(r"\b(?:warn(?:ing|ings)?|unavailable|not available|exceed(?:s|ed|ing)?|threshold|"
                            r"too (?:long|many|large|slow|old)|invalid|unable|cannot|can't|could not|couldn't|lost|"
                            r"dropp(?:ed|ing)|"
                            r"expired|mismatch|overflow|out of (?:memory|space)|oom|degraded|reject(?:ed|ing)|"
                            r"unexpected|illegal|break-in|attack|violation|unauthori[sz]ed|forbidden|overload(?:ed)?|"
                            r"retry(?:ing)?|retries|interrupted|abnormal(?:ly)?|crash(?:ed)?|offline|"
                            r"(?:is|went|gone|link|node|host) down)\b",
                            re.IGNORECASE)
# a deploy or restart: its own words, or "starting"/"started" with a version (a job's sockets start, not a deploy)
_DEPLOY = re.compile(r"(?<!user )(?<!for )(?<!by )(?<!as )"  # "for deploy from 10.0.0.9" is a user name
                     r"\b(?:deploy(?:ing|ed|ment)?|roll(?:ing|ed)?[ -]?(?:out|back)|rollout|rollback"
                     r"|restart(?:ing|ed)?|releas(?:e|ed|ing) v?\d)\b", re.IGNORECASE)
_STARTED = re.compile(r"\bstart(?:ing|ed)?\b(?! (?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b)", re.IGNORECASE)
_VERSION = re.compile(r"\bversion\b|\bv\d+\.\d+(?:\.\d+)?\b", re.IGNORECASE)
_TEMPLATE_CACHE = 10_000
_NOUNS = {"warn": "warning"}
_EVENT_LENGTH = 200
_LEADING_NOISE = re.compile(r"^(?:[\s|:,-]+|\[(?:[^\[\]]|\[[^\[\]]*\]){0,120}\]\s*)+")  # "[thread[1]:x@2] - "


_ID_CONTEXT = re.compile(r"\[[^\[\]]*\b[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}[^\[\]]*\]\s*")  # [req-…] [instance: …]


def _event_text(message: str) -> str:
    """Return a message as an event's text: one line, without leading separators or request ids, cut to read."""
    text = _ID_CONTEXT.sub("", message[:_EVENT_LENGTH * 3])
    text = " ".join(templates.without_emitter(_LEADING_NOISE.sub("", text)).split())
    return text if len(text) <= _EVENT_LENGTH else text[:_EVENT_LENGTH - 1] + "…"
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
    """Return the level of a text line, wherever its first words put it, and its message.

    Levels: ``ERROR``, ``[warn]``, ``Warning``, logcat's ``E`` after PID and TID, klog ``E0314``,
    logfmt ``level=``. A logfmt line's message is its ``msg=`` (or ``message=``) value.
    """
    match = _LOGFMT.search(text, 0, 200)
    if match is not None:
        said = _LOGFMT_MESSAGE.search(text)
        message = (said[1].replace('\\"', '"') if said[1] is not None else said[2]) if said else text
        return canonical_level(match[1]), message
    match = _ONE_LETTER.match(text)
    if match is not None:
        return _ONE_LETTER_LEVELS[match["one"] or match["slash"]], text[match.end():]
    match = _TEXT_LEVEL.match(text)
    if match is not None:
        # before the level: a pid, a pod, a host or a thread say nothing; a component ("checkout:") says who
        pre = match["pre"]
        last = pre.split()[-1] if pre.strip() else ""
        keep = last + " " if last.endswith(":") else ""  # the program or component just before the level
        return canonical_level(match["lvl"] or match["low"] or match["colon"]), keep + text[match.end():]
    match = _TITLE_LEVEL.match(text)
    if match is not None:  # "Warning   CBS  message" is a column; "Error connecting to db" keeps its first word
        return canonical_level(match["title"]), text[match.end() if match["column"] else match.start("title"):]
    match = _KLOG.match(text)
    if match is not None:
        return {"I": "info", "W": "warn", "E": "error", "F": "fatal"}[match[1]], text[match.end():]
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
        self._templates: dict[str, int] = {}  # error messages often repeat word for word
        self.miner = miner.Miner()
        self._last_record: tuple[datetime, str] | None = None  # time and tag of the last error or warning

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
        message = parsed.message
        error = level in ERROR_LEVELS or (level is None and (_ERROR_WORDS.search(message) is not None
                                                             or _PROBLEM_WORDS.search(message) is not None))
        if level is None and not error and _TROUBLE_WORDS.search(message) is not None:
            level = "warn"  # a line with no level that says something went wrong, short of failing
        if error or level == "warn":
            kind = level or "error"
            tag = message[:message.find(":", 0, 60) + 1]
            if time.microsecond and (time, tag) == self._last_record and tag:
                # the next line of one record logged line by line (Android's crash, a Java trace): same instant,
                # same tag; it counts as an error line but proposes nothing of its own
                if error:
                    findings.errors_at(floor_minute(time), 1, (time, line), (time, line))
                return
            self._last_record = (time, tag)
            key = message[:templates.MESSAGE_PREFIX]  # not the whole message: up to 64 KiB each, 10,000 kept
            template = self._templates.get(key)
            if template is None:
                if len(self._templates) >= _TEMPLATE_CACHE:
                    self._templates.clear()
                template = self._templates[key] = self.miner.template_id(key)
            # the event is what the first line says, never a masked template (a person reads it)
            event = f"First {_NOUNS.get(kind, kind)}: {_event_text(message) or '(no message)'}"
            if error:
                findings.error(time, signature=f"{kind} {template}", group=kind, line=line, event=event)
            else:
                findings.signature(time, signature=f"{kind} {template}", group=kind, line=line, event=event)
        elif _DEPLOY.search(message) or (_STARTED.search(message) and _VERSION.search(message)):
            template_text = templates.deploy_template(message)
            findings.deploy(time, signature=template_text, event=templates.display(template_text), line=line)
        elif level != "debug" and level != "trace":
            findings.novelty.add(time, message, line)

    def series_labels(self) -> list[str]:
        """Return the levels seen in kept lines, most verbose first, unknown ones last."""
        known = [level for level in LEVELS if level in self.levels]
        return known + sorted(self.levels.difference(LEVELS))
