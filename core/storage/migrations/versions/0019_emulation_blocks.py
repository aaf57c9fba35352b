"""emulation blocks: blocks of comparable grassroots unions and the evaluations of the level
above, history kept (issue 17)

Revision ID: 0019_emulation_blocks
Revises: 0018_broadcast_buttons
Create Date: 2026-12-03 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0019_emulation_blocks"
down_revision: str | Sequence[str] | None = "0018_broadcast_buttons"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = core.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "emulation_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["owner_unit_id"], ["union_unit.id"]),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_block", schema=None) as batch_op:
        for column in ("owner_unit_id", "campaign_id"):
            batch_op.create_index(batch_op.f(f"ix_emulation_block_{column}"), [column])
    op.create_table(
        "emulation_block_unit",
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["block_id"], ["emulation_block.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"]),
        sa.PrimaryKeyConstraint("block_id", "unit_id"),
        sa.UniqueConstraint("scope", "unit_id", name="uq_block_unit_scope"),
    )
    op.create_table(
        "emulation_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=80), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("self_value", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("evaluated_by", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["block_id"], ["emulation_block.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["criterion_id"], ["emulation_criterion.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"]),
        sa.ForeignKeyConstraint(["evaluated_by"], ["member.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chain", "previous_id", name="uq_evaluation_chain_previous"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_evaluation", schema=None) as batch_op:
        for column in ("chain", "campaign_id"):
            batch_op.create_index(batch_op.f(f"ix_emulation_evaluation_{column}"), [column])


def downgrade() -> None:
    with op.batch_alter_table("emulation_evaluation", schema=None) as batch_op:
        for column in ("campaign_id", "chain"):
            batch_op.drop_index(batch_op.f(f"ix_emulation_evaluation_{column}"))
    op.drop_table("emulation_evaluation")
    op.drop_table("emulation_block_unit")
    with op.batch_alter_table("emulation_block", schema=None) as batch_op:
        for column in ("campaign_id", "owner_unit_id"):
            batch_op.drop_index(batch_op.f(f"ix_emulation_block_{column}"))
    op.drop_table("emulation_block")
