"""Officers and access: the officer roles in the unit chosen with the unit picker and the units
below it (each withdrawn with one button, except their own), the units there that have no
officer yet (counted, and below each unit directly under the chosen one; listed a page at a
time, a sheet of officer codes printed for a page), and the officer's own admin API tokens
(withdrawn the same way). Invite codes are withdrawn on their poster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import segno
from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import QueryParams

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebApp, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web
from bots.web.unitpicker import UnitPicker, asked, picker, unit_param
from core.campaigns.models import OfficerToken
from core.i18n import N_
from core.members.models import OfficerRoleKind, UnionUnit
from core.organisation import access

router = APIRouter()
KINDS = {OfficerRoleKind.CHAIR: N_("Chair"), OfficerRoleKind.OFFICER: N_("Committee member")}


@dataclass(frozen=True)
class Page:
    picker: UnitPicker
    roles: list[access.RoleRow]
    vacant: access.Vacant
    tokens: list[OfficerToken]


def load(s: Session, me: Me, params: QueryParams) -> Page:
    unit, unit_q = asked(params)
    chooser = picker(s, me, action=f"{PREFIX}/officers", unit=unit, q=unit_q)
    after = unit_param(params.get("after", ""))
    return Page(
        chooser,
        access.roles_in_scope(s, actor=me.actor, under=chooser.chosen),
        access.vacant_units(s, under=chooser.chosen, after=after),
        access.tokens_of(s, actor=me.actor),
    )


async def show(visit: Visit, me: Me, refused: Refused | None = None) -> Response:
    params = visit.request.query_params
    data = await visit.db(lambda s: load(s, me, params))
    return visit.render(
        "officers.html",
        status=refused.status if refused else 200,
        page=data,
        me_id=me.member_id,
        kinds=KINDS,
        now=visit.now,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
    )


async def withdrawn(
    visit: Visit, web: WebApp, me: Me, work: Callable[[Session], object], done: str
) -> Response:
    outcome = await visit.attempt(work)
    if isinstance(outcome, Refused):
        return await show(visit, me, outcome)
    return visit.redirect(f"{PREFIX}/officers?done={done}")


@router.get("/officers")
async def officers(visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me)


@router.post("/officers/codes")
async def officer_codes(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    """A printable sheet: one officer code and its QR code per unit without an officer, for
    the page of them shown (the unit chosen, the units after `after`)."""
    now = visit.now
    unit_id = unit_param(forms.text(form, "unit", limit=20))
    after = unit_param(forms.text(form, "after", limit=20))

    def work(s: Session) -> list[tuple[UnionUnit, str]]:
        return access.officer_codes(s, actor=me.actor, now=now, unit_id=unit_id, after=after)

    found = await visit.db(work)
    sheet = [
        (unit.name, code, segno.make(f"/officer {code}", error="m").png_data_uri(scale=4))
        for unit, code in found
    ]
    return visit.render("officer_codes.html", sheet=sheet, days=access.CODE_TTL.days)


@router.post("/officers/{role_id}/revoke")
async def revoke_role(
    role_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    now = visit.now
    work = lambda s: access.revoke_role(s, actor=me.actor, role_id=role_id, now=now)  # noqa: E731
    return await withdrawn(visit, web, me, work, "role")


@router.post("/officers/{role_id}/role")
async def change_role(
    role_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    """Chair or committee member: what the officer may do stays the same."""
    raw, now = forms.text(form, "role"), visit.now
    if raw not in set(OfficerRoleKind):
        raise WebProblem(422, "bad_role")
    kind = OfficerRoleKind(raw)

    def work(s: Session) -> object:
        return access.change_role(s, actor=me.actor, role_id=role_id, kind=kind, now=now)

    return await withdrawn(visit, web, me, work, "kind")


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(
    token_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    now = visit.now
    work = lambda s: access.revoke_token(s, actor=me.actor, token_id=token_id, now=now)  # noqa: E731
    return await withdrawn(visit, web, me, work, "token")
