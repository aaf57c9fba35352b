"""Group chats: the groups linked to the officer's units (the bot removed from one shows
so), a one-time code that links a group to a unit, and unlinking a group."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebApp
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web
from bots.web.unitpicker import UnitPicker, asked, picker
from core.groups import service
from core.members.models import UnionUnit

router = APIRouter()


@dataclass(frozen=True)
class Page:
    groups: list[service.GroupRow]
    picker: UnitPicker


async def show(
    visit: Visit,
    web: WebApp,
    me: Me,
    *,
    refused: Refused | None = None,
    code: tuple[str, str] | None = None,
) -> Response:
    unit, unit_q = asked(visit.request.query_params)
    page = await visit.db(
        lambda s: Page(
            service.in_scope(s, actor=me.actor),
            picker(s, me, action=f"{PREFIX}/groups", unit=unit, q=unit_q),
        )
    )
    return visit.render(
        "groups.html",
        status=refused.status if refused else 200,
        page=page,
        links=web.runtime.processor.config.group_links,
        code=code,
        minutes=int(service.CODE_TTL.total_seconds() // 60),
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
    )


@router.get("/groups")
async def groups(visit: OfficerVisit, web: Web, me: CurrentMe) -> Response:
    return await show(visit, web, me)


@router.post("/groups/code")
async def group_code(visit: OfficerVisit, web: Web, me: CurrentMe, form: PostedForm) -> Response:
    unit_id = forms.integer(form, "unit_id")
    now = visit.now

    def work(s: Session) -> tuple[str, str]:
        code = service.issue_code(s, actor=me.actor, unit_id=unit_id, now=now)
        unit = s.get(UnionUnit, unit_id)
        return code, unit.name if unit else ""

    outcome = await visit.attempt(work)
    if isinstance(outcome, Refused):
        return await show(visit, web, me, refused=outcome)
    return await show(visit, web, me, code=outcome)


@router.post("/groups/{group_id}/unlink")
async def unlink(
    group_id: int, visit: OfficerVisit, web: Web, me: CurrentMe, form: PostedForm
) -> Response:
    now = visit.now
    outcome = await visit.attempt(
        lambda s: service.unlink(s, actor=me.actor, group_id=group_id, now=now)
    )
    if isinstance(outcome, Refused):
        return await show(visit, web, me, refused=outcome)
    return visit.redirect(f"{PREFIX}/groups?done=unlinked")
