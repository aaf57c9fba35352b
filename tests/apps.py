"""Building our app against fake platforms in a test: a runtime from an environment, its app
without background loops, and an ASGI client, closed with the test's exit stack."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.settings import load_settings
from core.ports import Clock


async def open_app(
    stack: contextlib.AsyncExitStack, environ: Mapping[str, str], *, engine: Engine, clock: Clock
) -> tuple[Runtime, httpx.AsyncClient]:
    runtime = build_runtime(load_settings(environ=dict(environ)), engine=engine, clock=clock)
    stack.push_async_callback(runtime.aclose)
    app = create_app(runtime.settings, runtime=runtime, background=False)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    await stack.enter_async_context(client)
    return runtime, client


def count(engine: Engine, model: Any) -> int:
    """How many rows `model` has."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()
