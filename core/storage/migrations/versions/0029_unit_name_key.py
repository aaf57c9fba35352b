"""the unit picker's search in the database: each unit's name and code folded (no case, no
diacritics) beside them, so that finding «cong ty so 12» among a province's units is one
`LIKE` instead of reading every unit of the officer's scope and folding its name in Python on
every search; the folded code indexed, and on PostgreSQL with `pg_trgm` (migration 0027) a
trigram index on the folded name, so that a national tree's units are found without reading
them all (SQLite reads a province's few thousand folded names in about a millisecond)
(issue 16)

Revision ID: 0029_unit_name_key
Revises: 0028_unit_totals
Create Date: 2026-12-04 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.members.rules import key_of

revision: str = "0029_unit_name_key"
down_revision: str | Sequence[str] | None = "0028_unit_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAMS = "ix_union_unit_name_trgm"


def _fold(value: str | None, length: int) -> str | None:
    return key_of(value)[:length] if value else None


def upgrade() -> None:
    # plain ALTER TABLE on both databases (no batch copy on SQLite: `union_unit` is referenced
    # by every table with a unit, and the copy would drop and rename it under them)
    op.add_column(
        "union_unit",
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    )
    op.add_column(
        "union_unit",
        sa.Column("code_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    conn = op.get_bind()
    unit = sa.table(
        "union_unit",
        sa.column("id"),
        sa.column("name"),
        sa.column("code"),
        sa.column("name_key"),
        sa.column("code_key"),
    )
    rows = conn.execute(sa.select(unit.c.id, unit.c.name, unit.c.code)).all()
    if rows:
        conn.execute(
            unit.update()
            .where(unit.c.id == sa.bindparam("uid"))
            .values(name_key=sa.bindparam("nkey"), code_key=sa.bindparam("ckey")),
            [
                {"uid": i, "nkey": _fold(name, 200), "ckey": _fold(code, 64)}
                for i, name, code in rows
            ],
        )
    op.create_index("ix_union_unit_code_key", "union_unit", ["code_key"])
    if conn.dialect.name == "postgresql":
        # with the code's index, a BitmapOr of both finds the units of a national tree
        trgm = conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if trgm.first() is not None:  # 0027 created it where it could be
            conn.exec_driver_sql(
                f"CREATE INDEX {TRIGRAMS} ON union_unit USING gin (name_key gin_trgm_ops)"
            )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {TRIGRAMS}")
    op.drop_index("ix_union_unit_code_key", table_name="union_unit")
    for column in ("code_key", "name_key"):  # SQLite 3.35 and later drop a column in place
        conn.exec_driver_sql(f"ALTER TABLE union_unit DROP COLUMN {column}")
