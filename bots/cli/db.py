from __future__ import annotations

import argparse

from bots.settings import load_settings
from core.storage import migrate
from core.storage.engine import make_engine


def upgrade_database(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def _upgrade(_args: argparse.Namespace) -> int:
    settings = load_settings()
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    upgrade_database(settings.database_url)
    print("database is up to date")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("db", help="database migrations")
    db_sub = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="apply every migration")
    up.set_defaults(run=_upgrade)
