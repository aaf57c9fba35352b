"""the members page at 10^5 members without reading them all: an index for a part of a folded
name (a trigram index: `pg_trgm` GIN on PostgreSQL, an FTS5 trigram table on SQLite) and the
members counted per unit, kept by triggers in the transaction of every change (issue 16)

On SQLite a later migration that re-creates `member` or `roster_entry` (alembic's batch mode:
copy, drop, rename) drops their triggers with the old table: it must create them again (the
statements of `_sqlite_counts` and `SQLITE_NAMES` below); tests/e2e/test_member_search_index.py
fails if it does not.

Revision ID: 0027_member_search_index
Revises: 0026_member_former_post
Create Date: 2026-12-04 02:15:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_member_search_index"
down_revision: str | Sequence[str] | None = "0026_member_former_post"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# a member counted: onboarded, not forgotten; a roster entry waiting: unclaimed, not removed
JOINED = "{r}.onboarded_at IS NOT NULL AND {r}.forgotten_at IS NULL"
WAITING = "{r}.member_id IS NULL AND {r}.removed_at IS NULL"
MEMBER_COLUMNS = "unit_id, onboarded_at, forgotten_at, verified_at"
ROSTER_COLUMNS = "unit_id, member_id, removed_at"


def _add(unit: str, joined: str, verified: str, waiting: str) -> str:
    """Add to a unit's counts (its row made at the first change)."""
    return (
        "INSERT INTO unit_member_count (unit_id, joined, verified, waiting)"
        f" VALUES ({unit}, {joined}, {verified}, {waiting}) ON CONFLICT (unit_id) DO UPDATE SET"
        " joined = unit_member_count.joined + excluded.joined,"
        " verified = unit_member_count.verified + excluded.verified,"
        " waiting = unit_member_count.waiting + excluded.waiting"
    )


def _member(r: str, sign: str) -> str:
    verified = f"CASE WHEN {r}.verified_at IS NULL THEN 0 ELSE {sign}1 END"
    return _add(f"{r}.unit_id", f"{sign}1", verified, "0")


def _roster(r: str, sign: str) -> str:
    return _add(f"{r}.unit_id", "0", "0", f"{sign}1")


FILL = """
INSERT INTO unit_member_count (unit_id, joined, verified, waiting)
SELECT unit_id, sum(joined), sum(verified), sum(waiting) FROM (
    SELECT unit_id, count(*) AS joined, count(verified_at) AS verified, 0 AS waiting
    FROM member WHERE onboarded_at IS NOT NULL AND forgotten_at IS NULL GROUP BY unit_id
    UNION ALL
    SELECT unit_id, 0, 0, count(*) FROM roster_entry
    WHERE member_id IS NULL AND removed_at IS NULL GROUP BY unit_id
) AS found GROUP BY unit_id
"""


def _sqlite_counts() -> list[str]:
    made = []
    for table, columns, test, change in (
        ("member", MEMBER_COLUMNS, JOINED, _member),
        ("roster_entry", ROSTER_COLUMNS, WAITING, _roster),
    ):
        old, new = test.format(r="old"), test.format(r="new")
        made += [
            f"CREATE TRIGGER {table}_count_in AFTER INSERT ON {table} WHEN {new}"
            f" BEGIN {change('new', '+')}; END",
            f"CREATE TRIGGER {table}_count_out AFTER DELETE ON {table} WHEN {old}"
            f" BEGIN {change('old', '-')}; END",
            f"CREATE TRIGGER {table}_count_was AFTER UPDATE OF {columns} ON {table} WHEN {old}"
            f" BEGIN {change('old', '-')}; END",
            f"CREATE TRIGGER {table}_count_now AFTER UPDATE OF {columns} ON {table} WHEN {new}"
            f" BEGIN {change('new', '+')}; END",
        ]
    return made


# SQLite: the folded names in an FTS5 table of trigrams (case-sensitive: the names are folded
# already, as the LIKE it replaces compared them), its rowid the member's id
SQLITE_NAMES = [
    "CREATE VIRTUAL TABLE member_name USING fts5(name_key, tokenize = 'trigram case_sensitive 1')",
    "INSERT INTO member_name (rowid, name_key) SELECT id, name_key FROM member"
    " WHERE name_key IS NOT NULL",
    "CREATE TRIGGER member_name_in AFTER INSERT ON member WHEN new.name_key IS NOT NULL"
    " BEGIN INSERT INTO member_name (rowid, name_key) VALUES (new.id, new.name_key); END",
    "CREATE TRIGGER member_name_out AFTER DELETE ON member"
    " BEGIN DELETE FROM member_name WHERE rowid = old.id; END",
    "CREATE TRIGGER member_name_now AFTER UPDATE OF id, name_key ON member BEGIN"
    " DELETE FROM member_name WHERE rowid = old.id;"
    " INSERT INTO member_name (rowid, name_key) SELECT new.id, new.name_key"
    " WHERE new.name_key IS NOT NULL; END",
]


def _postgres_counts() -> list[str]:
    made = []
    for table, columns, test, change in (
        ("member", MEMBER_COLUMNS, JOINED, _member),
        ("roster_entry", ROSTER_COLUMNS, WAITING, _roster),
    ):
        # OLD is NULL in an INSERT's trigger, NEW in a DELETE's: their tests are then NULL
        made += [
            f"CREATE FUNCTION {table}_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" IF TG_OP <> 'INSERT' AND {test.format(r='OLD')} THEN {change('OLD', '-')};"
            " END IF;"
            f" IF TG_OP <> 'DELETE' AND {test.format(r='NEW')} THEN {change('NEW', '+')};"
            " END IF; RETURN NULL; END $$",
            f"CREATE TRIGGER {table}_count AFTER INSERT OR DELETE OR UPDATE OF {columns}"
            f" ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_count()",
        ]
    return made


def _postgres_trigrams() -> None:
    """`pg_trgm` (a trusted extension: a database owner may create it); where it cannot be
    created the search stays a scan of the names, as before, and says so in the log."""
    conn = op.get_bind()
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm could not be created (%s): the members search scans", exc.orig)
        return
    conn.exec_driver_sql(
        "CREATE INDEX ix_member_name_trgm ON member USING gin (name_key gin_trgm_ops)"
    )


def upgrade() -> None:
    op.create_table(
        "unit_member_count",
        sa.Column("unit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("joined", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    conn = op.get_bind()
    conn.exec_driver_sql(FILL)
    if conn.dialect.name == "postgresql":
        for statement in _postgres_counts():
            conn.exec_driver_sql(statement)
        _postgres_trigrams()
        return
    for statement in [*_sqlite_counts(), *SQLITE_NAMES]:
        conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_member_name_trgm")  # pg_trgm stays
        for table in ("member", "roster_entry"):
            conn.exec_driver_sql(f"DROP TRIGGER {table}_count ON {table}")
            conn.exec_driver_sql(f"DROP FUNCTION {table}_count()")
    else:
        for name in ("in", "out", "now"):
            conn.exec_driver_sql(f"DROP TRIGGER member_name_{name}")
        conn.exec_driver_sql("DROP TABLE member_name")
        for table in ("member", "roster_entry"):
            for name in ("in", "out", "was", "now"):
                conn.exec_driver_sql(f"DROP TRIGGER {table}_count_{name}")
    op.drop_table("unit_member_count")
