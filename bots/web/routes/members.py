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

from bots.web.context import PREFIX, Me
from bots.web.deps import CurrentMe, OfficerVisit
from bots.web.labels import invite_state, platform_name
from bots.web.unitpicker import UnitPicker, picker
from core.members import labels
from core.members import service as members
from core.members.models import Identity, InviteCode, Member, UnionUnit
from core.members.rules import invite_problem
from core.organisation import membership, picking

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
    picker: UnitPicker
    rows: list[MemberRow]
    found: membership.KeysetPage
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


def invites_of(s: Session, unit: UnionUnit) -> list[InviteCode]:
    """The invite codes of the unit and the units below it, newest first."""
    return list(
        s.exec(
            select(InviteCode)
            .join(UnionUnit, col(UnionUnit.id) == InviteCode.unit_id)
            .where(members.subtree_filter(unit))
            .order_by(col(InviteCode.created_at).desc())
            .limit(200)
        )
    )


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


@dataclass(frozen=True)
class Wanted:
    """What the page's address asks for."""

    unit: str
    unit_q: str
    q: str
    after: int | None
    before: int | None
    number: int


def load(s: Session, me: Me, wanted: Wanted, now: datetime) -> MembersPage:
    chooser = picker(
        s,
        me,
        action=f"{PREFIX}/members",
        unit=wanted.unit,
        q=wanted.unit_q,
        keep={"q": wanted.q},
    )
    unit = chooser.chosen
    scope = membership.scope_of(s, unit)
    counts = membership.counts(s, unit=unit, scope=scope)  # the page counts its search
    found = membership.keyset_page(
        s,
        unit=unit,
        q=wanted.q,
        after=wanted.after,
        before=wanted.before,
        number=wanted.number,
        per_page=PER_PAGE,
        counted=counts,
        scope=scope,
    )
    invites = invites_of(s, unit)
    names = picking.names_of(
        s, {m.unit_id for m in found.members if m.unit_id} | {i.unit_id for i in invites}
    )
    platforms = platforms_of(s, found.members)
    rows = [
        MemberRow(m, names.get(m.unit_id, ""), platforms.get(m.id, []))  # type: ignore[arg-type]
        for m in found.members
    ]
    shown = [InviteRow(i, names.get(i.unit_id, ""), problem_of(i, now)) for i in invites]
    return MembersPage(unit, chooser, rows, found, counts, shown)


def number_of(raw: str, limit: int = 1_000_000_000) -> int | None:
    return int(raw) if raw.isdigit() and 0 < int(raw) < limit else None


@router.get("/members")
async def members_page(
    visit: OfficerVisit,
    me: CurrentMe,
    unit: str = "",
    unit_q: str = "",
    q: str = "",
    after: str = "",
    before: str = "",
    page: str = "1",
) -> Response:
    q, now, t = q[:100], visit.now, visit.t
    wanted = Wanted(
        unit, unit_q, q, number_of(after), number_of(before), number_of(page, 1_000_000) or 1
    )
    data = await visit.db(lambda s: load(s, me, wanted, now))
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
