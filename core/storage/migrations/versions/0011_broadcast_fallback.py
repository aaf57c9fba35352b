"""broadcast_recipient.fallback_from: an announcement delivered by fallback on another
messenger of the member (issue 18)

Revision ID: 0011_broadcast_fallback
Revises: 0010_emulation_pledges
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_broadcast_fallback"
down_revision: str | Sequence[str] | None = "0010_emulation_pledges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "broadcast_recipient", sa.Column("fallback_from", sa.String(length=16), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("broadcast_recipient") as batch:
        batch.drop_column("fallback_from")
