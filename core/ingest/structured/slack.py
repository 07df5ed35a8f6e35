"""Slack channel exports (zip or folder) and API messages as chat events, with names resolved and markup cleaned."""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core import limits
from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.ingest.structured import jsontext, records
from core.models import EventKind, SourceKind, TimelineEvent, TimeWindow

NAME = "Slack export (zip with users.json and one folder per channel)"
KEPT_SUBTYPES = frozenset({"", "thread_broadcast", "me_message", "file_share", "channel_topic", "channel_purpose"})
"""Message subtypes that are people talking; joins, leaves, bot posts and housekeeping are dropped."""

MAX_FILE = 64 * 1024 * 1024
"""The most bytes one file of an export zip may unpack to; a larger one is rejected without unpacking it."""
MAX_EXPORT = 1024 * 1024 * 1024
"""The most bytes the JSON files of an export zip may unpack to in all; a larger export is refused (zip bombs)."""

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
# what zipfile raises for a damaged archive or member: bad header, offset or CRC, a name that is not UTF-8,
# corrupt or cut compressed data, an unknown version or method
_ZIP_ERRORS = (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError)
_UNPACK_ERRORS = (*_ZIP_ERRORS, zlib.error, lzma.LZMAError)
_MARKUP = re.compile(r"<([^<>]*)>")
_LONGEST = 500
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


class _File(BaseModel):
    name: str = ""
    title: str = ""


class _Message(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    ts: str
    text: str = ""
    subtype: str = ""
    user: str = ""
    username: str = ""
    bot_id: str = ""
    thread_ts: str = ""
    user_profile: dict[str, object] = Field(default_factory=dict)
    files: list[_File] = Field(default_factory=list)


class _Profile(BaseModel):
    real_name: str = ""
    display_name: str = ""


class _User(BaseModel):
    id: str
    name: str = ""
    real_name: str = ""
    is_bot: bool = False
    profile: _Profile = Field(default_factory=_Profile)


@dataclass(frozen=True)
class Directory:
    """Who is who in a workspace: people and channel names by id, and which user ids are bots."""

    people: Mapping[str, str] = field(default_factory=dict)
    bots: frozenset[str] = frozenset()
    channels: Mapping[str, str] = field(default_factory=dict)


def directory(users: Iterable[object], channels: Iterable[object] = ()) -> Directory:
    """Build the directory from ``users.json`` members (or ``users.list``) and ``channels.json`` entries."""
    people: dict[str, str] = {}
    bots: set[str] = set()
    for raw in users:
        try:
            user = _User.model_validate(raw)
        except ValidationError:
            continue  # a member we cannot read only leaves its id unresolved in the text
        people[user.id] = user.profile.real_name or user.real_name or user.profile.display_name or user.name or user.id
        if user.is_bot:
            bots.add(user.id)
    names = {c["id"]: c["name"] for c in channels if isinstance(c, dict) and isinstance(c.get("id"), str)
             and isinstance(c.get("name"), str)}
    return Directory(people=people, bots=frozenset(bots), channels=names)


def import_file(data: bytes, *, origin: str, window: TimeWindow, now: datetime) -> ImportResult:
    """Import a Slack export zip: every channel folder in it, messages outside the window ± margin left out."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise InvalidInputError(f"{origin} is not a {NAME}: it is not a zip file ({exc}).") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.filename.endswith("/")]
        unpacked = sum(m.file_size for m in members if m.filename.endswith(".json"))
        if unpacked > MAX_EXPORT:
            raise InvalidInputError(
                f"{origin} unpacks to {unpacked:,} bytes of JSON, more than the {MAX_EXPORT:,} an export may hold: "
                "export only the incident's channels and days."
            )
        return _import_export([m.filename for m in members], _member_reader(archive), origin=origin, window=window,
                              now=now)


def _member_reader(archive: zipfile.ZipFile) -> Callable[[str], bytes]:
    """Return a reader of the archive's files that refuses (InvalidInputError) what it cannot or should not unpack."""

    def read(name: str) -> bytes:
        member = archive.getinfo(name)
        if member.flag_bits & 0x1:
            raise InvalidInputError(f"{name} is encrypted (expected an export without a password)")
        if member.file_size > MAX_FILE:
            raise InvalidInputError(f"{name} unpacks to {member.file_size:,} bytes, more than the {MAX_FILE:,} "
                                    "one file of an export may hold")
        try:
            with archive.open(member) as stream:
                return stream.read(MAX_FILE)  # zipfile stops at the size listed, checked above
        except _UNPACK_ERRORS as exc:
            raise InvalidInputError(f"{name} cannot be unpacked: {exc}") from exc

    return read


def import_folder(folder: Path, *, window: TimeWindow, now: datetime) -> ImportResult:
    """Import an unpacked Slack export folder."""
    if not folder.is_dir():
        raise InvalidInputError(f"{folder} is not a folder: give the unpacked Slack export folder.")
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json") if p.is_file())
    return _import_export(names, lambda name: (folder / name).read_bytes(), origin=str(folder), window=window, now=now)


def events_from_messages(items: Iterable[tuple[str, object]], tally: records.Tally, *, channel: str,
                         names: Directory) -> list[TimelineEvent]:
    """Map ``(position, message JSON)`` pairs of one channel to chat events spoken by people."""
    found = []
    for where, raw in items:
        tally.read += 1
        try:
            message = _Message.model_validate(raw)
            time = records.from_epoch(float(message.ts))
        except ValidationError as exc:
            tally.reject(where, records.reason(exc))
            continue
        except (ValueError, OverflowError, OSError):
            tally.reject(where, f"ts {_short(raw)} is not a Slack timestamp")
            continue
        if message.subtype not in KEPT_SUBTYPES or _is_bot(message, names) or not tally.keep(time):
            continue
        text, links = clean_text(message.text, names)
        text = text or "; ".join(f"shared {f.title or f.name}" for f in message.files if f.title or f.name)
        if not text:
            continue
        found.append(_event(message, time, text, links, channel=channel, names=names))
    return sorted(found, key=lambda e: (e.time, e.id))


def clean_text(text: str, names: Directory) -> tuple[str, list[str]]:
    """Return Slack ``text`` as plain words (mentions named, links as their label) and the URLs it linked."""
    links: list[str] = []

    def replace(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return "@" + names.people.get(target[1:], label or target[1:])
        if target.startswith("#"):
            return "#" + (label or names.channels.get(target[1:], target[1:]))
        if target.startswith("!"):
            return label or _SPECIAL.get(target[1:].split("^")[0], "")
        links.append(_unescape(target.removeprefix("mailto:")))
        return label or target.removeprefix("mailto:")

    return " ".join(_unescape(_MARKUP.sub(replace, text)).split()), links


def _unescape(text: str) -> str:
    # Slack escapes only these three in message text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _event(message: _Message, time: datetime, text: str, links: Sequence[str], *, channel: str,
           names: Directory) -> TimelineEvent:
    profile_name = message.user_profile.get("real_name")
    actor = names.people.get(message.user) or (profile_name if isinstance(profile_name, str) else "")
    shown = text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"
    thread = " (reply in thread)" if message.thread_ts and message.thread_ts != message.ts else ""
    evidence = " ".join([f"Slack #{channel} message {message.ts}{thread}", *links])
    return TimelineEvent(
        id=records.event_id("slack", channel, message.ts),
        time=time,
        event=shown,
        source=f"Slack #{channel}",
        actor=actor or message.username or message.user or "-",
        kind=EventKind.CHAT,
        evidence=evidence if shown == text else f"{evidence} | {text}",
    )


def _is_bot(message: _Message, names: Directory) -> bool:
    return bool(message.bot_id and (not message.user or message.user in names.bots)) or message.user in names.bots


def _short(raw: object) -> str:
    ts = raw.get("ts") if isinstance(raw, dict) else raw
    return repr(ts)[:40]


def _import_export(names: Sequence[str], read: Callable[[str], bytes], *, origin: str, window: TimeWindow,
                   now: datetime) -> ImportResult:
    roots = [PurePosixPath(n).parent for n in names if PurePosixPath(n).name in ("users.json", "org_users.json")]
    days = sorted(
        (PurePosixPath(n) for n in names if _DAY.match(PurePosixPath(n).name)),
        key=lambda p: (p.parent.name, p.name),
    )
    if not roots or not days:
        raise InvalidInputError(
            f"{origin} is not a {NAME}: found {'no users.json' if not roots else 'no channel day files'} "
            "(expected users.json, channels.json and folders like inc-checkout/2026-03-14.json)."
        )
    tally = records.Tally(origin, window)
    root = roots[0]
    names_found = directory(
        [u for f in ("users.json", "org_users.json") for u in _listed(root / f, names, read, tally)],
        [c for f in ("channels.json", "groups.json") for c in _listed(root / f, names, read, tally)],
    )
    events: list[TimelineEvent] = []
    for day in days:
        where = str(day.relative_to(root)) if day.is_relative_to(root) else str(day)
        text = _text(read, str(day), where, tally)
        if text is not None:
            events.extend(events_from_messages(_day_items(text, where, tally), tally, channel=day.parent.name,
                                               names=names_found))
        if len(events) > limits.CAPS.events:  # stop reading: the rest of the export could be any size
            raise limits.too_many_events(origin, len(events), more=day != days[-1])
    return tally.result(SourceKind.CHAT, now=now, events=sorted(events, key=lambda e: (e.time, e.id)))


def _text(read: Callable[[str], bytes], name: str, where: str, tally: records.Tally) -> str | None:
    """Return the text of one file of the export, or None after rejecting it: one bad file spoils no other."""
    try:
        return jsontext.text_of(read(name), where)
    except InvalidInputError as exc:
        tally.reject("", str(exc))
        return None


def _listed(path: PurePosixPath, names: Sequence[str], read: Callable[[str], bytes],
            tally: records.Tally) -> list[object]:
    if str(path) not in names:
        return []
    text = _text(read, str(path), path.name, tally)
    doc = jsontext.loads(text) if text is not None else None
    if text is not None and not isinstance(doc, list):
        tally.reject(path.name, "not a JSON list: names in this file are not resolved")
    return doc if isinstance(doc, list) else []


def _day_items(text: str, where: str, tally: records.Tally) -> list[tuple[str, object]]:
    doc = jsontext.loads(text)
    if isinstance(doc, list):
        return [(f"{where} item {n}", m) for n, m in enumerate(doc, start=1)]
    rescued = jsontext.salvage(text, None)
    tally.reject(where, rescued.problem if rescued.count else "not a JSON list of messages")
    items = rescued.arrays[0] if rescued.arrays else ()
    return [(f"{where} item {n}", m) for n, m in enumerate(items, start=1)]
