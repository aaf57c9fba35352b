"""outbox possible duplicates: how many times a row was claimed again after a worker lost it
while its send was in flight

Revision ID: 0003_outbox_possible_duplicates
Revises: 0002_outbox_claim_index
Create Date: 2026-12-02 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_outbox_possible_duplicates"
down_revision: str | None = "0002_outbox_claim_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("possible_duplicates", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("possible_duplicates")
