"""JSON lines logs: one JSON object per line, with configurable time, level and message keys.

Keys are tried in order and the first present one wins; a dotted key such as ``log.level`` is
looked up as written first (ECS writes it so), then as a path into nested objects. A time is an
ISO-8601 string or a Unix time in seconds, milliseconds, microseconds or nanoseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.ingest.applogs import LineParser, LineRejected, Parsed, canonical_level
from core.ingest.rejects import excerpt
from core.ingest.structured import jsontext
from core.ingest.timestamps import Clock, from_epoch


@dataclass(frozen=True)
class JsonKeys:
    """Which keys of a JSON log line hold its time, level and message (the first present one wins)."""

    time: tuple[str, ...] = ("timestamp", "time", "ts", "@timestamp", "t")
    level: tuple[str, ...] = ("level", "severity", "lvl", "log.level")
    message: tuple[str, ...] = ("message", "msg", "log", "text")


def _lookup(record: dict[str, object], key: str) -> object:
    if key in record:
        return record[key]
    if "." not in key:
        return None
    value: object = record
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _first(record: dict[str, object], keys: tuple[str, ...], kinds: tuple[type, ...]) -> object:
    for key in keys:
        value = _lookup(record, key)
        if value is not None and isinstance(value, kinds) and not isinstance(value, bool):
            return value
    return None


def load_object(line: str) -> dict[str, object] | None:
    """Return the JSON object a line holds (read as ``jsontext`` reads JSON), or None when it holds none."""
    text = line.strip()
    if not text.startswith("{"):
        return None
    value = jsontext.loads(jsontext.mend_surrogates(text))
    return value if isinstance(value, dict) else None


def looks_like(line: str) -> bool:
    """Return True when a line is a JSON object."""
    return load_object(line) is not None


def level_and_message(record: dict[str, object], keys: JsonKeys) -> tuple[str | None, str]:
    """Return the canonical level and the message of a JSON log record ("" when it has none)."""
    message = _first(record, keys.message, (str,))
    return canonical_level(_first(record, keys.level, (str, int))), message if isinstance(message, str) else ""


def parser(clock: Clock, keys: JsonKeys) -> LineParser:
    """Return a parser of JSON log lines that converts times with ``clock``."""
    expected_time = ", ".join(keys.time)

    def parse(line: str, number: int) -> Parsed:
        record = load_object(line)
        if record is None:
            raise LineRejected(f"not a JSON object: {excerpt(line)} (expected one JSON object per line)")
        value = _first(record, keys.time, (str, int, float))
        if value is None:
            raise LineRejected(f"no time field (expected one of {expected_time})")
        time = clock.iso(value.strip(), number) if isinstance(value, str) else \
            from_epoch(value) if isinstance(value, int | float) else None
        if time is None:
            raise LineRejected(f"time {value!r} is not readable (expected ISO-8601 or a Unix time)")
        level, message = level_and_message(record, keys)
        return Parsed(time, level, message)

    return parse
