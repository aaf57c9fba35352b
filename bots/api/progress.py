"""Admin API: a campaign's progress reports for one period (who has reported, their figures in
force, who has not) and reminding the rest through the outbox.
Figures travel as decimal strings ("12.5"), never as floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from bots.api.errors import ApiError
from core.campaigns import service as campaigns
from core.emulation import evidence, report_calls, roll
from core.emulation.models import EmulationReport
from core.emulation.pledges import local_today
from core.errors import NotFound
from core.members.labels import name_of

router = APIRouter(prefix="/api/v1", tags=["emulation"])


class ReporterOut(BaseModel):
    member_id: int | None = Field(description="None: the grassroots union's own figures")
    name: str = Field(description="the member (or «A former member»), or the union")
    unit_id: int
    reported: int = Field(description="figures in force for the period")
    due: int = Field(description="figures due for the period")
    late: bool = Field(description="a figure was reported after the period's end")
    last_at: datetime | None
    figures: dict[int, Decimal] = Field(description="criterion id (version) -> figure in force")
    evidence: dict[int, int] = Field(
        default_factory=dict,
        description="criterion id -> report id whose photo GET /reports/{id}/evidence gives",
    )


class RollOut(BaseModel):
    due_on: date = Field(description="the last day of the period(s) shown")
    periods: list[date] = Field(description="the last day of each of the campaign's periods")
    reported: list[ReporterOut]
    missing: list[ReporterOut]


class RemindIn(BaseModel):
    due_on: date


class RemindOut(BaseModel):
    reminded: int = Field(description="reporters a reminder was queued for")


def _line(t, line: roll.Line) -> ReporterOut:  # type: ignore[no-untyped-def]
    figures = {i.criterion.id: line.values[i.key] for i in line.items if i.key in line.values}
    photos = {i.criterion.id: line.photos[i.key] for i in line.items if i.key in line.photos}
    return ReporterOut(
        member_id=line.member.id if line.member else None,
        name=name_of(t, line.member) if line.member else line.unit.name,
        unit_id=line.unit.id,  # type: ignore[arg-type]
        reported=line.done,
        due=len(line.items),
        late=line.late,
        last_at=line.last_at,
        figures=figures,  # type: ignore[arg-type]
        evidence=photos,  # type: ignore[arg-type]
    )


@router.get("/campaigns/{campaign_id}/reports", response_model=RollOut)
async def list_reports(
    campaign_id: int, api: ApiDep, who: Caller, due_on: date | None = None
) -> RollOut:
    """Who has reported for the period ending on `due_on` (by default the latest opened)."""
    t, today = api.translator(), local_today(api.now(), api.settings.timezone)

    def work(s: Session) -> RollOut:
        campaign = campaigns.get(s, actor=who, campaign_id=campaign_id)
        chosen = roll.chosen_due(campaign, s, today, due_on)
        if chosen is None:
            raise NotFound("no_criteria")
        found = roll.roll(s, actor=who, campaign_id=campaign_id, due_on=chosen)
        return RollOut(
            due_on=chosen,
            periods=roll.due_dates(campaign, s),
            reported=[_line(t, x) for x in found.reported],
            missing=[_line(t, x) for x in found.missing],
        )

    return await api.run(work)


@router.post("/campaigns/{campaign_id}/reports/remind", response_model=RemindOut)
async def remind_reports(campaign_id: int, body: RemindIn, api: ApiDep, who: Caller) -> RemindOut:
    """Remind, now (outside quiet hours: held until they end), the reporters of the period who
    have figures missing; each at most once a day."""
    now, timezone = api.now(), api.settings.timezone
    told = await api.run(
        lambda s: report_calls.remind_now(
            s,
            actor=who,
            campaign_id=campaign_id,
            due_on=body.due_on,
            teller=api.notifier,
            now=now,
            timezone=timezone,
        )
    )
    api.wake_delivery()
    return RemindOut(reminded=told)


@router.get(
    "/reports/{report_id}/evidence",
    responses={200: {"content": {"image/*": {}}}},
)
async def download_evidence(report_id: int, api: ApiDep, who: Caller) -> Response:
    """The evidence photo of a progress report, to officers whose units cover its campaign
    (403 for anyone else). Not fetched yet, refused or none: 404."""
    root = api.settings.attachments_dir

    def work(s: Session) -> tuple[bytes, str]:
        row = s.get(EmulationReport, report_id)
        if row is None:
            raise ApiError(404, "report_unknown")
        campaigns.get(s, actor=who, campaign_id=row.campaign_id)
        path = evidence.stored_file(root, row)
        if path is None:
            raise ApiError(404, "evidence_not_stored")
        return path.read_bytes(), path.suffix.lstrip(".")

    data, extension = await api.run(work)
    mime = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
    return Response(content=data, media_type=mime.get(extension, "image/heic"))
