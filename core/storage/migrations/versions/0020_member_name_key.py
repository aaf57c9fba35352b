"""the members page at 10^5 members: the folded name searched in the database, and partial
indexes for a subtree's current members (counted, listed and searched in the order of names)
and an index for its roster entries not on the bot yet (issue 16)

Revision ID: 0020_member_name_key
Revises: 0019_emulation_blocks
Create Date: 2026-12-03 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.members.rules import key_of

revision: str = "0020_member_name_key"
down_revision: str | Sequence[str] | None = "0019_emulation_blocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = "onboarded_at IS NOT NULL AND forgotten_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
    conn = op.get_bind()
    member = sa.table("member", sa.column("id"), sa.column("full_name"), sa.column("name_key"))
    named = conn.execute(
        sa.select(member.c.id, member.c.full_name).where(member.c.full_name.is_not(None))
    ).all()
    if named:
        conn.execute(
            member.update()
            .where(member.c.id == sa.bindparam("mid"))
            .values(name_key=sa.bindparam("key")),
            [{"mid": i, "key": key_of(name)[:100]} for i, name in named],
        )
    where = {"sqlite_where": sa.text(CURRENT), "postgresql_where": sa.text(CURRENT)}
    op.create_index(
        "ix_member_current_unit", "member", ["unit_id", "verified_at", "name_key"], **where
    )
    op.create_index(
        "ix_member_current_name", "member", ["full_name", "id", "unit_id", "name_key"], **where
    )
    op.create_index(
        "ix_roster_entry_waiting", "roster_entry", ["member_id", "removed_at", "unit_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_roster_entry_waiting", table_name="roster_entry")
    op.drop_index("ix_member_current_name", table_name="member")
    op.drop_index("ix_member_current_unit", table_name="member")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("name_key")
