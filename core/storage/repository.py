"""The post-mortem repository: a protocol, the SQL implementation and the version check."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from core import changes, ids, time_range
from core.errors import (
    ConflictError,
    FieldConflict,
    InvalidInputError,
    NotFoundError,
    StaleWriteError,
    StorageError,
)
from core.export import document
from core.models import ActionStatus, AuditEntry, PostMortem, Severity, ShareLink, Snapshot, Status, Summary
from core.storage import documents, tables, telemetry


class PostMortemRepository(Protocol):
    """Where post-mortems live; every save checks the version it was based on."""

    def get(self, pm_id: str) -> PostMortem:
        """Return the stored post-mortem or raise NotFoundError."""
        ...

    def version_of(self, pm_id: str) -> int:
        """Return the stored version of ``pm_id`` or raise NotFoundError."""
        ...

    def list_all(self) -> list[PostMortem]:
        """Return every stored post-mortem (for insights across them)."""
        ...

    def add(self, pm: PostMortem, *, actor: str, now: datetime) -> PostMortem:
        """Store a new post-mortem, choosing a free id from ``pm.id`` (``-2``, ``-3`` suffixes)."""
        ...

    def save(self, pm: PostMortem, *, actor: str, now: datetime, summary: str) -> PostMortem:
        """Store ``pm`` whole if the stored version is still ``pm.version``; return it with the new version."""
        ...

    def save_changes(self, before: PostMortem, after: PostMortem, *, actor: str, now: datetime,
                     summary: str) -> PostMortem:
        """Store what ``after`` changed from ``before``, merged onto newer versions; raise ConflictError on a clash."""
        ...

    def publish(self, before: PostMortem, after: PostMortem, *, actor: str, now: datetime, markdown: str,
                pdf: bytes) -> Snapshot:
        """Save ``after`` and freeze its snapshot, both or neither, only on the version ``before`` names."""
        ...

    def changes_since(self, pm_id: str, version: int) -> list[FieldChange]:
        """Return who changed what after ``version``, oldest first."""
        ...

    def snapshots(self, pm_id: str) -> list[Snapshot]:
        """Return the published snapshots of ``pm_id``, newest first."""
        ...

    def list_summaries(self, *, today: date) -> list[Summary]:
        """Return every post-mortem's summary, newest incident first."""
        ...

    def audit(self, pm_id: str) -> list[AuditEntry]:
        """Return the audit trail of ``pm_id``, newest first."""
        ...

    def create_share_link(self, pm_id: str, *, actor: str, now: datetime, public: bool = False) -> ShareLink:
        """Create a new unguessable read-only link (``public``: to the public version); its token is shown once."""
        ...

    def share_links(self, pm_id: str) -> list[ShareLink]:
        """Return the share links of ``pm_id``, newest first, named by id (never with a usable token)."""
        ...

    def revoke_share_link(self, link_id: str, *, actor: str, now: datetime) -> None:
        """Revoke the share link named ``link_id``."""
        ...

    def resolve_share_link(self, token: str) -> ShareLink | None:
        """Return the active link with ``token``, or None when unknown or revoked."""
        ...


class SqlPostMortemRepository:
    """The repository on SQLAlchemy Core: SQLite or PostgreSQL.

    The editable post-mortem is one small JSON document per row; telemetry lives in immutable blobs (see
    ``core.storage.telemetry``), cached by digest, and recent versions are cached whole, so a rerun of a
    page that changed nothing reads one row and parses nothing.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._blobs = telemetry.Cache()
        self._recent: OrderedDict[tuple[str, int], PostMortem] = OrderedDict()
        self._recent_lock = threading.Lock()

    def close(self) -> None:
        """Close the database connections held by this repository."""
        self._engine.dispose()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as connection:
                yield connection
        except OperationalError as exc:
            raise unreachable_error(exc) from exc
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise StorageError(f"The database refused the operation: {exc}") from exc

    def get(self, pm_id: str) -> PostMortem:
        """Return the stored post-mortem or raise NotFoundError."""
        _require_known_form(pm_id)
        t = tables.postmortems
        with self._transaction() as conn:
            version = conn.execute(select(t.c.version).where(t.c.id == pm_id)).scalar()
            if version is None:
                raise NotFoundError(
                    f"There is no post-mortem {ids.shown(pm_id)}. Pick one from the list on the home page.")
            cached = self._cached(pm_id, int(version))
            if cached is not None:
                return cached
            row = conn.execute(select(t.c.document, t.c.version).where(t.c.id == pm_id)).one()
            pm = self._assemble(conn, pm_id, row.document, int(row.version))
        self._remember(pm)
        return pm

    def list_all(self) -> list[PostMortem]:
        """Return every stored post-mortem without its telemetry (for insights across them)."""
        t = tables.postmortems
        with self._transaction() as conn:
            rows = conn.execute(select(t.c.id, t.c.document, t.c.version)).all()
        return [_with_version(documents.loads_editable(r.document, origin=f"stored post-mortem {r.id}")[0], r.version)
                for r in rows]

    def version_of(self, pm_id: str) -> int:
        """Return the stored version of ``pm_id`` or raise NotFoundError."""
        _require_known_form(pm_id)
        with self._transaction() as conn:
            version = conn.execute(
                select(tables.postmortems.c.version).where(tables.postmortems.c.id == pm_id)
            ).scalar()
        if version is None:
            raise NotFoundError(f"There is no post-mortem {ids.shown(pm_id)}.")
        return int(version)

    def changes_since(self, pm_id: str, version: int) -> list[FieldChange]:
        """Return who changed what after ``version`` (oldest first), from the audit trail per field."""
        with self._transaction() as conn:
            return self.changes_since_in(conn, pm_id, version)

    def add(self, pm: PostMortem, *, actor: str, now: datetime) -> PostMortem:
        """Store a new post-mortem, choosing a free id from ``pm.id`` (``-2``, ``-3`` suffixes)."""
        ids.require(pm.id, field="The post-mortem id")
        check_times(pm)
        base = ids.base(pm.id)
        blobs = telemetry.blobs_for(pm, self._blobs)
        for attempt in range(1, 1000):
            candidate = pm.id if attempt == 1 else f"{base}-{attempt}"
            stored = _with_version(_with_id(pm, candidate), 1)
            try:
                with self._transaction() as conn:
                    exists = conn.execute(
                        select(func.count()).where(tables.postmortems.c.id == candidate)
                    ).scalar_one()
                    if exists:
                        continue
                    data = documents.editable_data(stored, telemetry.refs(blobs))
                    conn.execute(insert(tables.postmortems).values(**_row(stored, data, now=now)))
                    _store_blobs(conn, candidate, blobs, now=now)
                    _audit(conn, stored, actor=actor, now=now, summary="created the post-mortem")
                self._remember(stored)
                return stored
            except IntegrityError:
                continue  # another writer took this id between our check and insert
        raise StorageError(f"Could not find a free id for {base}")

    def save(self, pm: PostMortem, *, actor: str, now: datetime, summary: str) -> PostMortem:
        """Store ``pm`` whole if the stored version is still ``pm.version``; return it with the new version."""
        check_times(pm)
        blobs = telemetry.blobs_for(pm, self._blobs)
        with self._transaction() as conn:
            row = self._locked_row(conn, pm.id)
            if row.version != pm.version:
                raise StaleWriteError(pm.id, pm.version, row.version)
            latest = json.loads(row.document)
            data = documents.editable_data(pm, telemetry.refs(blobs))
            landed = [c.path for c in changes.diff(latest, data)]
            stored = _with_version(pm, row.version + 1)
            try:
                self._write(conn, stored, data, blobs, landed, expected=row.version, actor=actor, now=now,
                            summary=summary)
            except _RaceLostError:
                raise StaleWriteError(pm.id, pm.version, self.version_of(pm.id)) from None
        self._remember(stored)
        return stored

    def save_changes(self, before: PostMortem, after: PostMortem, *, actor: str, now: datetime,
                     summary: str) -> PostMortem:
        """Store what ``after`` changed from ``before``, merged onto newer versions; return what is stored now.

        Changes to fields or items nobody else changed since ``before.version`` land whatever else changed;
        a change to the same field or item raises ConflictError naming it (nothing of this edit is stored).
        """
        return self._with_retries(lambda conn: self._save_changes(conn, before, after, actor=actor, now=now,
                                                                  summary=summary))

    def publish(self, before: PostMortem, after: PostMortem, *, actor: str, now: datetime, markdown: str,
                pdf: bytes) -> Snapshot:
        """Save ``after`` and freeze its snapshot, both or neither; only on the version the publisher saw.

        Publishing freezes what was reviewed: when someone saved since ``before.version``, StaleWriteError.
        """
        s = tables.snapshots

        def publish_in(conn: Connection) -> Snapshot:
            stored = self._save_changes(conn, before, after, actor=actor, now=now, summary="published the report",
                                        strict=True)
            number = conn.execute(select(func.count()).where(s.c.pm_id == after.id)).scalar_one() + 1
            snapshot = Snapshot(after.id, number, stored.version, now, actor, document.dumps(stored), markdown, pdf)
            conn.execute(insert(s).values(**dataclasses.asdict(snapshot)))
            return snapshot

        return self._with_retries(publish_in)

    def _with_retries(self, work: Callable[[Connection], T]) -> T:
        for _ in range(_WRITE_ATTEMPTS):
            try:
                with self._transaction() as conn:
                    return work(conn)
            except _RaceLostError:
                continue  # another writer committed between our read and our write: merge again
        raise StorageError("The post-mortem is being changed by many people at once: try again in a moment.")

    def _save_changes(self, conn: Connection, before: PostMortem, after: PostMortem, *, actor: str, now: datetime,
                      summary: str, strict: bool = False) -> PostMortem:
        check_times(after)
        before_refs = telemetry.refs(telemetry.blobs_for(before, self._blobs))
        blobs = telemetry.blobs_for(after, self._blobs)
        mine, base = documents.changes_between(before, after, before_refs, telemetry.refs(blobs))
        row = self._locked_row(conn, after.id)
        if strict and row.version != before.version:
            raise StaleWriteError(after.id, before.version, row.version)
        latest = json.loads(row.document)
        if row.version == before.version:
            data = changes.apply(latest, mine)
            stored = _in_stored_order(_with_version(after, row.version + 1))
        else:
            since = self.changes_since_in(conn, after.id, before.version)
            data, conflicts = changes.merge(base, mine, latest, [c.path for c in since])
            if conflicts:
                error = ConflictError(after.id, before.version, row.version, [_described(c, since) for c in conflicts])
                error.attempted = after
                raise error
            stored = self._assemble(conn, after.id, documents.dumps(data), row.version + 1, blobs=blobs)
        self._write(conn, stored, data, blobs, [c.path for c in mine], expected=row.version, actor=actor, now=now,
                    summary=summary)
        self._remember(stored)
        return stored

    def changes_since_in(self, conn: Connection, pm_id: str, version: int) -> list[FieldChange]:
        """Return who changed what after ``version``, read on ``conn`` (inside a write)."""
        f = tables.field_changes
        rows = conn.execute(select(f).where(f.c.pm_id == pm_id, f.c.version > version)
                            .order_by(f.c.version, f.c.id)).all()
        return [FieldChange(documents.path_of(r.path), r.version, r.actor, r.at) for r in rows]

    def _locked_row(self, conn: Connection, pm_id: str) -> Any:
        t = tables.postmortems
        query = select(t.c.version, t.c.document).where(t.c.id == pm_id)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()  # writers of one post-mortem take turns; readers never wait
        row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(f"The post-mortem {ids.shown(pm_id)} no longer exists.")
        return row

    def _write(self, conn: Connection, stored: PostMortem, data: dict[str, Any], blobs: Mapping[str, object],
               paths: Sequence[tuple[str, ...]], *, expected: int, actor: str, now: datetime, summary: str) -> None:
        t = tables.postmortems
        result = conn.execute(update(t).where(t.c.id == stored.id, t.c.version == expected)
                              .values(**_row(stored, data, now=now, created=False)))
        if result.rowcount != 1:
            raise _RaceLostError
        _store_blobs(conn, stored.id, blobs, now=now)
        if paths:
            conn.execute(insert(tables.field_changes), [
                {"pm_id": stored.id, "version": stored.version, "path": documents.path_text(p), "actor": actor,
                 "at": now} for p in dict.fromkeys(paths)])
        _audit(conn, stored, actor=actor, now=now, summary=summary)

    def _assemble(self, conn: Connection, pm_id: str, text: str, version: int,
                  blobs: Mapping[str, object] | None = None) -> PostMortem:
        pm, refs = documents.loads_editable(text, origin=f"stored post-mortem {pm_id}")
        fresh = {b.digest: b.payload for b in (blobs or {}).values() if isinstance(b, telemetry.Blob)}

        def load(digests: list[str]) -> dict[str, bytes]:
            found = {d: fresh[d] for d in digests if d in fresh}
            wanted = [d for d in digests if d not in found]
            if wanted:
                b = tables.telemetry_blobs
                rows = conn.execute(select(b.c.digest, b.c.payload).where(b.c.pm_id == pm_id,
                                                                          b.c.digest.in_(wanted))).all()
                found |= {r.digest: bytes(r.payload) for r in rows}
            return found

        return _with_version(telemetry.attach(pm, refs, load, self._blobs), version)

    def _cached(self, pm_id: str, version: int) -> PostMortem | None:
        with self._recent_lock:
            return self._recent.get((pm_id, version))

    def _remember(self, pm: PostMortem) -> None:
        with self._recent_lock:
            self._recent[(pm.id, pm.version)] = pm
            self._recent.move_to_end((pm.id, pm.version))
            while len(self._recent) > _RECENT:
                self._recent.popitem(last=False)

    def snapshots(self, pm_id: str) -> list[Snapshot]:
        """Return the published snapshots of ``pm_id``, newest first."""
        s = tables.snapshots
        with self._transaction() as conn:
            rows = conn.execute(select(s).where(s.c.pm_id == pm_id).order_by(s.c.number.desc())).all()
        return [Snapshot(r.pm_id, r.number, r.version, r.published_at, r.actor, r.document, r.markdown, bytes(r.pdf))
                for r in rows]

    def list_summaries(self, *, today: date) -> list[Summary]:
        """Return every post-mortem's summary, newest incident first."""
        t = tables.postmortems
        with self._transaction() as conn:
            rows = conn.execute(
                select(
                    t.c.id, t.c.title, t.c.severity, t.c.status, t.c.incident_start, t.c.incident_end,
                    t.c.version, t.c.updated_at, t.c.published_at, t.c.open_deadlines,
                ).order_by(t.c.incident_start.desc(), t.c.id.desc())
            ).all()
        return [
            Summary(
                id=r.id,
                title=r.title,
                severity=Severity(r.severity) if r.severity else None,
                status=Status(r.status),
                start=r.incident_start,
                end=r.incident_end,
                version=r.version,
                updated_at=r.updated_at,
                published_at=r.published_at,
                overdue_actions=sum(
                    1 for d in r.open_deadlines.split(",") if d and date.fromisoformat(d) < today
                ),
            )
            for r in rows
        ]

    def audit(self, pm_id: str) -> list[AuditEntry]:
        """Return the audit trail of ``pm_id``, newest first."""
        a = tables.audit_entries
        with self._transaction() as conn:
            rows = conn.execute(select(a).where(a.c.pm_id == pm_id).order_by(a.c.id.desc())).all()
        return [AuditEntry(r.pm_id, r.at, r.actor, r.summary, r.version) for r in rows]

    def create_share_link(self, pm_id: str, *, actor: str, now: datetime, public: bool = False) -> ShareLink:
        """Create a new unguessable read-only link (256 bits from the OS's CSPRNG); only its hash is stored.

        The returned value is the only one that holds the token: show it once, it cannot be read back.
        """
        token = secrets.token_urlsafe(32)
        digest = token_hash(token)
        link = ShareLink(id=digest[:LINK_ID_LENGTH], pm_id=pm_id, created_at=now, token=token, public=public)
        kind = "public share link" if public else "share link"
        try:
            with self._transaction() as conn:
                conn.execute(insert(tables.share_links).values(token_sha256=digest, pm_id=pm_id, created_at=now,
                                                               public=public))
                _audit_link(conn, pm_id, actor=actor, now=now, summary=f"created {kind} {link.id[:8]}")
        except IntegrityError as exc:  # the link's foreign key: no such post-mortem
            raise NotFoundError(f"There is no post-mortem {ids.shown(pm_id)} to share.") from exc
        return link

    def share_links(self, pm_id: str) -> list[ShareLink]:
        """Return the share links of ``pm_id``, newest first, named by id (never with a usable token)."""
        s = tables.share_links
        with self._transaction() as conn:
            rows = conn.execute(select(s).where(s.c.pm_id == pm_id).order_by(s.c.created_at.desc())).all()
        return [ShareLink(r.token_sha256[:LINK_ID_LENGTH], r.pm_id, r.created_at, r.revoked_at, public=bool(r.public))
                for r in rows]

    def revoke_share_link(self, link_id: str, *, actor: str, now: datetime) -> None:
        """Revoke the share link named ``link_id`` (as listed by ``share_links``)."""
        if not _LINK_ID.fullmatch(link_id):  # an empty or short id would otherwise match many links
            raise InvalidInputError(f"{ids.shown(link_id)} is not a share link id ({LINK_ID_LENGTH} hex digits).")
        s = tables.share_links
        with self._transaction() as conn:
            pm_id = conn.execute(select(s.c.pm_id).where(s.c.token_sha256.startswith(link_id, autoescape=True),
                                                         s.c.revoked_at.is_(None))).scalar()
            if pm_id is None:
                return
            conn.execute(update(s).where(s.c.token_sha256.startswith(link_id, autoescape=True),
                                         s.c.revoked_at.is_(None)).values(revoked_at=now))
            _audit_link(conn, pm_id, actor=actor, now=now, summary=f"revoked share link {link_id[:8]}")

    def resolve_share_link(self, token: str) -> ShareLink | None:
        """Return the active link with ``token``, or None when unknown or revoked."""
        # looked up by the token's SHA-256: the time taken depends on that hash, which nobody can steer
        # towards a stored one, so it tells nothing about how close a guess came
        s = tables.share_links
        with self._transaction() as conn:
            row = conn.execute(select(s).where(s.c.token_sha256 == token_hash(token), s.c.revoked_at.is_(None))).first()
        if row is None:
            return None
        return ShareLink(row.token_sha256[:LINK_ID_LENGTH], row.pm_id, row.created_at, row.revoked_at, token=token,
                         public=bool(row.public))


@dataclass(frozen=True)
class FieldChange:
    """One path changed by one saved version: who and when (the audit trail per field)."""

    path: tuple[str, ...]
    version: int
    actor: str
    at: datetime

    @property
    def label(self) -> str:
        """Return what a person calls the changed thing."""
        return changes.label(self.path)


class _RaceLostError(Exception):
    """Another writer committed between this write's read and its update (retried at once)."""


_WRITE_ATTEMPTS = 20
_RECENT = 64
T = TypeVar("T")


def _described(conflict: changes.Conflict, since: Sequence[FieldChange]) -> FieldConflict:
    last = next((c for c in reversed(since) if c.path == conflict.path), None)
    return FieldConflict(label=changes.label(conflict.path), mine=changes.text_of(conflict.mine),
                         theirs=changes.text_of(conflict.theirs), actor=last.actor if last else "someone",
                         at=last.at if last else datetime.now(UTC))


def _store_blobs(conn: Connection, pm_id: str, blobs: Mapping[str, object], *, now: datetime) -> None:
    b = tables.telemetry_blobs
    for blob in blobs.values():
        if not isinstance(blob, telemetry.Blob):
            continue
        exists = conn.execute(select(func.count()).where(b.c.pm_id == pm_id, b.c.digest == blob.digest)).scalar_one()
        if not exists:
            conn.execute(insert(b).values(pm_id=pm_id, digest=blob.digest, part=blob.part, payload=blob.payload,
                                          created_at=now))


LINK_ID_LENGTH = 16
"""Hex digits of a token's SHA-256 that name its share link (64 bits: unique in practice, useless to open it)."""

_LINK_ID = re.compile(rf"[0-9a-f]{{{LINK_ID_LENGTH}}}")


def token_hash(token: str) -> str:
    """Return the SHA-256 (hex) of a share token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_times(pm: PostMortem) -> None:
    """Raise InvalidInputError when the incident window or an event time is outside 1970–2100 (UTC)."""
    time_range.require(pm.start, field="Incident start")
    time_range.require(pm.end, field="Incident end")
    for n, event in enumerate(pm.events, start=1):
        time_range.require(event.time, field=f"Timeline event {n} ({event.id}) time")


def _require_known_form(pm_id: str) -> None:
    # a malformed id (a URL's ?pm=, a typo) is simply not there: the same plain words, no database error
    if not ids.is_valid(pm_id):
        raise NotFoundError(f"There is no post-mortem {ids.shown(pm_id)}: ids look like {ids.EXPECTED}.")


def unreachable_error(exc: OperationalError, *, where: str = "") -> StorageError:
    """Return the plain-words error for a database that cannot be reached (down, restarting, locked)."""
    details = str(exc.orig).strip().splitlines()[0] if exc.orig and str(exc.orig).strip() else str(exc)
    return StorageError(
        "The database cannot be reached right now. Check that it is running and try again "
        f"(details: {details}{f'; database {where}' if where else ''})."
    )


def _in_stored_order(pm: PostMortem) -> PostMortem:
    """Return ``pm`` with its timeline in the order the stored document keeps (time, then id)."""
    keys = [(e.time, e.id) for e in pm.events]
    if keys == sorted(keys):
        return pm
    return replace(pm, events=tuple(sorted(pm.events, key=lambda e: (e.time, e.id))))


def _with_version(pm: PostMortem, version: int) -> PostMortem:
    return replace(pm, version=version)


def _with_id(pm: PostMortem, pm_id: str) -> PostMortem:
    return replace(pm, id=pm_id)


def _row(pm: PostMortem, data: Mapping[str, Any], *, now: datetime, created: bool = True) -> dict[str, object]:
    row: dict[str, object] = {
        "title": pm.title,
        "severity": pm.severity.value if pm.severity else None,
        "status": pm.status.value,
        "incident_start": pm.start,
        "incident_end": pm.end,
        "published_at": pm.published_at,
        "open_deadlines": ",".join(
            a.deadline.isoformat()
            for a in pm.actions
            if a.deadline and a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
        ),
        "version": pm.version,
        "updated_at": now,
        "document": documents.dumps(data),
    }
    if created:
        row["id"] = pm.id
        row["created_at"] = pm.created_at
    return row


def _audit(conn: Connection, pm: PostMortem, *, actor: str, now: datetime, summary: str) -> None:
    conn.execute(
        insert(tables.audit_entries).values(pm_id=pm.id, at=now, actor=actor, summary=summary, version=pm.version)
    )


def _audit_link(conn: Connection, pm_id: str, *, actor: str, now: datetime, summary: str) -> None:
    version = conn.execute(select(tables.postmortems.c.version).where(tables.postmortems.c.id == pm_id)).scalar()
    conn.execute(insert(tables.audit_entries).values(pm_id=pm_id, at=now, actor=actor, summary=summary,
                                                     version=int(version or 0)))
