"""broadcast finished_at: when nothing was left to send

Revision ID: 0003_broadcast_finished
Revises: 0002_campaigns
Create Date: 2026-12-02 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.storage.types import UTCDateTime

revision: str = "0003_broadcast_finished"
down_revision: str | None = "0002_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcast", schema=None) as batch_op:
        batch_op.add_column(sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcast", schema=None) as batch_op:
        batch_op.drop_column("finished_at")
