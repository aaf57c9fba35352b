"""outbox claim index: (platform, status, id), walked in id order by the delivery claim

Revision ID: 0002_outbox_claim_index
Revises: 0001
Create Date: 2026-11-25 09:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_outbox_claim_index"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_claim", ["platform", "status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_claim")
