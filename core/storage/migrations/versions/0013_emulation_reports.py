"""emulation reports: progress reported by chat per period, corrections kept (issue 17)

Revision ID: 0013_emulation_reports
Revises: 0012_consent_wording
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.storage.types

revision: str = "0013_emulation_reports"
down_revision: str | Sequence[str] | None = "0012_consent_wording"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "emulation_report_call",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("prompted_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campaign_id", "due_on"),
    )
    op.create_table(
        "emulation_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("reported_by", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("evidence_platform", sa.String(length=16), nullable=True),
        sa.Column("evidence_ref", sa.String(length=2000), nullable=True),
        sa.Column("evidence_name", sa.String(length=200), nullable=True),
        sa.Column("evidence_size", sa.Integer(), nullable=True),
        sa.Column("created_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["criterion_id"], ["emulation_criterion.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["reported_by"], ["member.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["superseded_by"], ["emulation_report.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("emulation_report", schema=None) as batch_op:
        for column in ("campaign_id", "criterion_id", "unit_id", "member_id"):
            batch_op.create_index(
                batch_op.f(f"ix_emulation_report_{column}"), [column], unique=False
            )


def downgrade() -> None:
    with op.batch_alter_table("emulation_report", schema=None) as batch_op:
        for column in ("member_id", "unit_id", "criterion_id", "campaign_id"):
            batch_op.drop_index(batch_op.f(f"ix_emulation_report_{column}"))
    op.drop_table("emulation_report")
    op.drop_table("emulation_report_call")
