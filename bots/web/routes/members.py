"""Members and invite codes: who has joined in the officer's units, the invite codes of those
units, a new code, and its poster (a printable page and the QR codes as PNG)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import segno
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from bots.invites import invite_links
from bots.web import forms
from bots.web.context import PREFIX, Me, Visit, WebApp, WebProblem, in_scope_units, officer_visit
from core.errors import NotFound
from core.initiatives import rules as initiative_rules
from core.initiatives import service as initiatives
from core.members import labels
from core.members import service as members
from core.members.models import Identity, InviteCode, Member, UnionUnit
from core.members.rules import invite_problem, normalise_invite_code

SHOWN = 500
MAX_DAYS = 3650
MAX_USES = 1_000_000


@dataclass(frozen=True)
class MemberRow:
    member: Member
    unit: str
    platforms: list[str]


@dataclass(frozen=True)
class InviteRow:
    invite: InviteCode
    unit: str
    problem: str | None


@dataclass(frozen=True)
class MembersPage:
    unit: UnionUnit
    units: list[UnionUnit]
    rows: list[MemberRow]
    total: int
    invites: list[InviteRow]


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


def register(router: APIRouter, web: WebApp) -> None:
    def load(s: Session, me: Me, unit_id: int | None, q: str, now) -> MembersPage:  # type: ignore[no-untyped-def]
        unit = me.actor.require_unit(s, unit_id) if unit_id else me.units[0]
        units = in_scope_units(s, me)
        names = {u.id: u.name for u in units}
        everyone = initiatives.unit_members(s, unit=unit)
        wanted = initiative_rules.normalised(q)
        if wanted:
            everyone = [
                m for m in everyone if wanted in initiative_rules.normalised(m.full_name or "")
            ]
        shown = everyone[:SHOWN]
        platforms: dict[int, list[str]] = {}
        for identity in s.exec(
            select(Identity)
            .where(col(Identity.member_id).in_([m.id for m in shown]))
            .order_by(col(Identity.platform))
        ):
            platforms.setdefault(identity.member_id, []).append(identity.platform)  # type: ignore[arg-type]
        invites = [
            InviteRow(
                invite,
                names.get(invite.unit_id, ""),
                invite_problem(
                    expires_at=invite.expires_at,
                    max_uses=invite.max_uses,
                    uses=invite.uses,
                    revoked=invite.revoked_at is not None,
                    now=now,
                ),
            )
            for invite in s.exec(
                select(InviteCode)
                .join(UnionUnit, col(UnionUnit.id) == InviteCode.unit_id)
                .where(members.subtree_filter(unit))
                .order_by(col(InviteCode.created_at).desc())
                .limit(200)
            )
        ]
        rows = [
            MemberRow(m, names.get(m.unit_id, ""), platforms.get(m.id, []))  # type: ignore[arg-type]
            for m in shown
        ]
        return MembersPage(unit, units, rows, len(everyone), invites)

    async def show(visit: Visit, *, status: int = 200, error: str | None = None) -> Response:
        me = visit.me
        assert me is not None
        params = visit.request.query_params
        unit_raw = params.get("unit", "")
        unit_id = int(unit_raw) if unit_raw.isdigit() else None
        q = params.get("q", "")[:100]
        now = visit.now
        data = await visit.db(lambda s: load(s, me, unit_id, q, now))
        t = visit.t
        return visit.render(
            "members.html",
            status=status,
            page=data,
            q=q,
            error=error,
            shown=SHOWN,
            group=lambda v: labels.worker_group(t, v),
            yes_no=lambda v: labels.yes_no(t, v),
            invite_state=lambda v: invite_state(visit, v),
            platform_name=lambda v: platform_name(visit, v),
        )

    @router.get("/members")
    async def members_page(request: Request) -> Response:
        return await show(await officer_visit(web, request))

    @router.post("/invites")
    async def create_invite(request: Request) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        actor, now = visit.actor, visit.now
        unit_id = forms.integer(form, "unit_id")
        days = forms.integer(form, "days")
        uses_raw = forms.text(form, "max_uses").strip()
        max_uses = forms.integer(form, "max_uses") if uses_raw else None
        if not 0 <= days <= MAX_DAYS or (max_uses is not None and not 1 <= max_uses <= MAX_USES):
            raise WebProblem(422, "bad_number")

        def work(s: Session) -> str:
            unit = actor.require_unit(s, unit_id)
            expires = now + timedelta(days=days) if days else None
            return members.create_invite(s, unit=unit, expires_at=expires, max_uses=max_uses).code

        code = await visit.db(work)
        return visit.redirect(f"{PREFIX}/invites/{code}")

    @router.get("/invites/{code}")
    async def poster(request: Request, code: str) -> Response:
        visit = await officer_visit(web, request)
        me = visit.me
        assert me is not None
        now = visit.now

        def load_poster(s: Session) -> Poster:
            invite, unit = own_invite(s, me, code)
            problem = invite_problem(
                expires_at=invite.expires_at,
                max_uses=invite.max_uses,
                uses=invite.uses,
                revoked=invite.revoked_at is not None,
                now=now,
            )
            return Poster(invite, unit, problem, invite_links(web.settings, invite.code))

        data = await visit.db(load_poster)
        return visit.render(
            "invite.html",
            p=data,
            invite_state=lambda v: invite_state(visit, v),
            platform_name=lambda v: platform_name(visit, v),
        )

    @router.get("/invites/{code}/qr.png")
    async def qr(
        request: Request, code: str, target: str = "telegram", download: str = ""
    ) -> Response:
        """The QR code of one of the invite's links (the code itself when that messenger has
        no link), as a PNG that prints sharp."""
        visit = await officer_visit(web, request)
        me = visit.me
        assert me is not None
        invite, _unit = await visit.db(lambda s: own_invite(s, me, code))
        links = invite_links(web.settings, invite.code)
        safe = target if target in links else "code"
        out = io.BytesIO()
        segno.make(links.get(target, invite.code), error="m").save(
            out, kind="png", scale=10, border=4
        )
        return visit.finish(
            Response(
                out.getvalue(),
                media_type="image/png",
                headers={
                    "Content-Disposition": (
                        f"{'attachment' if download else 'inline'}; "
                        f'filename="invite-{invite.code}-{safe}.png"'
                    )
                },
            )
        )


PLATFORM_NAMES = {"telegram": "Telegram", "facebook": "Messenger", "zalo": "Zalo"}


def platform_name(visit: Visit, platform: str) -> str:
    if platform == "webchat":
        return visit.t.gettext("the web chat")
    return PLATFORM_NAMES.get(platform, platform)


def invite_state(visit: Visit, problem: str | None) -> str:
    _ = visit.t.gettext
    return {
        None: _("can be used"),
        "invite_revoked": _("withdrawn"),
        "invite_expired": _("expired"),
        "invite_used_up": _("used up"),
    }.get(problem, problem or "")
