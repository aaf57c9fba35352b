"""Run Alembic migrations programmatically (no alembic.ini needed at run time)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


# made by migrations 0027 and 0029 beside the models, not described by them: the members
# search's trigram index (PostgreSQL) and its FTS5 table with the tables FTS5 keeps for it
# (SQLite); the unit search's trigram index (PostgreSQL)
NOT_MODELLED = frozenset(
    ["ix_member_name_trgm", "member_name", "ix_union_unit_name_trgm"]
    + [f"member_name_{part}" for part in ("data", "idx", "content", "docsize", "config")]
)


def modelled(_object: object, name: str | None, _type: str, reflected: bool, _to: object) -> bool:
    """Alembic's `include_object`: leaves out of a comparison with the models what the
    database has and the models do not describe on purpose (`NOT_MODELLED`)."""
    return not (reflected and name in NOT_MODELLED)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Features add their migrations on their own branches from 0001; `heads` applies all."""
    cfg = alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # SQLite's batch migrations copy a table and drop the old one; with foreign keys
            # on, that drop deletes every row pointing at it (ON DELETE CASCADE). They are off
            # while migrating (only outside a transaction can they be switched) and checked
            # before the commit.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def head_revisions(engine: Engine) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())
