"""titles and commendation forms: each union level's definitions with their thresholds, a
closed campaign's proposals with the officers' amendments, the confirmed titles carried by
commendations (issue 17)

Revision ID: 0022_titles
Revises: 0021_emulation_reviews
Create Date: 2026-12-03 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0022_titles"
down_revision: str | Sequence[str] | None = "0021_emulation_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = core.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "emulation_title",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=12), nullable=False),
        sa.Column("form", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("min_score", sa.BigInteger(), nullable=True),
        sa.Column("min_share", sa.BigInteger(), nullable=True),
        sa.Column("all_targets", sa.Boolean(), nullable=False),
        sa.Column("max_rank", sa.Integer(), nullable=True),
        sa.Column("pledge_title", sa.String(length=24), nullable=True),
        sa.Column("retired_at", UTC, nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["owner_unit_id"], ["union_unit.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_title", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emulation_title_owner_unit_id"), ["owner_unit_id"])
    op.create_table(
        "emulation_title_round",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("weighed", sa.Text(), nullable=False),
        sa.Column("unmet", sa.Text(), nullable=False),
        sa.Column("proposed_at", UTC, nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", UTC, nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposed_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["confirmed_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    with op.batch_alter_table("commendation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("issuing_level", sa.String(length=16), nullable=True))
    op.create_table(
        "emulation_title_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=12), nullable=False),
        sa.Column("form", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("origin", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("commendation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["title_id"], ["emulation_title.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"]),
        sa.ForeignKeyConstraint(["commendation_id"], ["commendation.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_title_proposal", schema=None) as batch_op:
        for column in ("campaign_id", "member_id"):
            batch_op.create_index(batch_op.f(f"ix_emulation_title_proposal_{column}"), [column])
    op.create_table(
        "emulation_title_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("before", sa.String(length=200), nullable=True),
        sa.Column("after", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["emulation_title_proposal.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["changed_by"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_title_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emulation_title_change_proposal_id"), ["proposal_id"])


def downgrade() -> None:
    op.drop_table("emulation_title_change")
    op.drop_table("emulation_title_proposal")
    with op.batch_alter_table("commendation", schema=None) as batch_op:
        batch_op.drop_column("issuing_level")
        batch_op.drop_column("form")
    op.drop_table("emulation_title_round")
    op.drop_table("emulation_title")
