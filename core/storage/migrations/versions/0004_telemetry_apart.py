"""Telemetry apart from the editable post-mortem, and the audit trail per field.

Each stored document's imports, series, alerts and candidates move to ``telemetry_blobs`` (content-addressed
by SHA-256); the document keeps their digests under ``"telemetry"``. Nothing is lost: the JSON of each part is
moved as it was stored.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from core.storage.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# written out rather than imported: a migration must not change when the code does later
_PARTS = ("imports", "series", "alerts", "candidates")
_postmortems = sa.table("postmortems", sa.column("id", sa.String(40)), sa.column("document", sa.Text))


def _payload(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def upgrade() -> None:
    blobs = op.create_table(
        "telemetry_blobs",
        sa.Column("pm_id", sa.String(40), sa.ForeignKey("postmortems.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("part", sa.String(16), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "field_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pm_id", sa.String(40), sa.ForeignKey("postmortems.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_field_changes_pm_version", "field_changes", ["pm_id", "version"])
    connection = op.get_bind()
    now = datetime.now(UTC)
    for pm_id, text in connection.execute(sa.select(_postmortems.c.id, _postmortems.c.document)).all():
        data = json.loads(text)  # NaN from documents written before strict JSON is read, and stored as null
        refs = {}
        for part in _PARTS:
            payload = _payload(_finite(data.pop(part, []) or []))
            digest = hashlib.sha256(payload).hexdigest()
            refs[part] = digest
            exists = connection.execute(sa.select(sa.func.count()).select_from(blobs).where(
                blobs.c.pm_id == pm_id, blobs.c.digest == digest)).scalar_one()
            if not exists:
                connection.execute(sa.insert(blobs).values(pm_id=pm_id, digest=digest, part=part, payload=payload,
                                                           created_at=now))
            data[part] = []
        data["telemetry"] = refs
        connection.execute(sa.update(_postmortems).where(_postmortems.c.id == pm_id).values(
            document=json.dumps(data, ensure_ascii=False, allow_nan=False)))


def _finite(value: object) -> object:
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def downgrade() -> None:
    connection = op.get_bind()
    blobs = sa.table("telemetry_blobs", sa.column("pm_id", sa.String(40)), sa.column("digest", sa.String(64)),
                     sa.column("payload", sa.LargeBinary))
    for pm_id, text in connection.execute(sa.select(_postmortems.c.id, _postmortems.c.document)).all():
        data = json.loads(text)
        refs = data.pop("telemetry", {})
        for part in _PARTS:
            payload = connection.execute(sa.select(blobs.c.payload).where(
                blobs.c.pm_id == pm_id, blobs.c.digest == refs.get(part, ""))).scalar()
            data[part] = json.loads(payload) if payload is not None else []
        connection.execute(sa.update(_postmortems).where(_postmortems.c.id == pm_id).values(
            document=json.dumps(data, ensure_ascii=False)))
    op.drop_index("ix_field_changes_pm_version", "field_changes")
    op.drop_table("field_changes")
    op.drop_table("telemetry_blobs")
