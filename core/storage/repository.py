"""The post-mortem repository: a protocol, the SQL implementation and the version check."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from core import ids, time_range
from core.errors import InvalidInputError, NotFoundError, StaleWriteError, StorageError
from core.export import document
from core.models import ActionStatus, AuditEntry, PostMortem, Severity, ShareLink, Snapshot, Status, Summary
from core.storage import tables


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
        """Store ``pm`` if the stored version is still ``pm.version``; return it with the new version."""
        ...

    def publish(self, pm: PostMortem, *, actor: str, now: datetime, markdown: str, pdf: bytes) -> Snapshot:
        """Save ``pm`` (version-checked) and freeze its snapshot, both or neither."""
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

    def create_share_link(self, pm_id: str, *, now: datetime) -> ShareLink:
        """Create a new unguessable read-only link; the returned value is the only one holding its token."""
        ...

    def share_links(self, pm_id: str) -> list[ShareLink]:
        """Return the share links of ``pm_id``, newest first, named by id (never with a usable token)."""
        ...

    def revoke_share_link(self, link_id: str, *, now: datetime) -> None:
        """Revoke the share link named ``link_id``."""
        ...

    def resolve_share_link(self, token: str) -> ShareLink | None:
        """Return the active link with ``token``, or None when unknown or revoked."""
        ...


class SqlPostMortemRepository:
    """The repository on SQLAlchemy Core: SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

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
        with self._transaction() as conn:
            row = conn.execute(
                select(tables.postmortems.c.document, tables.postmortems.c.version).where(
                    tables.postmortems.c.id == pm_id
                )
            ).first()
        if row is None:
            raise NotFoundError(f"There is no post-mortem {ids.shown(pm_id)}. Pick one from the list on the home page.")
        pm = document.loads(row.document, origin=f"stored post-mortem {pm_id}")
        return _with_version(pm, row.version)

    def list_all(self) -> list[PostMortem]:
        """Return every stored post-mortem (for insights across them)."""
        with self._transaction() as conn:
            rows = conn.execute(select(tables.postmortems.c.document, tables.postmortems.c.version)).all()
        return [_with_version(document.loads(r.document, origin="stored post-mortem"), r.version) for r in rows]

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

    def add(self, pm: PostMortem, *, actor: str, now: datetime) -> PostMortem:
        """Store a new post-mortem, choosing a free id from ``pm.id`` (``-2``, ``-3`` suffixes)."""
        ids.require(pm.id, field="The post-mortem id")
        check_times(pm)
        base = ids.base(pm.id)
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
                    conn.execute(insert(tables.postmortems).values(**_row(stored, now=now)))
                    _audit(conn, stored, actor=actor, now=now, summary="created the post-mortem")
                return stored
            except IntegrityError:
                continue  # another writer took this id between our check and insert
        raise StorageError(f"Could not find a free id for {base}")

    def save(self, pm: PostMortem, *, actor: str, now: datetime, summary: str) -> PostMortem:
        """Store ``pm`` if the stored version is still ``pm.version``; return it with the new version."""
        check_times(pm)
        with self._transaction() as conn:
            return _update(conn, pm, actor=actor, now=now, summary=summary)

    def publish(self, pm: PostMortem, *, actor: str, now: datetime, markdown: str, pdf: bytes) -> Snapshot:
        """Save ``pm`` (version-checked) and freeze its snapshot, both or neither."""
        check_times(pm)
        s = tables.snapshots
        with self._transaction() as conn:
            stored = _update(conn, pm, actor=actor, now=now, summary="published the report")
            number = conn.execute(select(func.count()).where(s.c.pm_id == pm.id)).scalar_one() + 1
            snapshot = Snapshot(pm.id, number, stored.version, now, actor, document.dumps(stored), markdown, pdf)
            conn.execute(insert(s).values(**dataclasses.asdict(snapshot)))
        return snapshot

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

    def create_share_link(self, pm_id: str, *, now: datetime) -> ShareLink:
        """Create a new unguessable read-only link (256 bits from the OS's CSPRNG); only its hash is stored.

        The returned value is the only one that holds the token: show it once, it cannot be read back.
        """
        token = secrets.token_urlsafe(32)
        digest = token_hash(token)
        try:
            with self._transaction() as conn:
                conn.execute(insert(tables.share_links).values(token_sha256=digest, pm_id=pm_id, created_at=now))
        except IntegrityError as exc:  # the link's foreign key: no such post-mortem
            raise NotFoundError(f"There is no post-mortem {ids.shown(pm_id)} to share.") from exc
        return ShareLink(id=digest[:LINK_ID_LENGTH], pm_id=pm_id, created_at=now, token=token)

    def share_links(self, pm_id: str) -> list[ShareLink]:
        """Return the share links of ``pm_id``, newest first, named by id (never with a usable token)."""
        s = tables.share_links
        with self._transaction() as conn:
            rows = conn.execute(select(s).where(s.c.pm_id == pm_id).order_by(s.c.created_at.desc())).all()
        return [ShareLink(r.token_sha256[:LINK_ID_LENGTH], r.pm_id, r.created_at, r.revoked_at) for r in rows]

    def revoke_share_link(self, link_id: str, *, now: datetime) -> None:
        """Revoke the share link named ``link_id`` (as listed by ``share_links``)."""
        if not _LINK_ID.fullmatch(link_id):  # an empty or short id would otherwise match many links
            raise InvalidInputError(f"{ids.shown(link_id)} is not a share link id ({LINK_ID_LENGTH} hex digits).")
        s = tables.share_links
        with self._transaction() as conn:
            conn.execute(update(s).where(s.c.token_sha256.startswith(link_id, autoescape=True),
                                         s.c.revoked_at.is_(None)).values(revoked_at=now))

    def resolve_share_link(self, token: str) -> ShareLink | None:
        """Return the active link with ``token``, or None when unknown or revoked."""
        # looked up by the token's SHA-256: the time taken depends on that hash, which nobody can steer
        # towards a stored one, so it tells nothing about how close a guess came
        s = tables.share_links
        with self._transaction() as conn:
            row = conn.execute(select(s).where(s.c.token_sha256 == token_hash(token), s.c.revoked_at.is_(None))).first()
        if row is None:
            return None
        return ShareLink(row.token_sha256[:LINK_ID_LENGTH], row.pm_id, row.created_at, row.revoked_at, token=token)


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


def _update(conn: Connection, pm: PostMortem, *, actor: str, now: datetime, summary: str) -> PostMortem:
    stored = _with_version(pm, pm.version + 1)
    result = conn.execute(
        update(tables.postmortems)
        .where(tables.postmortems.c.id == pm.id, tables.postmortems.c.version == pm.version)
        .values(**_row(stored, now=now, created=False))
    )
    if result.rowcount != 1:
        actual = conn.execute(select(tables.postmortems.c.version).where(tables.postmortems.c.id == pm.id)).scalar()
        if actual is None:
            raise NotFoundError(f"The post-mortem {pm.id!r} no longer exists.")
        raise StaleWriteError(pm.id, pm.version, int(actual))
    _audit(conn, stored, actor=actor, now=now, summary=summary)
    return stored


def _with_version(pm: PostMortem, version: int) -> PostMortem:
    return replace(pm, version=version)


def _with_id(pm: PostMortem, pm_id: str) -> PostMortem:
    return replace(pm, id=pm_id)


def _row(pm: PostMortem, *, now: datetime, created: bool = True) -> dict[str, object]:
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
        "document": document.dumps(pm),
    }
    if created:
        row["id"] = pm.id
        row["created_at"] = pm.created_at
    return row


def _audit(conn: Connection, pm: PostMortem, *, actor: str, now: datetime, summary: str) -> None:
    conn.execute(
        insert(tables.audit_entries).values(pm_id=pm.id, at=now, actor=actor, summary=summary, version=pm.version)
    )
