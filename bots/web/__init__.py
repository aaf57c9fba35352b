"""The officer web UI: server-rendered pages under /web (Jinja2, vendored htmx, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from bots.bootstrap import Runtime
from bots.web.context import PREFIX, SignInRequired, Visit, WebApp, WebProblem
from bots.web.routes import router

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI, runtime: Runtime) -> None:
    """Mount the officer pages and their static files on the app."""
    web = WebApp(runtime)
    app.state.web = web  # what the pages' dependencies hand them (bots/web/deps.py)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="web-static")
    app.include_router(router)

    async def sign_in_first(request: Request, _exc: Exception) -> Response:
        visit = Visit(web, request)
        if visit.session.token is not None:  # signed out, ended or no longer an officer
            visit.replace_session(visit.session.signed_out())
        return visit.redirect(f"{PREFIX}/signin")

    async def problem_page(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebProblem)
        visit = Visit(web, request)
        return visit.render(
            "problem.html", status=exc.status, message=visit.problem(exc.err), code=exc.status
        )

    app.add_exception_handler(SignInRequired, sign_in_first)
    app.add_exception_handler(WebProblem, problem_page)
