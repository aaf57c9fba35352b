"""emulation criteria of a campaign (issue 17)

Revision ID: 0007_emulation_criteria
Revises: 0006_quiz_former_takers
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.storage.types

revision: str = "0007_emulation_criteria"
down_revision: str | Sequence[str] | None = "0006_quiz_former_takers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "emulation_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("measure", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=True),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("per_member", sa.Boolean(), nullable=False),
        sa.Column("lower_is_better", sa.Boolean(), nullable=False),
        sa.Column("reporter", sa.String(length=12), nullable=False),
        sa.Column("frequency", sa.String(length=12), nullable=False),
        sa.Column("evidence", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("retired_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["replaces_id"], ["emulation_criterion.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_criterion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emulation_criterion_campaign_id"), ["campaign_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("emulation_criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emulation_criterion_campaign_id"))
    op.drop_table("emulation_criterion")
