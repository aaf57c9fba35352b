"""Admin API: a unit's reward table, from its collective labour agreement."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from bots.api.errors import ApiError
from core import initiatives as service
from core.initiatives import rules
from core.initiatives.rules import Band

router = APIRouter(prefix="/api/v1", tags=["initiatives"])


class BandIn(BaseModel):
    min_vnd: int = Field(ge=0)
    max_vnd: int | None = Field(default=None, ge=0, description="excluded; null: no upper end")
    reward_vnd: int = Field(ge=0)
    points: int = Field(ge=0)


class RewardTableIn(BaseModel):
    effective_from: date
    vnd_per_hour: int = Field(default=0, ge=0, description="the value of one working hour saved")
    bands: list[BandIn] = Field(min_length=1, max_length=rules.MAX_BANDS)


class RewardTableOut(BaseModel):
    id: int
    unit_id: int = Field(description="the unit whose table it is (maybe an ancestor)")
    effective_from: date
    vnd_per_hour: int
    bands: list[BandIn]


def _table_out(session: Session, table_id: int) -> RewardTableOut:
    table = service.table_by_id(session, table_id=table_id)
    return RewardTableOut(
        id=table_id,
        unit_id=table.unit_id,
        effective_from=table.effective_from,
        vnd_per_hour=table.vnd_per_hour,
        bands=[
            BandIn(min_vnd=b.min_vnd, max_vnd=b.max_vnd, reward_vnd=b.reward_vnd, points=b.points)
            for b in service.bands_of(session, table_id=table_id)
        ],
    )


@router.get("/units/{unit_id}/reward-table", response_model=RewardTableOut)
async def get_reward_table(
    unit_id: int, api: ApiDep, who: Caller, on: date | None = None
) -> RewardTableOut:
    """The table in force for the unit on a day (today when absent): the unit's own, else
    that of the nearest ancestor that has one. 404 when none is in force."""
    day = on or api.now().astimezone(ZoneInfo(api.settings.timezone)).date()

    def work(s: Session) -> RewardTableOut:
        who.require_unit(s, unit_id)
        table = service.table_in_force(s, unit_id=unit_id, on=day)
        if table is None:
            raise ApiError(404, "reward_table_missing")
        return _table_out(s, table.id)  # type: ignore[arg-type]

    return await api.run(work)


@router.put("/units/{unit_id}/reward-table", response_model=RewardTableOut)
async def set_reward_table(
    unit_id: int, body: RewardTableIn, api: ApiDep, who: Caller
) -> RewardTableOut:
    """Set the unit's table from its collective labour agreement, in force from
    `effective_from` (a table of the same date is replaced). Overlapping, empty or
    negative bands: 422 with the code."""
    now = api.now()
    bands = [Band(b.min_vnd, b.max_vnd, b.reward_vnd, b.points) for b in body.bands]

    def work(s: Session) -> RewardTableOut:
        table = service.set_reward_table(
            s,
            actor=who,
            unit_id=unit_id,
            effective_from=body.effective_from,
            bands=bands,
            vnd_per_hour=body.vnd_per_hour,
            now=now,
        )
        return _table_out(s, table.id)  # type: ignore[arg-type]

    return await api.run(work)
