"""Admin API: a campaign's reviews (sơ kết, tổng kết) for officers whose scope covers it: the
list, a mid-term review made now (announced to the members on request), a review's figures as
frozen with the names of today, and its workbook (XLSX). Points travel as decimal strings."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from bots.spreadsheets import XLSX
from core.emulation import review, review_announce, review_book
from core.emulation.review_models import EmulationReview
from core.emulation.review_view import Shown, shown

router = APIRouter(prefix="/api/v1", tags=["emulation"])


class ReviewIn(BaseModel):
    announce: bool = Field(default=False, description="announce it to the campaign's members")


class ReviewHead(BaseModel):
    id: int
    campaign_id: int
    kind: str = Field(description="mid (sơ kết) or final (tổng kết)")
    as_of: date
    created_at: datetime
    created_by: int | None
    broadcast_id: int | None = Field(description="its announcement, once sent")


class PersonOut(BaseModel):
    member_id: int
    name: str | None = Field(description="None for someone who used /forget")
    public: bool = Field(description="agreed to their name being shown beyond their union")


class ReviewOut(ReviewHead):
    figures: dict[str, Any] = Field(description="the figures as frozen (core/emulation/review.py)")
    units: dict[str, str] = Field(description="unit id -> name")
    criteria: dict[str, str] = Field(description="criterion id -> name")
    blocks: dict[str, str] = Field(description="block id -> name")
    people: list[PersonOut]


def head(row: EmulationReview) -> ReviewHead:
    return ReviewHead(
        id=row.id,  # type: ignore[arg-type]
        campaign_id=row.campaign_id,
        kind=row.kind,
        as_of=row.as_of,
        created_at=row.created_at,
        created_by=row.created_by,
        broadcast_id=row.broadcast_id,
    )


def out(view: Shown) -> ReviewOut:
    return ReviewOut(
        **head(view.row).model_dump(),
        figures=json.loads(view.figures.to_json()),
        units={str(k): v for k, v in view.units.items()},
        criteria={str(k): v.name for k, v in view.criteria.items()},
        blocks={str(k): v for k, v in view.blocks.items()},
        people=[
            PersonOut(member_id=m, name=name, public=public)
            for m, (name, public) in view.people.items()
        ],
    )


@router.get("/campaigns/{campaign_id}/reviews", response_model=list[ReviewHead])
async def list_reviews(campaign_id: int, api: ApiDep, who: Caller) -> list[ReviewHead]:
    rows = await api.run(lambda s: review.of_campaign(s, actor=who, campaign_id=campaign_id))
    return [head(r) for r in rows]


@router.post("/campaigns/{campaign_id}/reviews", response_model=ReviewOut, status_code=201)
async def make_review(campaign_id: int, body: ReviewIn, api: ApiDep, who: Caller) -> ReviewOut:
    """A mid-term review now (a closed campaign: 409 review_campaign_closed, its final review
    is in the list)."""
    now = api.now()

    def work(s: Session) -> ReviewOut:
        row = review.run_mid_review(
            s, actor=who, campaign_id=campaign_id, now=now, announce=body.announce
        )
        if body.announce:
            review_announce.announce(
                s, row=row, t=api.translator(), policy=api.policy, now=now, by=who.member_id
            )
        return out(shown(s, *review.visible(s, actor=who, review_id=row.id)))  # type: ignore[arg-type]

    made = await api.run(work)
    api.wake_delivery()
    return made


@router.get("/reviews/{review_id}", response_model=ReviewOut)
async def get_review(review_id: int, api: ApiDep, who: Caller) -> ReviewOut:
    return await api.run(
        lambda s: out(shown(s, *review.visible(s, actor=who, review_id=review_id)))
    )


@router.get("/reviews/{review_id}/xlsx")
async def review_workbook(review_id: int, api: ApiDep, who: Caller) -> Response:
    def work(s: Session) -> bytes:
        found = io.BytesIO()
        view = shown(s, *review.visible(s, actor=who, review_id=review_id))
        review_book.write(found, api.translator(), view)
        return found.getvalue()

    name = f"review-{review_id}.xlsx"
    return Response(
        content=await api.run(work),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
