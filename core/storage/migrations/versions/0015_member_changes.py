"""the record of officers' changes to members: edit, move, remove (issue 16)

Revision ID: 0015_member_changes
Revises: 0014_web_sessions
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.storage.types

revision: str = "0015_member_changes"
down_revision: str | Sequence[str] | None = "0014_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("by_member_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["by_member_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("member_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_change_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_table("member_change")
