"""Telemetry kept apart from the editable post-mortem: imports, series, alerts and candidates as immutable blobs.

An edit of a post-mortem writes its editable part only (details, events, factors, actions, report text: kilobytes);
the telemetry an import brought in is stored once, content-addressed by its SHA-256, and named from the editable
document by digest. Blobs never change, so a server process caches them by digest and a page rerun never reads
megabytes of metric points again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import TypeAdapter

from core.models import AlertInterval, Candidate, MetricSeries, PostMortem, SourceImport

PARTS = ("imports", "series", "alerts", "candidates")
"""The fields of a post-mortem stored as telemetry blobs, in this order."""
REFS = "telemetry"
"""The key of the editable document that names each part's blob: ``{"series": "<sha256>", …}``."""

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "imports": TypeAdapter(tuple[SourceImport, ...]),
    "series": TypeAdapter(tuple[MetricSeries, ...]),
    "alerts": TypeAdapter(tuple[AlertInterval, ...]),
    "candidates": TypeAdapter(tuple[Candidate, ...]),
}


@dataclass(frozen=True)
class Blob:
    """One part's content, encoded, with its digest."""

    part: str
    digest: str
    payload: bytes


def encode(part: str, value: tuple[Any, ...]) -> Blob:
    """Return the blob of ``value`` (the tuple a post-mortem holds for ``part``)."""
    payload = _ADAPTERS[part].dump_json(value)  # NaN samples become null, as in the JSON document
    return Blob(part, hashlib.sha256(payload).hexdigest(), payload)


def decode(part: str, payload: bytes | str) -> tuple[Any, ...]:
    """Return the tuple stored in a blob of ``part``."""
    value: tuple[Any, ...] = _ADAPTERS[part].validate_json(payload)
    return value


EMPTY = {part: encode(part, ()).digest for part in PARTS}
"""The digest of each part when it holds nothing (a new post-mortem's)."""


class Cache:
    """Decoded blobs by digest, and the digest of each tuple this process handed out (so a save reuses it).

    Bounded: the least recently used entries go first. Shared by the threads of one server process.
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._values: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
        self._digests: OrderedDict[int, tuple[tuple[Any, ...], str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> tuple[Any, ...] | None:
        """Return the decoded blob ``digest``, or None when not cached."""
        with self._lock:
            value = self._values.get(digest)
            if value is not None:
                self._values.move_to_end(digest)
            return value

    def put(self, digest: str, value: tuple[Any, ...]) -> None:
        """Remember ``value`` as the content of ``digest``."""
        with self._lock:
            self._values[digest] = value
            self._values.move_to_end(digest)
            self._digests[id(value)] = (value, digest)  # the value is kept alive, so its id is not reused
            self._digests.move_to_end(id(value))
            while len(self._values) > self._size:
                self._values.popitem(last=False)
            while len(self._digests) > 4 * self._size:
                self._digests.popitem(last=False)

    def digest_of(self, value: tuple[Any, ...]) -> str | None:
        """Return the digest of this very tuple when this process decoded or encoded it, else None."""
        with self._lock:
            found = self._digests.get(id(value))
            return found[1] if found is not None and found[0] is value else None


def blobs_for(pm: PostMortem, cache: Cache) -> dict[str, Blob | str]:
    """Return each part of ``pm`` as a digest already known, or as a new blob to store."""
    out: dict[str, Blob | str] = {}
    for part in PARTS:
        value: tuple[Any, ...] = getattr(pm, part)
        known = EMPTY[part] if not value else cache.digest_of(value)
        if known is not None:
            out[part] = known
            continue
        blob = encode(part, value)
        cache.put(blob.digest, value)
        out[part] = blob
    return out


def refs(blobs: Mapping[str, Blob | str]) -> dict[str, str]:
    """Return the digests of ``blobs`` (the editable document's ``telemetry`` key)."""
    return {part: b.digest if isinstance(b, Blob) else b for part, b in blobs.items()}


def without(pm: PostMortem) -> PostMortem:
    """Return ``pm`` with its telemetry emptied (what the editable document holds)."""
    return replace(pm, imports=(), series=(), alerts=(), candidates=())


def attach(pm: PostMortem, digests: Mapping[str, str], load: Callable[[list[str]], Mapping[str, bytes]],
           cache: Cache) -> PostMortem:
    """Return ``pm`` with the telemetry named by ``digests``, from the cache or ``load`` (digests → payloads)."""
    wanted = {part: digests.get(part, EMPTY[part]) for part in PARTS}
    missing = [d for part, d in wanted.items() if d != EMPTY[part] and cache.get(d) is None]
    payloads = load(missing) if missing else {}
    values: dict[str, tuple[Any, ...]] = {}
    for part, digest in wanted.items():
        if digest == EMPTY[part]:
            values[part] = ()
            continue
        value = cache.get(digest)
        if value is None:
            value = decode(part, payloads[digest])
            cache.put(digest, value)
        values[part] = value
    return replace(pm, imports=values["imports"], series=values["series"], alerts=values["alerts"],
                   candidates=values["candidates"])
