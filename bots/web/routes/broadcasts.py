"""A launch's delivery report, and its live progress (polled by htmx until it is finished)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session

from bots.web.context import Me, Visit
from bots.web.deps import CurrentMe, OfficerVisit
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastStatus
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign

router = APIRouter()


def report_of(
    s: Session, me: Me, broadcast_id: int
) -> tuple[Broadcast, Campaign | None, broadcasts.Report]:
    found = campaigns.broadcast_in_scope(s, actor=me.actor, broadcast_id=broadcast_id)
    campaign = s.get(Campaign, found.campaign_id) if found.campaign_id else None
    return found, campaign, broadcasts.report(s, broadcast=found)


def finished(found: Broadcast, report: broadcasts.Report) -> bool:
    if found.status in (BroadcastStatus.CANCELLED, BroadcastStatus.FINISHED):
        return True
    return found.status == BroadcastStatus.QUEUED and report.totals[broadcasts.QUEUED] == 0


async def report_view(visit: Visit, me: Me, broadcast_id: int, template: str) -> Response:
    found, campaign, report = await visit.db(lambda s: report_of(s, me, broadcast_id))
    return visit.render(
        template,
        broadcast=found,
        campaign=campaign,
        report=report,
        finished=finished(found, report),
        categories=broadcasts.CATEGORIES,
    )


@router.get("/broadcasts/{broadcast_id}")
async def report(broadcast_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await report_view(visit, me, broadcast_id, "broadcast.html")


@router.get("/broadcasts/{broadcast_id}/progress")
async def progress(broadcast_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await report_view(visit, me, broadcast_id, "_progress.html")
