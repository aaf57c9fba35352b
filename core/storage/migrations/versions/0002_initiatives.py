"""initiatives, reward tables, commendations (issue 8)

Revision ID: 0002_initiatives
Revises: 0001
Create Date: 2026-11-25 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.storage.types

revision: str = "0002_initiatives"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("initiatives",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("team_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("adhoc", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("nominated_by", sa.Integer(), nullable=True),
        sa.Column("by_officer", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("announced_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["nominated_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["union_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_commendation_unit_status", "commendation", ["unit_id", "status"], unique=False
    )
    op.create_table(
        "initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("submitter_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("draft_step", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("benefit_kind", sa.String(length=8), nullable=True),
        sa.Column("benefit_amount", sa.BigInteger(), nullable=True),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("hide_name", sa.Boolean(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("info_request", sa.Text(), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("benefit_vnd", sa.BigInteger(), nullable=True),
        sa.Column("reward_vnd", sa.BigInteger(), nullable=True),
        sa.Column("reward_points", sa.Integer(), nullable=True),
        sa.Column("reward_table_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "status_changed_at", core.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("decided_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("reminded_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["submitter_id"], ["member.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["union_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_initiative_campaign_id"), "initiative", ["campaign_id"], unique=False)
    op.create_index(
        "ix_initiative_submitter_status", "initiative", ["submitter_id", "status"], unique=False
    )
    op.create_index("ix_initiative_unit_status", "initiative", ["unit_id", "status"], unique=False)
    op.create_table(
        "name_preference",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("updated_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_table(
        "reward_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("vnd_per_hour", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["union_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "effective_from", name="uq_reward_table_unit_date"),
    )
    op.create_index(op.f("ix_reward_table_unit_id"), "reward_table", ["unit_id"], unique=False)
    op.create_table(
        "commended_member",
        sa.Column("commendation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("worker_group", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("holds_leadership_post", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["commendation_id"], ["commendation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("commendation_id", "member_id"),
    )
    op.create_table(
        "initiative_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("mime", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("stored_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("problem", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_initiative_attachment_initiative_id"),
        "initiative_attachment",
        ["initiative_id"],
        unique=False,
    )
    op.create_table(
        "initiative_author",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("share_vnd", sa.BigInteger(), nullable=True),
        sa.Column("share_points", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("initiative_id", "member_id"),
    )
    op.create_table(
        "initiative_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_initiative_event_initiative_id"),
        "initiative_event",
        ["initiative_id"],
        unique=False,
    )
    op.create_table(
        "reward_band",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("min_vnd", sa.BigInteger(), nullable=False),
        sa.Column("max_vnd", sa.BigInteger(), nullable=True),
        sa.Column("reward_vnd", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["table_id"], ["reward_table.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_reward_band_table_id"), "reward_band", ["table_id"], unique=False)
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_table("reward_band")
    op.drop_table("initiative_event")
    op.drop_table("initiative_author")
    op.drop_table("initiative_attachment")
    op.drop_table("commended_member")
    op.drop_table("reward_table")
    op.drop_table("name_preference")
    op.drop_index("ix_initiative_submitter_status", table_name="initiative")
    op.drop_index("ix_initiative_unit_status", table_name="initiative")
    op.drop_table("initiative")
    op.drop_index("ix_commendation_unit_status", table_name="commendation")
    op.drop_table("commendation")
