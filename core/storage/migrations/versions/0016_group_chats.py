"""group_chat and broadcast_group: group chats linked to a union unit, and the posts of
broadcasts in them (issue 18)

Revision ID: 0016_group_chats
Revises: 0015_member_changes
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0016_group_chats"
down_revision: str | Sequence[str] | None = "0015_member_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_chat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("invite_code", sa.String(length=32), nullable=True),
        sa.Column("linked_by", sa.Integer(), nullable=True),
        sa.Column("linked_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unlinked_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unlink_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["identity_id"], ["identity.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["linked_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identity_id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("group_chat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_chat_unit_id"), ["unit_id"], unique=False)
    op.create_table(
        "broadcast_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcast.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["group_chat.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("broadcast_id", "group_id", name="uq_broadcast_group"),
    )
    with op.batch_alter_table("broadcast_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcast_group_group_id"), ["group_id"], unique=False)


def downgrade() -> None:
    op.drop_table("broadcast_group")
    op.drop_table("group_chat")
