"""Bad input for every parser: only our own errors, naming the file; bounded time and memory; garbage spoils nothing.

Hypothesis, with the ``bad-input`` settings profile below (derandomized, so CI sees the same examples each run,
and a deadline per example), feeds ``gathering.read_file`` in every format and ``auto``, and ``document.loads``,
random bytes, wrong encodings, damaged gzip and zip files, broken, deep and absurd JSON and times out of range.
Whatever comes in, only a ``PostmortemError`` may come out, naming the file; every reason for a rejected record
names the file; every text kept is valid Unicode (it is hashed, saved and printed later); valid records mixed
with garbage still import. The tests after the properties pin, one each, the bugs the properties found, and
measure with ``tracemalloc`` the memory of huge lines, zip bombs and many distinct error signatures.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import string
import struct
import timeit
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import gathering
from core.errors import InvalidInputError, PostmortemError
from core.export import document
from core.ingest import ImportResult, findings, logs, nginx, streams, structured, templates
from core.ingest.findings import Findings
from core.ingest.rejects import Rejects
from core.ingest.structured import records, slack
from core.ingest.timestamps import Clock
from core.models import PostMortem
from tests import bad_inputs as bad
from tests.factories import NOW, complete_postmortem, make_postmortem

settings.register_profile(
    "bad-input", max_examples=200, deadline=timedelta(seconds=2), derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
BAD_INPUT = settings.get_profile("bad-input")
PER_FORMAT = settings(BAD_INPUT, max_examples=100)  # for properties run once per format: 500 to 1,100 examples each

NAME = "bad-input.log"
PM = make_postmortem()
LOG_FORMATS = logs.FORMATS
STRUCTURED = tuple(structured.FORMATS)
MB = 1024 * 1024
MEMORY_BOUND = 100 * MB
AT_14_05 = bad.INCIDENT_START + timedelta(minutes=5)


def read(data: bytes, fmt: str = "auto", name: str = NAME) -> ImportResult | None:
    """Read ``data`` in format ``fmt``: the result, or None when refused with our error (which must name the file)."""
    try:
        result = gathering.read_file(io.BytesIO(data), name=name, pm=PM, now=NOW, fmt=fmt)
    except PostmortemError as exc:
        assert name in str(exc), f"the error does not name the file: {exc}"
        return None
    assert result.source.origin == name
    assert all(r.startswith(name) for r in result.source.rejected_reasons), result.source.rejected_reasons
    for text in _texts(result):
        text.encode()  # a lone surrogate raises here: such a text could not be hashed, saved or printed
    return result


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _texts(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)


def peak_memory(function: Callable[..., object], *args: Any) -> int:
    """Return the peak of memory allocated while ``function(*args)`` runs, in bytes."""
    tracemalloc.start()
    try:
        function(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def line(fmt: str, level: str = "error", message: str = "boom") -> bytes:
    """Return one valid line of log format ``fmt`` at 14:05 UTC."""
    return bad.LINE_MAKERS[fmt](AT_14_05, level, message).encode()


# ---------------------------------------------------------------------------------------------------- properties

PREFIXES = [b"", b"{", b"[", b"PK\x03\x04", streams.GZIP_MAGIC, streams.UTF8_BOM, b"\xff\xfe", b"\xfe\xff"]


@PER_FORMAT
@given(prefix=st.sampled_from(PREFIXES), data=st.binary(max_size=2048))
@pytest.mark.parametrize("fmt", gathering.FORMATS)
def test_random_bytes_are_refused_or_read(fmt: str, prefix: bytes, data: bytes):
    read(prefix + data, fmt)


@PER_FORMAT
@given(data=st.data())
@pytest.mark.parametrize("fmt", LOG_FORMATS)
def test_damaged_logs_in_any_encoding_with_times_out_of_range(fmt: str, data: st.DataObject):
    lines = data.draw(st.lists(st.one_of(bad.valid_lines(fmt), bad.out_of_range_lines(fmt)), min_size=1, max_size=20))
    text = data.draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    raw = data.draw(bad.damaged(bad.encoded(text, data.draw(st.sampled_from(bad.ENCODINGS)))))
    read(raw, fmt)
    read(raw, "auto")


@PER_FORMAT
@given(data=st.data())
@pytest.mark.parametrize("fmt", [*LOG_FORMATS, "auto"])
def test_valid_lines_mixed_with_garbage_still_import(fmt: str, data: st.DataObject):
    source = data.draw(st.sampled_from(LOG_FORMATS)) if fmt == "auto" else fmt
    valid = [text.encode() for text in data.draw(st.lists(bad.valid_lines(source), min_size=1, max_size=25))]
    garbage = data.draw(st.lists(bad.GARBAGE_LINES, max_size=len(valid) - 1))  # a minority: the format must fit
    raw = data.draw(st.sampled_from([b"\n", b"\r\n"])).join(data.draw(st.permutations(valid + garbage)))
    if data.draw(st.booleans()):
        raw = gzip.compress(raw, mtime=0)
    result = read(raw, fmt)
    assert result is not None
    assert result.source.records_read == len(valid)
    assert result.source.records_rejected <= len(garbage)


@PER_FORMAT
@given(data=st.data())
@pytest.mark.parametrize("fmt", STRUCTURED)
def test_broken_deep_and_absurd_json_is_refused_or_read(fmt: str, data: st.DataObject):
    tokens = st.one_of(bad.EPOCHS, bad.ISO_TIMES.map(json.dumps), bad.GARBAGE_ITEMS)
    record = st.builds(bad.RECORDS[fmt], st.integers(0, 3), tokens, tokens)
    items = data.draw(st.lists(st.one_of(record, bad.GARBAGE_ITEMS), max_size=6))
    raw = bad.document_of(fmt, items)
    if fmt != "slack":
        raw = bad.encoded(raw.decode(), data.draw(st.sampled_from(bad.ENCODINGS)))
    raw = data.draw(bad.damaged(raw))
    read(raw, fmt)
    read(raw, "auto", name="bad-input.zip" if fmt == "slack" else NAME)


@PER_FORMAT
@given(data=st.data())
@pytest.mark.parametrize("fmt", STRUCTURED)
def test_valid_records_mixed_with_garbage_still_import(fmt: str, data: st.DataObject):
    count = data.draw(st.integers(1, 8))
    offsets = data.draw(st.lists(st.integers(0, bad.INCIDENT_SECONDS - 1), min_size=count, max_size=count))
    valid = [bad.valid_record(fmt, n, offset) for n, offset in enumerate(offsets)]
    garbage = data.draw(st.lists(bad.READABLE_GARBAGE, max_size=8))
    result = read(bad.document_of(fmt, data.draw(st.permutations(valid + garbage))), fmt)
    assert result is not None
    found = {"prometheus": result.series, "prometheus-alerts": result.alerts, "alertmanager": result.alerts,
             "pagerduty": result.events, "slack": result.events}[fmt]
    assert len(found) == count
    assert result.source.records_rejected == len(garbage)


@BAD_INPUT
@given(data=st.data())
def test_damaged_slack_exports_are_refused_or_read(data: st.DataObject):
    day = "[" + ", ".join(data.draw(st.lists(st.one_of(
        st.builds(bad.valid_record, st.just("slack"), st.integers(0, 5), st.integers(0, bad.INCIDENT_SECONDS - 1)),
        bad.GARBAGE_ITEMS), max_size=5))) + "]"
    members = {"inc/2026-03-14.json": day.encode(),
               "inc/2026-03-15.json": data.draw(st.one_of(st.binary(max_size=64), bad.GARBAGE_ITEMS.map(str.encode)))}
    users = data.draw(st.one_of(st.just(b'[{"id": "U1", "real_name": "Ann"}]'), st.binary(max_size=64),
                                bad.GARBAGE_ITEMS.map(str.encode)))
    method = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                        zipfile.ZIP_LZMA]))
    raw = data.draw(bad.damaged(bad.export_zip(members, method=method, users=users)))
    read(raw, "slack", name="export.zip")
    read(raw, "auto", name="export.zip")


VALID_DOCUMENT = json.loads(document.dumps(complete_postmortem()))


def _paths(value: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*path, key))


PATHS = [p for p in _paths(VALID_DOCUMENT) if p]


def _with_token(path: tuple[str | int, ...], token: str) -> str:
    doc = json.loads(json.dumps(VALID_DOCUMENT))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = "\x00token\x00"
    return json.dumps(doc).replace('"\\u0000token\\u0000"', token)


@BAD_INPUT
@given(data=st.data())
def test_documents_are_refused_or_read(data: st.DataObject):
    tokens = st.one_of(bad.EPOCHS, bad.ISO_TIMES.map(json.dumps), bad.GARBAGE_ITEMS,
                       st.sampled_from(['"\\ud800"', '"P9"', '""', "{}", "[]"]))
    text = data.draw(st.one_of(
        st.text(max_size=300),
        bad.GARBAGE_ITEMS,
        st.builds(_with_token, st.sampled_from(PATHS), tokens),
        bad.damaged(json.dumps(VALID_DOCUMENT).encode()).map(lambda raw: raw.decode("utf-8", "replace")),
    ))
    try:
        loaded = document.loads(text, origin="pm.json")
    except PostmortemError as exc:
        assert "pm.json" in str(exc)
    else:
        assert isinstance(loaded, PostMortem)


@BAD_INPUT
@given(lines=st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"") + b"\n"), max_size=60),
       max_lines=st.integers(1, 8))
def test_pieces_hold_whole_lines_and_at_most_max_lines(lines: list[bytes], max_lines: int):
    chunk = b"".join(lines)
    found = list(streams.pieces(chunk, max_lines))
    assert b"".join(found) == chunk
    assert all(piece.endswith(b"\n") and piece.count(b"\n") <= max_lines for piece in found)


# ------------------------------------------------------------------------------------ huge input, bounded memory

@pytest.mark.parametrize("fmt", [*LOG_FORMATS, "auto"])
def test_a_10_mb_line_without_newline_is_cut_not_read_whole(fmt: str):
    result = read(b"\n".join([line("plain" if fmt == "auto" else fmt)] * 3) + b"\n" + b"x" * (10 * MB), fmt)
    assert result is not None and result.source.records_read == 3


@pytest.mark.parametrize("fmt", [*LOG_FORMATS, *STRUCTURED, "auto"])
def test_a_50_mb_line_keeps_memory_bounded(fmt: str):
    head = b"[" if fmt in STRUCTURED else line("plain" if fmt == "auto" else fmt) + b"\n"
    data = head + b"y" * (50 * MB)
    assert peak_memory(read, data, fmt) < MEMORY_BOUND


def _letters(number: int) -> str:
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word += string.ascii_lowercase[digit]
        if not number:
            return word


def test_many_distinct_long_error_signatures_keep_memory_bounded():
    # 68 MB before the template cache was keyed by the 1,000 characters a template reads, not the whole line
    data = b"".join(line("plain", message=f"kind{_letters(i)} " + "y" * 60_000) + b"\n" for i in range(800))
    result: list[ImportResult | None] = []
    assert peak_memory(lambda: result.append(read(data))) < 40 * MB
    # Drain groups "kindX yyyy…" into one template; at most 40 candidates are shown in any case
    assert result[0] is not None and 1 <= len(result[0].candidates) <= 40


def test_many_distinct_long_request_paths_keep_memory_bounded():
    # 67 MB before long request targets stopped being cached
    data = b"".join(line("nginx", message=f"p{_letters(i)}/" + "z" * 8000) + b"\n" for i in range(6000))
    assert peak_memory(read, data) < 40 * MB


def test_a_chunk_of_a_million_short_lines_is_read_in_pieces():
    # one numpy row of ~200 bytes per line: 190 MB for this chunk before it was read in pieces of 65,536 lines
    chunk = b'[14/Mar/2026:14:05:00 +0000] "" 200 \n' * 900_000
    access = nginx.AccessLog(clock=Clock(origin=NAME, assume_tz=None, year=None, around=AT_14_05),
                             findings=Findings(origin=NAME, source="nginx", window=PM.window,
                                               margin=logs.MARGIN), rejects=Rejects(NAME))
    assert peak_memory(access.read, [chunk]) < 50 * MB
    assert access.findings.read == 900_000


def test_a_gzip_bomb_streams_in_bounded_memory():
    packer = zlib.compressobj(1, wbits=31)  # 31: the gzip container
    zeros = bytes(MB)
    data = b"".join([packer.compress(line("plain") + b"\n"), *(packer.compress(zeros) for _ in range(200)),
                     packer.flush()])
    assert peak_memory(read, data) < 50 * MB


def test_a_truncated_gzip_log_is_refused_naming_the_file():
    packed = gzip.compress(b"".join(line("plain") + b"\n" for _ in range(5000)), mtime=0)
    with pytest.raises(InvalidInputError, match=f"^{NAME}: the gzip data is damaged or cut short"):
        gathering.read_file(io.BytesIO(packed[: len(packed) // 2]), name=NAME, pm=PM, now=NOW)


# ----------------------------------------------------------------------------------- regressions, one per bug


@pytest.mark.parametrize("depth", [1000, 100_000])
@pytest.mark.parametrize("fmt", ["jsonl", "kubectl"])
def test_a_deeply_nested_log_line_is_rejected_not_a_recursion_error(fmt: str, depth: int):
    deep = bad.nested(depth, "object")
    lines = [line(fmt), line(fmt, message="again")]
    lines.insert(1, f'{{"timestamp": "2026-03-14T14:05:00Z", "message": {deep}}}'.encode() if fmt == "jsonl" else
                 b"2026-03-14T14:05:00.000000000Z " + deep.encode())
    result = read(b"\n".join(lines), fmt)
    assert result is not None and result.source.records_read == 2 + (fmt == "kubectl")


@pytest.mark.parametrize("fmt", STRUCTURED)
@pytest.mark.parametrize("poison", [bad.nested(100_000, "array"), "1" * 5000])
def test_deep_or_long_json_keeps_the_records_before_it(fmt: str, poison: str):
    result = read(bad.document_of(fmt, [bad.valid_record(fmt, 1, 60), poison, bad.valid_record(fmt, 2, 120)]), fmt)
    assert result is not None
    assert len(result.series or result.alerts or result.events) == 1
    expected = "item 2 is not valid JSON at line 1, column "
    assert expected in result.source.rejected_reasons[0]
    assert ("(arrays or objects nested too deeply)" if poison[0] == "[" else "(a number longer than 4,300 digits)") \
        in result.source.rejected_reasons[0]


@pytest.mark.parametrize("text", [bad.nested(100_000, "array"), "[" + "1" * 5000 + "]"])
def test_a_document_too_deep_or_with_a_too_long_number_is_refused(text: str):
    with pytest.raises(InvalidInputError, match=r"^pm\.json: not readable JSON"):
        document.loads(text, origin="pm.json")


@pytest.mark.parametrize("time", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_time_beyond_year_1_to_9999_in_utc_is_rejected_not_an_overflow(time: str):
    for fmt, record in (("alertmanager", f'{{"labels": {{"alertname": "B"}}, "startsAt": "{time}"}}'),
                        ("pagerduty", f'{{"type": "trigger_log_entry", "created_at": "{time}"}}')):
        result = read(bad.document_of(fmt, [bad.valid_record(fmt, 1, 60), record]), fmt)
        assert result is not None and result.source.rejected_reasons == (f"{NAME} item 2: {records.OUT_OF_RANGE}",)
    with pytest.raises(InvalidInputError, match="a time is out of range"):
        document.loads(_with_token(("created_at",), json.dumps(time)), origin="pm.json")


def test_a_sample_value_beyond_any_float_is_rejected_not_an_overflow():
    sample = f'{{"metric": {{}}, "values": [[{int(bad.INCIDENT_START.timestamp())}, {"9" * 400}]]}}'
    result = read(bad.matrix([bad.valid_record("prometheus", 1, 60), sample]).encode(), "prometheus")
    assert result is not None and len(result.series) == 2 and result.series[1].points == ()
    shown = "9" * 40
    assert result.source.rejected_reasons == (f"{NAME} series 2 sample 1: value {shown} is not a number",)


@pytest.mark.parametrize("fmt", ["jsonl", "kubectl", "alertmanager", "pagerduty", "slack"])
def test_a_lone_surrogate_escape_reads_as_a_replacement_character(fmt: str):
    # a lone low surrogate, an escaped backslash before "ud800" (no escape), and a valid pair (an emoji)
    escapes = "\\udc01\\\\ud800\\ud83d\\ude00"
    if fmt in LOG_FORMATS:
        record = f'{{"level": "error", "message": "bad {escapes}", "timestamp": "2026-03-14T14:05:00Z"}}'
        result = read((record if fmt == "jsonl" else f"2026-03-14T14:05:00.000000000Z {record}").encode(), fmt)
        assert result is not None and result.candidates[0].event == "First error: bad \ufffd\\ud800\U0001f600"
        return
    marker = {"alertmanager": '"A1"', "pagerduty": '"page 1"', "slack": '"message 1"'}[fmt]
    record = bad.valid_record(fmt, 1, 60).replace(marker, marker[:-1] + escapes + '"')
    result = read(bad.document_of(fmt, [record]), fmt)
    assert result is not None and "1\ufffd\\ud800\U0001f600" in "".join(_texts(result))


@pytest.mark.parametrize("fmt", LOG_FORMATS)
def test_the_last_line_without_a_newline_counts_when_the_format_is_sniffed(fmt: str):
    # it came in a chunk of its own, after the chunk the format is sniffed from: 1 of 2 lines fitted, not 2 of 3
    raw = line(fmt) + b"\n:\n" + line(fmt, message="again")
    for asked in (fmt, "auto"):
        result = read(raw, asked)
        assert result is not None and result.source.records_read == 2


def test_ids_of_text_with_a_lone_surrogate_can_be_made():
    assert findings.candidate_id("x", "\ud800") != findings.candidate_id("x", "\ufffd")
    assert records.event_id("slack", "\udfff").startswith("slack-")


def test_a_pod_name_pattern_takes_linear_time():
    # "a-a-a-…" made the pod mask try every hyphen as the start of a pod name: 11 ms for 1,000 characters, 50×
    def seconds(message: str) -> float:
        return min(timeit.repeat(lambda: templates.deploy_template(message), number=20, repeat=3))

    ordinary = ("rolled out checkout build abc from registry after approval by release team " * 14)[:1000]
    assert seconds("a-" * 500) < 10 * seconds(ordinary)


def test_alerts_in_a_list_with_items_that_are_not_objects_still_import():
    result = read(b'[null, 7, "x", ' + bad.valid_record("alertmanager", 1, 60).encode() + b"]", "alertmanager")
    assert result is not None and len(result.alerts) == 1 and result.source.records_rejected == 3


def _central(raw: bytes, member: str, offset: int, value: bytes) -> bytes:
    """Return a zip with bytes at ``offset`` of ``member``'s central directory record replaced by ``value``."""
    at = raw.index(b"PK\x01\x02")
    while raw[at + 46: at + 46 + len(member)] != member.encode():
        at = raw.index(b"PK\x01\x02", at + 4)
    return raw[: at + offset] + value + raw[at + offset + len(value):]


def _garbled(raw: bytes, member: str) -> bytes:
    """Return a zip with the compressed data of ``member`` garbled in the middle."""
    at = raw.index(b"PK\x03\x04")
    while raw[at + 30: at + 30 + len(member)] != member.encode():
        at = raw.index(b"PK\x03\x04", at + 4)
    name_length, extra_length = struct.unpack("<HH", raw[at + 26: at + 30])
    middle = at + 30 + name_length + extra_length + 8
    return raw[:middle] + bytes(b ^ 0x5A for b in raw[middle: middle + 16]) + raw[middle + 16:]


DAY = "inc/2026-03-14.json"
BROKEN = "inc/2026-03-15.json"


def _export_with_broken_day(broken: bytes = b"[]") -> bytes:
    good = ("[" + bad.valid_record("slack", 1, 60) + "]").encode()
    return bad.export_zip({DAY: good, BROKEN: broken})


@pytest.mark.parametrize(("damage", "reason"), [
    (lambda raw: _central(raw, BROKEN, 8, struct.pack("<H", 1)), "is encrypted"),
    (lambda raw: _central(raw, BROKEN, 10, struct.pack("<H", 99)), "cannot be unpacked: That compression method"),
    (lambda raw: _central(raw, BROKEN, 16, struct.pack("<I", 0)), "cannot be unpacked: Bad CRC-32"),
    (lambda raw: _central(raw, BROKEN, 24, struct.pack("<I", 100 * MB)), "unpacks to 104,857,600 bytes, more than"),
    (lambda raw: _garbled(raw, BROKEN), "cannot be unpacked"),
])
def test_a_damaged_file_in_an_export_is_rejected_and_the_others_import(damage, reason: str):
    raw = damage(_export_with_broken_day(b"[" + b"1," * 2000 + b"1]"))
    result = read(raw, "slack", name="export.zip")
    assert result is not None and len(result.events) == 1
    assert result.source.rejected_reasons[0].startswith(f"export.zip: {BROKEN} ")
    assert reason in result.source.rejected_reasons[0]


@pytest.mark.parametrize("broken", [b"\xff\xfe[]", "[]".encode("utf-16")])
def test_a_day_file_that_is_not_utf8_is_rejected_and_the_others_import(broken: bytes):
    result = read(_export_with_broken_day(broken), "slack", name="export.zip")
    assert result is not None and len(result.events) == 1
    assert result.source.rejected_reasons[0].startswith(f"export.zip: {BROKEN} is not a text file (UTF-8 expected)")


def test_a_zip_bomb_is_rejected_unread():
    raw = _export_with_broken_day(bytes(slack.MAX_FILE + 1))
    result: list[ImportResult | None] = []
    assert peak_memory(lambda: result.append(read(raw, "slack", name="export.zip"))) < 10 * MB
    assert result[0] is not None and len(result[0].events) == 1
    assert "more than the 67,108,864 one file of an export may hold" in result[0].source.rejected_reasons[0]


def test_an_export_unpacking_to_too_much_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(slack, "MAX_EXPORT", 4000)
    with pytest.raises(InvalidInputError, match=r"^export\.zip unpacks to 4,\d{3} bytes of JSON, more than the 4,000"):
        slack.import_file(_export_with_broken_day(b" " * 4000), origin="export.zip", window=PM.window, now=NOW)


def test_a_zip_with_a_too_new_version_is_refused_naming_the_file():
    raw = _central(_export_with_broken_day(), BROKEN, 6, struct.pack("<H", 255))  # version needed to extract: 25.5
    with pytest.raises(InvalidInputError, match=r"^export\.zip is not a Slack export.*\(zip file version 25\.5\)"):
        slack.import_file(raw, origin="export.zip", window=PM.window, now=NOW)


def test_a_zip_whose_directory_points_before_its_start_imports_nothing_and_says_why():
    raw = _export_with_broken_day()
    end = raw.rindex(b"PK\x05\x06")
    start = struct.unpack("<I", raw[end + 16: end + 20])[0] + 1000  # every file's offset is now 1,000 too low
    result = read(raw[: end + 16] + struct.pack("<I", start) + raw[end + 20:], "slack", name="export.zip")
    assert result is None or result.events == ()
    assert result is None or all("cannot be unpacked" in r for r in result.source.rejected_reasons)
