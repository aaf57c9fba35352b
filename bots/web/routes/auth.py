"""Sign-in with a one-time code from the bot (/signin), sign-out, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bots.web.context import PREFIX, Refused
from bots.web.deps import AnyVisit, PostedForm, Web
from core.websignin import service as signin

router = APIRouter()


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_back(back: str) -> str:
    """Only a page of the desk itself: never another site, nor a protocol-relative address."""
    if not back.startswith(f"{PREFIX}/") or "//" in back or "\\" in back:
        return f"{PREFIX}/"
    return back


@router.get("/signin")
async def signin_page(visit: AnyVisit, code: str = "") -> Response:
    if visit.session.member_id is not None:
        return visit.redirect(f"{PREFIX}/")
    return visit.render("signin.html", code=code[:40], error=None)


@router.post("/signin")
async def signin_post(request: Request, web: Web, visit: AnyVisit, form: PostedForm) -> Response:
    code = str(form.get("code") or "")[:40]
    client = _client(request)
    if web.throttle.blocked(client):
        error = visit.problem("signin_throttled")
        return visit.render("signin.html", status=429, code="", error=error)
    now = visit.now
    redeemed = await visit.attempt(lambda s: signin.redeem(s, code=code, now=now), or_404=False)
    if isinstance(redeemed, Refused):
        web.throttle.failed(client)
        status = 422 if redeemed.status != 404 else 401
        return visit.render("signin.html", status=status, code=code, error=redeemed.message)
    visit.replace_session(visit.session.signed_in(redeemed))
    return visit.redirect(f"{PREFIX}/")


@router.post("/signout")
async def signout(visit: AnyVisit, _form: PostedForm) -> Response:
    visit.replace_session(visit.session.signed_out())
    return visit.redirect(f"{PREFIX}/signin")


@router.post("/language")
async def language(visit: AnyVisit, form: PostedForm) -> Response:
    chosen = str(form.get("lang") or "")
    if chosen in ("vi", "en"):
        session = visit.session
        session.locale = chosen
        visit.replace_session(session)
    return visit.redirect(_safe_back(str(form.get("next") or "")))
