"""Admin API: initiatives (list, read, files, and the decisions on them).

Same bearer tokens as the rest of the admin API (bots/api/deps.py). Anything outside the
caller's scope is 403 and is logged (bots/api/errors.py). Every decision tells the authors
through the outbox in the same transaction, exactly as the buttons in chat do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.deps import Api, ApiDep, Caller
from bots.api.errors import ApiError
from bots.api.schemas import ReasonIn
from core import initiatives as service
from core.campaigns.scope import Actor
from core.initiatives import attachments
from core.initiatives.models import Initiative, InitiativeAttachment
from core.initiatives.rules import Status

T = TypeVar("T")
FORMER_MEMBER = "A former member"  # a member who used /forget: their name is erased
router = APIRouter(prefix="/api/v1", tags=["initiatives"])


class AuthorOut(BaseModel):
    member_id: int
    name: str
    share_vnd: int | None
    share_points: int | None


class AttachmentOut(BaseModel):
    """What an officer of the unit may know of a file; where it is stored is never told."""

    id: int
    kind: str
    name: str | None
    mime: str | None
    size: int | None
    status: str
    problem: str | None


class EventOut(BaseModel):
    status: str
    actor_id: int | None
    note: str | None
    created_at: datetime


class InitiativeOut(BaseModel):
    id: int
    code: str | None
    unit_id: int
    status: str
    title: str
    category: str | None
    benefit_kind: str | None
    benefit_amount: int | None
    campaign_id: int | None
    hide_name: bool
    assignee_id: int | None
    submitted_at: datetime | None
    status_changed_at: datetime
    benefit_vnd: int | None = Field(description="the benefit the band was read with")
    reward_vnd: int | None
    reward_points: int | None
    reject_reason: str | None
    info_request: str | None


class InitiativeDetail(InitiativeOut):
    problem: str
    solution: str
    authors: list[AuthorOut]
    attachments: list[AttachmentOut]
    history: list[EventOut]


class AssignIn(BaseModel):
    assignee_id: int


class QuestionIn(BaseModel):
    question: str = Field(min_length=1, max_length=service.MAX_TEXT)


class RewardOut(BaseModel):
    benefit_vnd: int
    reward_vnd: int
    points: int
    table_id: int
    shares: list[dict[str, int]]


class AcceptOut(BaseModel):
    initiative: InitiativeOut
    reward: RewardOut


def _initiative_out(item: Initiative) -> InitiativeOut:
    return InitiativeOut(
        id=item.id,  # type: ignore[arg-type]
        code=item.code,
        unit_id=item.unit_id,
        status=item.status,
        title=item.title,
        category=item.category,
        benefit_kind=item.benefit_kind,
        benefit_amount=item.benefit_amount,
        campaign_id=item.campaign_id,
        hide_name=item.hide_name,
        assignee_id=item.assignee_id,
        submitted_at=item.submitted_at,
        status_changed_at=item.status_changed_at,
        benefit_vnd=item.benefit_vnd,
        reward_vnd=item.reward_vnd,
        reward_points=item.reward_points,
        reject_reason=item.reject_reason,
        info_request=item.info_request,
    )


def _detail(session: Session, item: Initiative) -> InitiativeDetail:
    assert item.id is not None
    return InitiativeDetail(
        **_initiative_out(item).model_dump(),
        problem=item.problem,
        solution=item.solution,
        authors=[
            AuthorOut(
                member_id=m.id,  # type: ignore[arg-type]
                name=m.full_name or FORMER_MEMBER,
                share_vnd=a.share_vnd,
                share_points=a.share_points,
            )
            for a, m in service.authors_of(session, initiative_id=item.id)
        ],
        attachments=[
            AttachmentOut(
                id=f.id,  # type: ignore[arg-type]
                kind=f.kind,
                name=f.name,
                mime=f.mime,
                size=f.size,
                status=f.status,
                problem=f.problem,
            )
            for f in service.attachments_of(session, initiative_id=item.id)
        ],
        history=[
            EventOut(status=e.status, actor_id=e.actor_id, note=e.note, created_at=e.created_at)
            for e in service.history_of(session, initiative_id=item.id)
        ],
    )


async def _decide(api: Api, who: Actor, initiative_id: int, work: Callable[[Session], T]) -> T:
    """A decision on one initiative: 403 outside the caller's scope, then the work, then
    the delivery loop is woken for the authors' messages."""

    def scoped(session: Session) -> T:
        service.get(session, actor=who, initiative_id=initiative_id, forbid=True)
        return work(session)

    result = await api.run(scoped)
    api.wake_delivery()
    return result


@router.get("/initiatives", response_model=list[InitiativeOut])
async def list_initiatives(
    api: ApiDep,
    who: Caller,
    status: Annotated[list[Status] | None, Query()] = None,
    unit_id: int | None = None,
    after_id: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[InitiativeOut]:
    """Sent initiatives in the caller's units, oldest first; filter by status (repeat the
    parameter) and by a unit's subtree; page with `after_id` (the last id received)."""

    def work(s: Session) -> list[InitiativeOut]:
        within = who.require_unit(s, unit_id) if unit_id is not None else None
        found = service.in_scope(
            s,
            actor=who,
            statuses=tuple(str(v) for v in status or ()),
            within=within,
            after_id=after_id,
            limit=limit,
        )
        return [_initiative_out(i) for i in found]

    return await api.run(work)


@router.get("/initiatives/{initiative_id}", response_model=InitiativeDetail)
async def show_initiative(initiative_id: int, api: ApiDep, who: Caller) -> InitiativeDetail:
    def work(s: Session) -> InitiativeDetail:
        item = service.get(s, actor=who, initiative_id=initiative_id, forbid=True)
        return _detail(s, item)

    return await api.run(work)


@router.get(
    "/initiatives/{initiative_id}/attachments/{attachment_id}",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_attachment(
    initiative_id: int, attachment_id: int, api: ApiDep, who: Caller
) -> Response:
    """The bytes of a stored file, to officers whose units cover the initiative (403 for
    anyone else). Files not fetched yet or refused: 404."""
    root = api.settings.attachments_dir

    def work(s: Session) -> tuple[bytes, str, str]:
        service.get(s, actor=who, initiative_id=initiative_id, forbid=True)
        row = s.get(InitiativeAttachment, attachment_id)
        if row is None or row.initiative_id != initiative_id:
            raise ApiError(404, "attachment_unknown")
        path = attachments.stored_file(root, row)
        if path is None:
            raise ApiError(404, "attachment_not_stored")
        name = row.name or path.name
        return path.read_bytes(), row.mime or "application/octet-stream", name

    data, mime, name = await api.run(work)
    safe = "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in "._-")) or "file"
    return Response(
        content=data,
        media_type=mime,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


@router.post("/initiatives/{initiative_id}/assign", response_model=InitiativeOut)
async def assign(initiative_id: int, body: AssignIn, api: ApiDep, who: Caller) -> InitiativeOut:
    now = api.now()
    item = await _decide(
        api,
        who,
        initiative_id,
        lambda s: service.assign(
            s,
            actor=who,
            initiative_id=initiative_id,
            assignee_id=body.assignee_id,
            notifier=api.notifier,
            now=now,
        ),
    )
    return _initiative_out(item)


@router.post("/initiatives/{initiative_id}/ask", response_model=InitiativeOut)
async def ask_info(initiative_id: int, body: QuestionIn, api: ApiDep, who: Caller) -> InitiativeOut:
    """Ask the authors for information; they answer in chat."""
    now = api.now()
    item = await _decide(
        api,
        who,
        initiative_id,
        lambda s: service.ask_info(
            s,
            actor=who,
            initiative_id=initiative_id,
            question=body.question,
            notifier=api.notifier,
            now=now,
        ),
    )
    return _initiative_out(item)


@router.post("/initiatives/{initiative_id}/accept", response_model=AcceptOut)
async def accept(initiative_id: int, api: ApiDep, who: Caller) -> AcceptOut:
    """Accept: the reward comes from the band of the table in force today, split among
    the authors, written to the ledger once. A second acceptance is 409."""
    now = api.now()
    item, reward = await _decide(
        api,
        who,
        initiative_id,
        lambda s: service.accept(
            s, actor=who, initiative_id=initiative_id, notifier=api.notifier, now=now
        ),
    )
    return AcceptOut(
        initiative=_initiative_out(item),
        reward=RewardOut(
            benefit_vnd=reward.benefit_vnd,
            reward_vnd=reward.reward_vnd,
            points=reward.points,
            table_id=reward.table_id,
            shares=[{"member_id": m, "vnd": vnd, "points": pts} for m, vnd, pts in reward.shares],
        ),
    )


@router.post("/initiatives/{initiative_id}/reject", response_model=InitiativeOut)
async def reject(initiative_id: int, body: ReasonIn, api: ApiDep, who: Caller) -> InitiativeOut:
    now = api.now()
    item = await _decide(
        api,
        who,
        initiative_id,
        lambda s: service.reject(
            s,
            actor=who,
            initiative_id=initiative_id,
            reason=body.reason,
            notifier=api.notifier,
            now=now,
        ),
    )
    return _initiative_out(item)


@router.post("/initiatives/{initiative_id}/applied", response_model=InitiativeOut)
async def mark_applied(initiative_id: int, api: ApiDep, who: Caller) -> InitiativeOut:
    now = api.now()
    item = await _decide(
        api,
        who,
        initiative_id,
        lambda s: service.mark_applied(
            s, actor=who, initiative_id=initiative_id, notifier=api.notifier, now=now
        ),
    )
    return _initiative_out(item)
