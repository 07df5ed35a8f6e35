"""Reading a stream as chunks of whole lines: gzip, short reads, over-long lines, progress."""

from __future__ import annotations

import gzip
import io

import pytest

from core.errors import InvalidInputError
from core.ingest import streams


class Trickle(io.RawIOBase):
    """A pipe-like stream that returns at most 7 bytes a read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data.read(min(7, len(buffer)))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _lines(stream, **options):
    return b"".join(streams.iter_chunks(stream, name="x.log", **options)).split(b"\n")[:-1]


def test_chunks_end_at_line_ends_whatever_the_reads():
    data = b"".join(b"line %d\n" % n for n in range(1000))
    chunks = list(streams.iter_chunks(Trickle(data), name="x.log", chunk_size=100))
    assert all(c.endswith(b"\n") for c in chunks)
    assert b"".join(chunks) == data


def test_a_last_line_without_newline_gets_one():
    assert _lines(io.BytesIO(b"a\nb")) == [b"a", b"b"]


def test_gzip_is_recognised_by_its_magic_bytes():
    data = b"".join(b"line %d\n" % n for n in range(5000))
    assert _lines(io.BytesIO(gzip.compress(data)), chunk_size=1000) == data.split(b"\n")[:-1]


def test_an_over_long_line_is_cut_and_the_next_line_kept():
    data = b"short\n" + b"x" * (streams.MAX_LINE * 3) + b"\nafter\n"
    lines = _lines(io.BytesIO(data), chunk_size=10_000)
    assert [len(line) for line in lines] == [5, streams.MAX_LINE, 5]
    assert lines[-1] == b"after"


def test_progress_counts_compressed_bytes():
    packed = gzip.compress(b"hello\n" * 100_000)
    seen: list[int] = []
    list(streams.iter_chunks(io.BytesIO(packed), name="x.gz", progress=seen.append, chunk_size=64 * 1024))
    assert seen == sorted(seen) and seen[-1] == len(packed)


def test_a_damaged_gzip_stream_is_an_input_error():
    with pytest.raises(InvalidInputError, match="x.log: the gzip data is damaged"):
        list(streams.iter_chunks(io.BytesIO(b"\x1f\x8b\x08\x00garbage"), name="x.log"))


def test_a_utf8_byte_order_mark_is_dropped():
    assert _lines(io.BytesIO(b"\xef\xbb\xbf{\"a\": 1}\nb\n")) == [b'{"a": 1}', b"b"]
