"""Sign-in with a one-time code from the bot (/signin), sign-out, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bots.web.context import PREFIX, Visit, WebApp, WebProblem
from core.websignin import service as signin


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def register(router: APIRouter, web: WebApp) -> None:
    @router.get("/signin")
    async def signin_page(request: Request, code: str = "") -> Response:
        visit = Visit(web, request)
        if visit.session.member_id is not None:
            return visit.redirect(f"{PREFIX}/")
        return visit.render("signin.html", code=code[:40], error=None)

    @router.post("/signin")
    async def signin_post(request: Request) -> Response:
        visit = Visit(web, request)
        form = await visit.form()
        code = str(form.get("code") or "")[:40]
        client = _client(request)
        if web.throttle.blocked(client):
            error = visit.problem("signin_throttled")
            return visit.render("signin.html", status=429, code="", error=error)
        now = visit.now
        try:
            member_id = await visit.db(lambda s: signin.redeem(s, code=code, now=now))
        except WebProblem as problem:
            web.throttle.failed(client)
            status = 422 if problem.status != 404 else 401
            return visit.render(
                "signin.html", status=status, code=code, error=visit.problem(problem.err)
            )
        visit.replace_session(visit.session.signed_in(member_id))
        return visit.redirect(f"{PREFIX}/")

    @router.post("/signout")
    async def signout(request: Request) -> Response:
        visit = Visit(web, request)
        await visit.form()
        visit.replace_session(visit.session.signed_out())
        return visit.redirect(f"{PREFIX}/signin")

    @router.post("/language")
    async def language(request: Request) -> Response:
        visit = Visit(web, request)
        form = await visit.form()
        chosen = str(form.get("lang") or "")
        if chosen in ("vi", "en"):
            session = visit.session
            session.locale = chosen
            visit.replace_session(session)
        back = str(form.get("next") or "")
        if not back.startswith(f"{PREFIX}/") or "//" in back or "\\" in back:
            back = f"{PREFIX}/"
        return visit.redirect(back)
