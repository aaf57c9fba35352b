"""Request and response bodies of the admin API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from core import initiatives
from core.broadcasts.models import Broadcast
from core.members.models import WorkerGroup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CampaignIn(BaseModel):
    unit_id: int
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    criteria: str = Field(default="", max_length=2000)
    include_subtree: bool = True
    target_groups: list[WorkerGroup] = Field(default_factory=list)
    starts_on: date
    ends_on: date


class CampaignPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    criteria: str | None = Field(default=None, max_length=2000)
    target_groups: list[WorkerGroup] | None = None
    starts_on: date | None = None
    ends_on: date | None = None


class CampaignOut(BaseModel):
    id: int
    unit_id: int
    include_subtree: bool
    title: str
    description: str
    criteria: str
    target_groups: list[str]
    starts_on: date
    ends_on: date
    status: str
    launched_at: datetime | None
    closed_at: datetime | None


class LaunchIn(BaseModel):
    text: str | None = Field(
        default=None, description="the announcement; the campaign's own text when absent"
    )
    scheduled_at: datetime | None = Field(default=None, description="aware time; now if absent")


class BroadcastIn(BaseModel):
    unit_id: int
    include_subtree: bool = True
    target_groups: list[WorkerGroup] = Field(default_factory=list)
    text: str
    scheduled_at: datetime | None = None


class BroadcastOut(BaseModel):
    id: int
    kind: str
    campaign_id: int | None
    unit_id: int
    status: str
    scheduled_at: datetime | None
    audience: int
    created: bool = Field(description="false when this request repeated an earlier one")


class PlanOut(BaseModel):
    audience: int
    by_platform: dict[str, dict[str, int]]
    unreachable: dict[str, int]
    estimated_finish: datetime
    quiet_until: datetime | None


class ReasonIn(BaseModel):
    """Why an initiative or a commendation is refused; the people concerned are told."""

    reason: str = Field(min_length=1, max_length=initiatives.MAX_TEXT)


def broadcast_out(b: Broadcast, created: bool) -> BroadcastOut:
    return BroadcastOut(
        id=b.id,  # type: ignore[arg-type]
        kind=b.kind,
        campaign_id=b.campaign_id,
        unit_id=b.unit_id,
        status=b.status,
        scheduled_at=b.scheduled_at,
        audience=b.audience,
        created=created,
    )
