"""Initial schema: post-mortems, audit trail, share links.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from core.storage.tables import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "postmortems",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("severity", sa.String(4)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("incident_start", UtcDateTime, nullable=False),
        sa.Column("incident_end", UtcDateTime, nullable=False),
        sa.Column("published_at", UtcDateTime),
        sa.Column("open_deadlines", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pm_id", sa.String(40), sa.ForeignKey("postmortems.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_audit_entries_pm_id", "audit_entries", ["pm_id"])
    op.create_table(
        "share_links",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("pm_id", sa.String(40), sa.ForeignKey("postmortems.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("revoked_at", UtcDateTime),
    )
    op.create_index("ix_share_links_pm_id", "share_links", ["pm_id"])


def downgrade() -> None:
    op.drop_table("share_links")
    op.drop_table("audit_entries")
    op.drop_table("postmortems")
