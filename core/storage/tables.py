"""SQLAlchemy table definitions, kept apart from the domain dataclasses (the repository maps them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import false


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite drops the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; times must be UTC-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

postmortems = Table(
    "postmortems",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("title", Text, nullable=False),
    Column("severity", String(4)),
    Column("status", String(20), nullable=False),
    Column("incident_start", UtcDateTime, nullable=False),
    Column("incident_end", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime),
    Column("open_deadlines", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("document", Text, nullable=False),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pm_id", String(40), ForeignKey("postmortems.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("summary", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

share_links = Table(
    "share_links",
    metadata,
    # only the SHA-256 (hex) of the token: a copy of the database opens no post-mortem
    Column("token_sha256", String(64), primary_key=True),
    Column("pm_id", String(40), ForeignKey("postmortems.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("public", Boolean, nullable=False, server_default=false()),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("pm_id", String(40), ForeignKey("postmortems.id", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("document", Text, nullable=False),
    Column("markdown", Text, nullable=False),
    Column("pdf", LargeBinary, nullable=False),
)

telemetry_blobs = Table(
    "telemetry_blobs",
    metadata,
    # immutable, content-addressed: what an import brought in, named from the editable document by digest
    Column("pm_id", String(40), ForeignKey("postmortems.id", ondelete="CASCADE"), primary_key=True),
    Column("digest", String(64), primary_key=True),
    Column("part", String(16), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

field_changes = Table(
    "field_changes",
    metadata,
    # the audit trail per field: which version changed which path, who and when (merges read it)
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pm_id", String(40), ForeignKey("postmortems.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("path", Text, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_field_changes_pm_version", "pm_id", "version"),
)
