"""admin API tokens expire

Revision ID: 0009_token_expiry
Revises: 0008_join_requests
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0009_token_expiry"
down_revision: str | Sequence[str] | None = "0008_join_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("officer_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", core.storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("officer_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
