"""Admin API: commendations (list, nominate, approve, reject)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from bots.api.schemas import ReasonIn
from core.commendations import service as commendations
from core.commendations.forms import Form, Level
from core.commendations.models import Commendation, CommendationStatus

router = APIRouter(prefix="/api/v1", tags=["initiatives"])


class NominationIn(BaseModel):
    unit_id: int
    member_ids: list[int] = Field(min_length=1, max_length=50)
    team_name: str | None = Field(default=None, max_length=120)
    reason: str = Field(min_length=1, max_length=commendations.MAX_REASON)
    adhoc: bool = Field(default=False, description="khen thưởng đột xuất")
    form: Form | None = Field(
        default=None, description="title, certificate (Giấy khen) or merit (Bằng khen)"
    )
    issuing_level: Level | None = Field(
        default=None,
        description="who issues it: grassroots, upper, province or confederation, among the "
        "levels from the commended people's grassroots union up to the caller's own "
        "(422 commendation_level otherwise); the grassroots union's by default with a form",
    )


class ApproveIn(BaseModel):
    points: int = Field(default=commendations.DEFAULT_POINTS, ge=0, le=100_000)


class CommendationOut(BaseModel):
    id: int
    unit_id: int
    team_name: str | None
    reason: str
    adhoc: bool
    status: str
    by_officer: bool
    points: int
    member_ids: list[int]
    decided_at: datetime | None
    reject_reason: str | None
    form: str | None = Field(
        default=None, description="title, certificate (Giấy khen) or merit (Bằng khen)"
    )
    issuing_level: str | None = Field(
        default=None, description="grassroots, upper, province or confederation"
    )


def _commendation_out(session: Session, item: Commendation) -> CommendationOut:
    return CommendationOut(
        id=item.id,  # type: ignore[arg-type]
        unit_id=item.unit_id,
        team_name=item.team_name,
        reason=item.reason,
        adhoc=item.adhoc,
        status=item.status,
        by_officer=item.by_officer,
        points=item.points,
        member_ids=[
            m.id  # type: ignore[misc]
            for m in commendations.commended(session, commendation_id=item.id)  # type: ignore[arg-type]
        ],
        decided_at=item.decided_at,
        reject_reason=item.reject_reason,
        form=item.form,
        issuing_level=item.issuing_level,
    )


@router.get("/commendations", response_model=list[CommendationOut])
async def list_commendations(
    api: ApiDep,
    who: Caller,
    status: Annotated[list[CommendationStatus] | None, Query()] = None,
    after_id: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CommendationOut]:
    def work(s: Session) -> list[CommendationOut]:
        found = commendations.in_scope(
            s,
            actor=who,
            statuses=tuple(str(v) for v in status or ()),
            after_id=after_id,
            limit=limit,
        )
        return [_commendation_out(s, c) for c in found]

    return await api.run(work)


@router.post("/commendations", response_model=CommendationOut, status_code=201)
async def nominate(body: NominationIn, api: ApiDep, who: Caller) -> CommendationOut:
    """A direct nomination by an officer of the unit (a team when `team_name` is given,
    with two members or more). It still waits for an approval."""
    now = api.now()

    def work(s: Session) -> CommendationOut:
        item = commendations.officer_nominate(
            s,
            actor=who,
            unit_id=body.unit_id,
            member_ids=body.member_ids,
            reason=body.reason,
            now=now,
            team_name=body.team_name,
            adhoc=body.adhoc,
            notifier=api.notifier,
            form=body.form,
            level=body.issuing_level,
        )
        return _commendation_out(s, item)

    result = await api.run(work)
    api.wake_delivery()
    return result


@router.post("/commendations/{commendation_id}/approve", response_model=CommendationOut)
async def approve(
    commendation_id: int, body: ApproveIn, api: ApiDep, who: Caller
) -> CommendationOut:
    """Approve: points to each person commended (once), the people told, the unit told
    (naming only those who agreed)."""
    now = api.now()

    def work(s: Session) -> CommendationOut:
        item = commendations.approve(
            s,
            actor=who,
            commendation_id=commendation_id,
            notifier=api.notifier,
            now=now,
            award_points=body.points,
        )
        return _commendation_out(s, item)

    result = await api.run(work)
    api.wake_delivery()
    return result


@router.post("/commendations/{commendation_id}/reject", response_model=CommendationOut)
async def reject_commendation(
    commendation_id: int, body: ReasonIn, api: ApiDep, who: Caller
) -> CommendationOut:
    now = api.now()

    def work(s: Session) -> CommendationOut:
        item = commendations.reject(
            s,
            actor=who,
            commendation_id=commendation_id,
            reason=body.reason,
            now=now,
            notifier=api.notifier,
        )
        return _commendation_out(s, item)

    result = await api.run(work)
    api.wake_delivery()
    return result
