"""Reading a binary log stream as chunks of whole lines, gunzipped when it starts with the gzip magic.

Chunks are about ``CHUNK_SIZE`` bytes and always end with a newline, so a parser can split them
or run a regular expression over them without a line being cut. A line longer than ``MAX_LINE``
is cut there (the rest of it is skipped), which keeps memory bounded whatever the file holds. A
UTF-8 byte-order mark at the start is dropped. Code that makes an object or an array row per line
reads a chunk in ``pieces`` of at most ``MAX_LINES`` lines, so that blank or very short lines
(millions in one chunk) cannot multiply its memory.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from core.errors import InvalidInputError

CHUNK_SIZE = 1 << 22
MAX_LINE = 64 * 1024
MAX_LINES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"  # written by some Windows tools at the start of a file; never part of the first line


class _CountingReader:
    """A read-only view of a stream that replays bytes already peeked and counts what was read."""

    def __init__(self, raw: BinaryIO, head: bytes) -> None:
        self._raw = raw
        self._head = head
        self.consumed = len(head)

    def read(self, size: int = -1) -> bytes:
        """Return up to ``size`` bytes (all when negative), the peeked ones first."""
        if not self._head:
            data = self._raw.read(size)
            self.consumed += len(data)
            return data
        if 0 <= size <= len(self._head):
            data, self._head = self._head[:size], self._head[size:]
            return data
        data, self._head = self._head, b""
        more = self._raw.read(size - len(data) if size > 0 else -1)
        self.consumed += len(more)
        return data + more

    def seek(self, offset: int, /) -> int:
        """Refuse to seek: the stream is read once, front to back (gzip only seeks when rewound)."""
        raise io.UnsupportedOperation(f"cannot seek to {offset} in a log stream")


def _read_full(reader: Callable[[int], bytes], size: int) -> bytes:
    """Read ``size`` bytes unless the stream ends first (pipes and gzip may return short reads)."""
    parts, wanted = [], size
    while wanted > 0:
        part = reader(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _cut_lines(blocks: Iterator[bytes]) -> Iterator[bytes]:
    rest = b""
    # lines held back until the next block is read, so that a last line without a newline comes with the
    # lines before it: a short file then arrives as one chunk, and the format is sniffed from all its lines
    held = b""
    skipping = False  # inside a line longer than MAX_LINE, dropping bytes until its end
    for block in blocks:
        if skipping:
            newline = block.find(b"\n")
            if newline < 0:
                continue
            block, skipping = block[newline + 1:], False
        data = rest + block if rest else block
        end = data.rfind(b"\n")
        rest = data[end + 1:]
        if end >= 0:
            if held:
                yield held
            held = data[:end + 1]
        if len(rest) > MAX_LINE:
            held += rest[:MAX_LINE] + b"\n"
            rest, skipping = b"", True
    if rest:
        held += rest + b"\n"
    if held:
        yield held


def pieces(chunk: bytes, max_lines: int = MAX_LINES) -> Iterator[bytes]:
    """Yield a chunk of whole lines as pieces of whole lines, each of at most ``max_lines`` lines."""
    lines = chunk.count(b"\n")
    if lines <= max_lines:
        if chunk:
            yield chunk
        return
    size = len(chunk) * max_lines // lines  # bytes that hold max_lines lines, on average
    start = 0
    while start < len(chunk):
        end = _cut(chunk, start, size)
        while chunk.count(b"\n", start, end) > max_lines:  # denser than the average here
            end = _cut(chunk, start, (end - start) // 2)  # max_lines bytes or fewer hold max_lines lines at most
        yield chunk[start:end]
        start = end


def _cut(chunk: bytes, start: int, size: int) -> int:
    """Return the end of the last line that ends within ``size`` bytes of ``start`` (the first line when none does)."""
    end = chunk.rfind(b"\n", start, start + size) + 1
    return end if end > start else (chunk.find(b"\n", start) + 1 or len(chunk))


def iter_chunks(stream: BinaryIO, *, name: str, progress: Callable[[int], None] | None = None,
                chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Yield chunks of whole lines, each ending with a newline; report bytes read from ``stream`` after each."""
    head = stream.read(2)
    counting = _CountingReader(stream, head)
    compressed = head == GZIP_MAGIC
    reader = gzip.GzipFile(fileobj=counting, mode="rb").read if compressed else counting.read

    def blocks() -> Iterator[bytes]:
        first = True
        while True:
            try:
                block = _read_full(reader, chunk_size)
            except (OSError, EOFError, zlib.error) as exc:
                if not compressed:
                    raise
                raise InvalidInputError(f"{name}: the gzip data is damaged or cut short ({exc})") from exc
            if not block:
                return
            yield block.removeprefix(UTF8_BOM) if first else block
            first = False

    for chunk in _cut_lines(blocks()):
        yield chunk
        if progress is not None:
            progress(counting.consumed)
