"""emulation pledges: a campaign's call to register and the members' pledges (issue 17)

Revision ID: 0010_emulation_pledges
Revises: 0009_token_expiry
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0010_emulation_pledges"
down_revision: str | Sequence[str] | None = "0009_token_expiry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "emulation_pledge_call",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("invited_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "emulation_pledge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=24), nullable=False),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "member_id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_pledge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emulation_pledge_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_emulation_pledge_member_id"), ["member_id"], unique=False
        )
    op.create_table(
        "emulation_pledge_target",
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["pledge_id"], ["emulation_pledge.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["criterion_id"], ["emulation_criterion.id"]),
        sa.PrimaryKeyConstraint("pledge_id", "criterion_id"),
    )


def downgrade() -> None:
    op.drop_table("emulation_pledge_target")
    with op.batch_alter_table("emulation_pledge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emulation_pledge_member_id"))
        batch_op.drop_index(batch_op.f("ix_emulation_pledge_campaign_id"))
    op.drop_table("emulation_pledge")
    op.drop_table("emulation_pledge_call")
