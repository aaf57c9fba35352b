"""The FastAPI application: web chat, webhooks, health, and the background workers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from bots.api import install as install_admin_api
from bots.api.reference import router as api_reference
from bots.attachments import store_forever as store_attachments_forever
from bots.bootstrap import Runtime, build_runtime
from bots.personal_data import router as personal_data
from bots.scheduling import make_ticker
from bots.settings import Settings, load_settings
from bots.web import install as install_web_ui
from bots.web.body_limit import BodyLimit, BodyTooLarge, too_large
from bots.web.headers import SecurityHeaders
from bots.worker import per_platform, process_forever
from scheduler.runner import build_scheduler

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    background: bool = True,
) -> FastAPI:
    """`background=False` leaves processing and delivery to the caller (`runtime.drain()`)."""
    settings = settings or load_settings()
    runtime = runtime or build_runtime(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        scheduler = None
        if background:
            tasks.append(asyncio.create_task(process_forever(runtime, stop)))
            tasks += [asyncio.create_task(w.run_forever(stop)) for w in per_platform(runtime)]
            tasks.append(asyncio.create_task(store_attachments_forever(runtime, stop)))
            scheduler = build_scheduler(
                runtime.engine,
                runtime.clock,
                settings.timezone,
                ticker=make_ticker(runtime, asyncio.get_running_loop()),
                interval_seconds=settings.scheduler_interval_seconds,
                review_reminder_days=settings.initiative_review_reminder_days,
            )
            scheduler.start()
        try:
            yield
        finally:
            stop.set()
            if scheduler is not None:
                await scheduler.stop()
            await asyncio.gather(*tasks, return_exceptions=True)
            await runtime.aclose()

    # FastAPI's /docs and /redoc load their scripts from a CDN: bots/api/reference.py instead
    app = FastAPI(title="thidua", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.runtime = runtime

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return JSONResponse({"error": problems}, status_code=400)

    app.add_exception_handler(BodyTooLarge, too_large)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/chat")

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    # Plain routes (the busiest webhooks) first: matched before any included router.
    routes = [route for platform in runtime.platforms for route in platform.routes]
    for route in (r for r in routes if isinstance(r, Route)):
        app.add_route(route.path, route.endpoint, methods=route.methods, include_in_schema=False)
    install_admin_api(app, runtime)
    app.include_router(api_reference)
    app.include_router(personal_data)
    for router in (r for r in routes if not isinstance(r, Route)):
        app.include_router(router)
    if settings.web_ui:
        install_web_ui(app, runtime)
    # the messengers' routes cap their own bodies; every other body is capped here
    own_caps = [r.path for r in routes if isinstance(r, Route)] + [
        getattr(r, "path", "")
        for router in routes
        if not isinstance(router, Route)
        for r in router.routes
    ]
    app.add_middleware(BodyLimit, own_caps=own_caps)
    app.add_middleware(SecurityHeaders, https=str(settings.public_url).startswith("https:"))
    return app
