"""Members: who has joined in the officer's units (filtered by unit and by part of a name, a
page at a time, with how many are verified on the roster, self-declared and not on the bot
yet), with the invite codes of the chosen unit; the codes themselves are
bots/web/routes/invites.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session, col, select

from bots.web.context import Me, in_scope_units
from bots.web.deps import CurrentMe, OfficerVisit
from bots.web.labels import invite_state, platform_name
from core.members import labels
from core.members import service as members
from core.members.models import Identity, InviteCode, Member, UnionUnit
from core.members.rules import invite_problem
from core.organisation import membership

router = APIRouter()
PER_PAGE = 50


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
    found: membership.MemberPage
    counts: membership.Counts
    invites: list[InviteRow]


def problem_of(invite: InviteCode, now: datetime) -> str | None:
    """Why the code no longer lets anyone join (None: it can be used)."""
    return invite_problem(
        expires_at=invite.expires_at,
        max_uses=invite.max_uses,
        uses=invite.uses,
        revoked=invite.revoked_at is not None,
        now=now,
    )


def invites_of(
    s: Session, unit: UnionUnit, names: dict[int, str], now: datetime
) -> list[InviteRow]:
    """The invite codes of the unit and the units below it, newest first."""
    found = s.exec(
        select(InviteCode)
        .join(UnionUnit, col(UnionUnit.id) == InviteCode.unit_id)
        .where(members.subtree_filter(unit))
        .order_by(col(InviteCode.created_at).desc())
        .limit(200)
    )
    return [InviteRow(i, names.get(i.unit_id, ""), problem_of(i, now)) for i in found]


def platforms_of(s: Session, shown: list[Member]) -> dict[int, list[str]]:
    """The messengers each member is linked on."""
    platforms: dict[int, list[str]] = {}
    for identity in s.exec(
        select(Identity)
        .where(col(Identity.member_id).in_([m.id for m in shown]))
        .order_by(col(Identity.platform))
    ):
        platforms.setdefault(identity.member_id, []).append(identity.platform)  # type: ignore[arg-type]
    return platforms


def load(s: Session, me: Me, unit_id: int | None, q: str, page: int, now: datetime) -> MembersPage:
    unit = me.actor.require_unit(s, unit_id) if unit_id else me.units[0]
    units = in_scope_units(s, me)
    names: dict[int, str] = {u.id: u.name for u in units}  # type: ignore[misc]
    counts = membership.counts(s, unit=unit)
    found = membership.page_of(s, unit=unit, q=q, page=page, per_page=PER_PAGE, counted=counts)
    platforms = platforms_of(s, found.members)
    rows = [
        MemberRow(m, names.get(m.unit_id, ""), platforms.get(m.id, []))  # type: ignore[arg-type]
        for m in found.members
    ]
    return MembersPage(unit, units, rows, found, counts, invites_of(s, unit, names, now))


@router.get("/members")
async def members_page(
    visit: OfficerVisit, me: CurrentMe, unit: str = "", q: str = "", page: str = "1"
) -> Response:
    unit_id = int(unit) if unit.isdigit() else None
    number = int(page) if page.isdigit() and 0 < int(page) < 1_000_000 else 1
    q, now, t = q[:100], visit.now, visit.t
    data = await visit.db(lambda s: load(s, me, unit_id, q, number, now))
    return visit.render(
        "members.html",
        page=data,
        q=q,
        error=None,
        done=visit.request.query_params.get("done"),
        group=lambda v: labels.worker_group(t, v),
        yes_no=lambda v: labels.yes_no(t, v),
        invite_state=lambda v: invite_state(t, v),
        platform_name=lambda v: platform_name(t, v),
    )
