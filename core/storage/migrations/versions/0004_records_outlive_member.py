"""the union's records outlive a forgotten member: member.forgotten_at, and the member
foreign keys of business rows refuse a delete instead of cascading (issue 15)

A forgotten member's row stays, with nothing that identifies them, so that initiatives and
their co-authors' shares, commendations, the points ledger, quiz attempts and broadcast
audiences keep pointing at "a former member" of their unit. If code ever tried to delete such
a member, the database now refuses instead of deleting the union's records with them.

Revision ID: 0004_records_outlive_member
Revises: every head before it (this revision joins them)
Create Date: 2026-12-03 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.storage.types import UTCDateTime

revision: str = "0004_records_outlive_member"
down_revision: str | Sequence[str] | None = (
    "0002_inbound_raw",
    "0002_initiatives",
    "0002_websignin",
    "0003_broadcast_finished",
    "0003_member_verified",
    "0003_outbox_possible_duplicates",
    "0003_quiz_campaign",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column): business rows that point at a member and must outlive them.
KEPT: tuple[tuple[str, str], ...] = (
    ("initiative", "submitter_id"),
    ("initiative_author", "member_id"),
    ("commended_member", "member_id"),
    ("points_ledger", "member_id"),
    ("member_score", "member_id"),
    ("quiz_attempt", "member_id"),
    ("broadcast_recipient", "member_id"),
)
# SQLite keeps foreign keys unnamed; batch mode names them by this convention to drop them.
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _set_ondelete(table: str, column: str, ondelete: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        name = f"fk_{table}_{column}_member"
        with op.batch_alter_table(
            table, recreate="always", naming_convention=SQLITE_NAMES
        ) as batch:
            batch.drop_constraint(name, type_="foreignkey")
            batch.create_foreign_key(name, "member", [column], ["id"], ondelete=ondelete)
        return
    existing = [
        fk["name"]
        for fk in sa.inspect(op.get_bind()).get_foreign_keys(table)
        if fk["constrained_columns"] == [column] and fk["referred_table"] == "member"
    ]
    for name in existing:
        op.drop_constraint(name, table, type_="foreignkey")
    op.create_foreign_key(
        f"{table}_{column}_fkey", table, "member", [column], ["id"], ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forgotten_at", UTCDateTime(timezone=True), nullable=True))
    for table, column in KEPT:
        _set_ondelete(table, column, "RESTRICT")


def downgrade() -> None:
    for table, column in KEPT:
        _set_ondelete(table, column, "CASCADE")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("forgotten_at")
