"""The Alembic migrations produce exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from core.schema import metadata
from core.storage import migrate


def test_database_is_at_every_head(engine: Engine):
    assert migrate.current_revisions(engine) == migrate.head_revisions(engine)


def test_models_match_migrations(engine: Engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_object": migrate.modelled}
        )
        diff = compare_metadata(context, metadata)
    assert diff == []
