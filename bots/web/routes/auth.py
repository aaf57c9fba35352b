"""Sign-in with a one-time code from the bot (/signin), sign-out, the officer's own sessions,
and the language switch."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from bots.web.context import PREFIX, Refused, SignInRequired, Visit
from bots.web.deps import AnyVisit, CurrentMe, OfficerVisit, PostedForm, Web
from core.websignin import service as signin
from core.websignin import sessions

router = APIRouter()


def _safe_back(back: str) -> str:
    """Only a page of the desk itself: never another site, nor a protocol-relative address."""
    if not back.startswith(f"{PREFIX}/") or "//" in back or "\\" in back:
        return f"{PREFIX}/"
    return back


async def _signed_in(visit: Visit) -> bool:
    try:
        await visit.officer()
    except SignInRequired:
        return False
    return True


@router.get("/signin")
async def signin_page(visit: AnyVisit, code: str = "") -> Response:
    if visit.session.token is not None and await _signed_in(visit):
        return visit.redirect(f"{PREFIX}/")
    return visit.render("signin.html", code=code[:40], error=None)


@router.post("/signin")
async def signin_post(web: Web, visit: AnyVisit, form: PostedForm) -> Response:
    code = str(form.get("code") or "")[:40]
    client, now = visit.client, visit.now
    since = web.throttle.client_blocked_since(client, now)

    def work(session):  # type: ignore[no-untyped-def]
        return sessions.sign_in(
            session,
            code=code,
            now=now,
            lifetime=web.lifetime,
            client_blocked_since=since,
            officer_blocked_since=lambda m: web.throttle.officer_blocked_since(m, now),
        )

    opened = await visit.attempt(work, or_404=False)
    if isinstance(opened, Refused):
        holder = await visit.db(lambda s: signin.holder(s, code=code))
        web.throttle.failed(client=client, member_id=holder, now=now)
        status = 401 if opened.status == 404 else opened.status
        return visit.render("signin.html", status=status, code="", error=opened.message)
    visit.replace_session(visit.session.signed_in(opened.token, opened.member_id))
    return visit.redirect(f"{PREFIX}/")


@router.post("/signout")
async def signout(visit: AnyVisit, _form: PostedForm) -> Response:
    token, now = visit.session.token, visit.now
    if token is not None:
        await visit.db(lambda s: sessions.end(s, token=token, now=now))
    visit.replace_session(visit.session.signed_out())
    return visit.redirect(f"{PREFIX}/signin")


@router.get("/sessions")
async def sessions_page(visit: OfficerVisit, me: CurrentMe) -> Response:
    now = visit.now
    rows = await visit.db(lambda s: sessions.listed(s, member_id=me.member_id, now=now))
    mine = sessions.token_hash(visit.session.token or "")
    return visit.render(
        "sessions.html",
        rows=[(sessions.ref_of(r), r, r.token_hash == mine) for r in rows],
    )


@router.post("/sessions/end")
async def end_session(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    ref, now = str(form.get("ref") or "")[:16], visit.now
    await visit.db(lambda s: sessions.end_one(s, member_id=me.member_id, ref=ref, now=now))
    return visit.redirect(f"{PREFIX}/sessions")


@router.post("/sessions/end-others")
async def end_other_sessions(visit: OfficerVisit, me: CurrentMe, _form: PostedForm) -> Response:
    keep, now = visit.session.token, visit.now
    await visit.db(lambda s: sessions.end_all(s, member_id=me.member_id, now=now, keep=keep))
    return visit.redirect(f"{PREFIX}/sessions")


@router.post("/language")
async def language(visit: AnyVisit, form: PostedForm) -> Response:
    chosen = str(form.get("lang") or "")
    if chosen in ("vi", "en"):
        session = visit.session
        session.locale = chosen
        visit.replace_session(session)
    return visit.redirect(_safe_back(str(form.get("next") or "")))
