"""evaluation calls: when the evaluators of a campaign's period were called to score the units
of their blocks by chat (issue 17)

Revision ID: 0023_evaluation_call
Revises: 0022_titles
Create Date: 2026-12-03 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0023_evaluation_call"
down_revision: str | Sequence[str] | None = "0022_titles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = core.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "emulation_evaluation_call",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("called_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campaign_id", "due_on"),
    )


def downgrade() -> None:
    op.drop_table("emulation_evaluation_call")
