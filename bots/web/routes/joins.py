"""Join requests: the people waiting to join the officer's "roster only" units, each approved
as they said, approved with the group and post corrected, or refused (the person is told
either way, in the same transaction as the decision)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebApp
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web
from core.joinrequests import service
from core.members import labels
from core.members.models import WorkerGroup

router = APIRouter()
PAGE = 50


@dataclass(frozen=True)
class Page:
    waiting: list[service.Waiting]
    total: int
    page: int


def load(s: Session, me: Me, page: int) -> Page:
    found = service.in_scope(s, actor=me.actor, limit=PAGE, offset=(page - 1) * PAGE)
    return Page(found, service.count_in_scope(s, actor=me.actor), page)


async def show(visit: Visit, me: Me, refused: Refused | None = None) -> Response:
    raw = visit.request.query_params.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1
    t = visit.t
    data = await visit.db(lambda s: load(s, me, page))
    return visit.render(
        "join_requests.html",
        status=refused.status if refused else 200,
        page=data,
        per_page=PAGE,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
        groups=labels.WORKER_GROUP_LABELS,
        group=lambda v: labels.worker_group(t, v),
        yes_no=lambda v: labels.yes_no(t, v),
    )


def corrections(form: FormData) -> tuple[WorkerGroup | None, bool | None]:
    """The group and post the officer chose ("" keeps what the person said)."""
    group = forms.text(form, "group")
    post = forms.text(form, "post")
    chosen = WorkerGroup(group) if group in set(WorkerGroup) else None
    return chosen, {"yes": True, "no": False}.get(post)


@router.get("/join-requests")
async def join_requests(visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me)


@router.post("/join-requests/{request_id}/approve")
async def approve(
    request_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    group, leader = corrections(form)
    now = visit.now

    def work(s: Session) -> object:
        return service.approve(
            s,
            actor=me.actor,
            request_id=request_id,
            notifier=web.notifier,
            now=now,
            group=group,
            leader=leader,
        )

    return await decided(visit, web, me, work, "approved")


@router.post("/join-requests/{request_id}/refuse")
async def refuse(
    request_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    now = visit.now

    def work(s: Session) -> object:
        return service.refuse(
            s, actor=me.actor, request_id=request_id, notifier=web.notifier, now=now
        )

    return await decided(visit, web, me, work, "refused")


async def decided(visit: Visit, web: WebApp, me: Me, work, done: str) -> Response:  # type: ignore[no-untyped-def]
    outcome = await visit.attempt(work)
    if isinstance(outcome, Refused):
        return await show(visit, me, outcome)
    web.runtime.outbox_ready.set()
    return visit.redirect(f"{PREFIX}/join-requests?done={done}")
