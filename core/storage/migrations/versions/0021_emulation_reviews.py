"""emulation reviews: a campaign's mid-term and final reviews with their figures frozen, at
most one final review per campaign (issue 17)

Revision ID: 0021_emulation_reviews
Revises: 0020_member_name_key
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0021_emulation_reviews"
down_revision: str | Sequence[str] | None = "0020_member_name_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = core.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "emulation_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("final_of", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("announce", sa.Boolean(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcast.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("final_of"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emulation_review_campaign_id"), ["campaign_id"])


def downgrade() -> None:
    with op.batch_alter_table("emulation_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emulation_review_campaign_id"))
    op.drop_table("emulation_review")
