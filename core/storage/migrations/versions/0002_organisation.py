"""the union as it is: unit codes, declared membership, join mode, rosters, tree changes

Revision ID: 0002_organisation
Revises: 0001
Create Date: 2026-12-02 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.storage.types

revision: str = "0002_organisation"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("organisation",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("union_unit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(sa.Column("declared_members", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("declared_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("join_mode", sa.String(length=16), nullable=False, server_default="open")
        )
        batch_op.add_column(
            sa.Column("closed_at", core.storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_union_unit_code"), ["code"], unique=True)
    with op.batch_alter_table("union_unit", schema=None) as batch_op:
        batch_op.alter_column("join_mode", server_default=None)
    op.create_table(
        "roster_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("worker_group", sa.String(length=32), nullable=True),
        sa.Column("holds_leadership_post", sa.Boolean(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("card", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("gender", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", core.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("roster_entry", schema=None) as batch_op:
        batch_op.create_index("ix_roster_entry_card", ["card"], unique=False)
        batch_op.create_index(batch_op.f("ix_roster_entry_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_roster_entry_phone", ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_roster_entry_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index("ix_roster_entry_unit_name", ["unit_id", "name_key"], unique=False)
    op.create_table(
        "unit_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("by_member_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("at", core.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_member_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["unit_id"], ["union_unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unit_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_change_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    op.drop_table("unit_change")
    op.drop_table("roster_entry")
    with op.batch_alter_table("union_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_union_unit_code"))
        batch_op.drop_column("closed_at")
        batch_op.drop_column("join_mode")
        batch_op.drop_column("declared_on")
        batch_op.drop_column("declared_members")
        batch_op.drop_column("code")
