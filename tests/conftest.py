"""Fixtures: a migrated database per test (SQLite by default, PostgreSQL with --db=postgres),
a controllable clock, the runtime and the app without background loops."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.settings import Settings, load_settings
from core.schema import metadata
from core.storage import migrate
from core.storage.engine import make_engine, normalise_url

# A busy machine (CI beside other jobs) must not fail a property test for being slow: the
# properties are about answers, and speed is measured by the benchmarks.
hypothesis_settings.register_profile("thidua", deadline=None)
hypothesis_settings.load_profile("thidua")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="database to run against; postgres needs THIDUA_TEST_POSTGRES_URL",
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def database_template(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database made once per run: a SQLite file, or a PostgreSQL database."""
    if db_kind == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate.upgrade(engine)
        engine.dispose()
        yield str(path)
        return
    admin_url = os.environ.get("THIDUA_TEST_POSTGRES_URL")
    if not admin_url:
        pytest.exit("--db=postgres needs THIDUA_TEST_POSTGRES_URL", returncode=4)
    name = f"thidua_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_url(admin_url).rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(db_kind: str, database_template: str, tmp_path: Path) -> Iterator[str]:
    if db_kind == "sqlite":
        path = tmp_path / "thidua.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"
        return
    yield database_template
    engine = make_engine(database_template)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(environ={"THIDUA_DATABASE_URL": database_url})


@pytest.fixture
def runtime(settings: Settings, engine: Engine, clock: FakeClock) -> Iterator[Runtime]:
    rt = build_runtime(settings, engine=engine, clock=clock)
    yield rt


@pytest.fixture
async def client(runtime: Runtime, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, runtime=runtime, background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
