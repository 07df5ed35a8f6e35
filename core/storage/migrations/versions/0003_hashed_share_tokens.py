"""Share links keep only the SHA-256 of their token; the tokens already handed out are hashed and keep working.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_links = sa.table("share_links", sa.column("token", sa.String(64)))


def _sha256(token: str) -> str:
    # the same digest as core.storage.repository.token_hash, written out: a migration must not change later
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def upgrade() -> None:
    connection = op.get_bind()
    tokens = connection.execute(sa.select(_links.c.token)).scalars().all()
    for token in tokens:  # a hash (64 hex digits) never equals a token (43 URL-safe characters)
        connection.execute(sa.update(_links).where(_links.c.token == token).values(token=_sha256(token)))
    with op.batch_alter_table("share_links") as batch:
        batch.alter_column("token", new_column_name="token_sha256", existing_type=sa.String(64),
                           existing_nullable=False)


def downgrade() -> None:
    # a hash cannot be turned back into its token: the links would never open again, so they are removed
    op.execute(sa.text("DELETE FROM share_links"))
    with op.batch_alter_table("share_links") as batch:
        batch.alter_column("token_sha256", new_column_name="token", existing_type=sa.String(64),
                           existing_nullable=False)
