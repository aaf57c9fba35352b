"""the units' period totals kept as figures come (`emulation_standing_period`,
`emulation_unit_total`): the reply to a report's last figure reads its unit's total and rank
instead of every unit's figures; and the emulation reports indexed by campaign and period
(issue 17)

Revision ID: 0028_unit_totals
Revises: 0027_member_search_index
Create Date: 2026-12-04 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0028_unit_totals"
down_revision: str | Sequence[str] | None = "0027_member_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = core.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("emulation_report", schema=None) as batch_op:
        batch_op.create_index("ix_emulation_report_campaign_period", ["campaign_id", "period"])
    op.create_table(
        "emulation_standing_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("due_key", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "due_key"),
    )
    op.create_table(
        "emulation_unit_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=True),
        sa.Column("stale", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"], ["emulation_standing_period.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period_id", "unit_id"),
    )
    op.create_index(
        "ix_emulation_unit_total_campaign_unit",
        "emulation_unit_total",
        ["campaign_id", "unit_id"],
    )
    op.create_index(
        "ix_emulation_unit_total_period_total", "emulation_unit_total", ["period_id", "total"]
    )


def downgrade() -> None:
    op.drop_index("ix_emulation_unit_total_period_total", table_name="emulation_unit_total")
    op.drop_index("ix_emulation_unit_total_campaign_unit", table_name="emulation_unit_total")
    op.drop_table("emulation_unit_total")
    op.drop_table("emulation_standing_period")
    with op.batch_alter_table("emulation_report", schema=None) as batch_op:
        batch_op.drop_index("ix_emulation_report_campaign_period")
