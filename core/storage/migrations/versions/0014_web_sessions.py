"""desk sessions stored on the server: sign-out and revocation end them (issue 15)

Revision ID: 0014_web_sessions
Revises: 0013_emulation_reports
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.storage.types

revision: str = "0014_web_sessions"
down_revision: str | Sequence[str] | None = "0013_emulation_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_member_id"))
    op.drop_table("web_session")
