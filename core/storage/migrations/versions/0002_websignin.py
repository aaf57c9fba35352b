"""one-time sign-in codes of the officer web UI

Revision ID: 0002_websignin
Revises: 0001
Create Date: 2026-11-25 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.storage.types

revision: str = "0002_websignin"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("websignin",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_signin_code",
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    with op.batch_alter_table("web_signin_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_signin_code_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("web_signin_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_signin_code_member_id"))
    op.drop_table("web_signin_code")
