"""Invite codes: a new code for one of the officer's units, its poster (a printable page) and
the QR codes of its links as PNG."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno
from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session

from bots.invites import invite_links
from bots.settings import Settings
from bots.web import forms
from bots.web.context import PREFIX, Me, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, WebSettings
from bots.web.labels import invite_state, platform_name
from bots.web.routes.members import problem_of
from core.errors import NotFound
from core.members import service as members
from core.members.models import InviteCode, UnionUnit
from core.members.rules import normalise_invite_code
from core.organisation import access

router = APIRouter()
MAX_DAYS = 3650
MAX_USES = 1_000_000


@dataclass(frozen=True)
class Poster:
    invite: InviteCode
    unit: UnionUnit
    problem: str | None
    links: dict[str, str]


def own_invite(s: Session, me: Me, code: str) -> tuple[InviteCode, UnionUnit]:
    """The invite code, if its unit is in the officer's subtree (Forbidden otherwise)."""
    invite = s.get(InviteCode, normalise_invite_code(code)[:32])
    if invite is None:
        raise NotFound("invite_unknown")
    return invite, me.actor.require_unit(s, invite.unit_id)


def poster_of(s: Session, me: Me, code: str, settings: Settings, now: datetime) -> Poster:
    invite, unit = own_invite(s, me, code)
    return Poster(invite, unit, problem_of(invite, now), invite_links(settings, invite.code))


def qr_png(text: str) -> bytes:
    """A QR code that prints sharp."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=10, border=4)
    return out.getvalue()


@router.post("/invites")
async def create_invite(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    now = visit.now
    unit_id = forms.integer(form, "unit_id")
    days = forms.integer(form, "days")
    uses_raw = forms.text(form, "max_uses").strip()
    max_uses = forms.integer(form, "max_uses") if uses_raw else None
    if not 0 <= days <= MAX_DAYS or (max_uses is not None and not 1 <= max_uses <= MAX_USES):
        raise WebProblem(422, "bad_number")

    def work(s: Session) -> str:
        unit = me.actor.require_unit(s, unit_id)
        expires = now + timedelta(days=days) if days else None
        return members.create_invite(s, unit=unit, expires_at=expires, max_uses=max_uses).code

    code = await visit.db(work)
    return visit.redirect(f"{PREFIX}/invites/{code}")


@router.get("/invites/{code}")
async def poster(code: str, visit: OfficerVisit, me: CurrentMe, settings: WebSettings) -> Response:
    now, t = visit.now, visit.t
    data = await visit.db(lambda s: poster_of(s, me, code, settings, now))
    return visit.render(
        "invite.html",
        p=data,
        invite_state=lambda v: invite_state(t, v),
        platform_name=lambda v: platform_name(t, v),
    )


@router.get("/invites/{code}/qr.png")
async def qr(
    code: str,
    visit: OfficerVisit,
    me: CurrentMe,
    settings: WebSettings,
    target: str = "telegram",
    download: str = "",
) -> Response:
    """The QR code of one of the invite's links (the code itself when that messenger has
    no link), as a PNG."""
    invite, _unit = await visit.db(lambda s: own_invite(s, me, code))
    links = invite_links(settings, invite.code)
    safe = target if target in links else "code"
    disposition = "attachment" if download else "inline"
    return visit.finish(
        Response(
            qr_png(links.get(target, invite.code)),
            media_type="image/png",
            headers={
                "Content-Disposition": f'{disposition}; filename="invite-{invite.code}-{safe}.png"'
            },
        )
    )


@router.post("/invites/{code}/revoke")
async def revoke(code: str, visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    """Nobody joins with the code from now on; the poster page then says it is withdrawn."""
    now = visit.now
    invite = await visit.db(lambda s: access.revoke_invite(s, actor=me.actor, code=code, now=now))
    return visit.redirect(f"{PREFIX}/invites/{invite.code}")
