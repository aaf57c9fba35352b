"""the reason an officer gives for a change to a member (edit, move, remove), kept with the
change in `member_change.why` (issue 16)

Revision ID: 0025_member_change_why
Revises: 0024_report_unit_period
Create Date: 2026-12-03 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0025_member_change_why"
down_revision: str | Sequence[str] | None = "0024_report_unit_period"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_change", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("why", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("member_change", schema=None) as batch_op:
        batch_op.drop_column("why")
