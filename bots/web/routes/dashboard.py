"""The dashboard: running campaigns with their reach and participation per unit, and what
waits for the officer: initiatives to review, nominations for a commendation to approve."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session, col, select

from bots.web.context import Me
from bots.web.deps import CurrentMe, OfficerVisit
from core import initiatives
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.commendations import service as commendations
from core.commendations.models import CommendationStatus
from core.initiatives.models import Initiative
from core.initiatives.rules import OPEN
from core.leaderboards import service as boards
from core.leaderboards.rules import UnitRow
from core.members.models import UnionUnit
from core.points.rules import campaign_scope

router = APIRouter()


@dataclass(frozen=True)
class UnitLine:
    name: str
    audience: int
    sent: int
    members: int
    participants: int

    @property
    def reach_pct(self) -> int:
        return round(100 * self.sent / self.audience) if self.audience else 0

    @property
    def participation_pct(self) -> int:
        return round(100 * self.participants / self.members) if self.members else 0


@dataclass(frozen=True)
class RunningCampaign:
    campaign: Campaign
    broadcast_id: int | None
    audience: int
    sent: int
    units: list[UnitLine]


@dataclass(frozen=True)
class Dashboard:
    running: list[RunningCampaign]
    pending: list[Initiative]
    pending_total: int
    nominations: int  # commendations waiting for approval


def launch_of(session: Session, campaign: Campaign) -> Broadcast | None:
    return session.exec(
        select(Broadcast)
        .where(Broadcast.campaign_id == campaign.id, Broadcast.kind == BroadcastKind.LAUNCH)
        .order_by(col(Broadcast.id).desc())
    ).first()


def running_campaign(session: Session, campaign: Campaign) -> RunningCampaign:
    launch = launch_of(session, campaign)
    report = broadcasts.report(session, broadcast=launch) if launch else None
    unit = session.get(UnionUnit, campaign.unit_id)
    rows: dict[int, UnitRow] = {
        r.unit_id: r
        for r in boards.unit_rows(session, scope=campaign_scope(campaign.id or 0), within=unit)
    }
    lines = []
    unit_ids = set(rows) | set(report.by_unit if report else {})
    names = {
        u.id: u.name for u in session.exec(select(UnionUnit).where(col(UnionUnit.id).in_(unit_ids)))
    }
    for unit_id in sorted(unit_ids, key=lambda i: names.get(i, "")):
        counts = report.by_unit.get(unit_id, {}) if report else {}
        row = rows.get(unit_id)
        lines.append(
            UnitLine(
                name=names.get(unit_id, ""),
                audience=sum(counts.values()),
                sent=counts.get(broadcasts.SENT, 0),
                members=row.members if row else 0,
                participants=row.participants if row else 0,
            )
        )
    return RunningCampaign(
        campaign=campaign,
        broadcast_id=launch.id if launch else None,
        audience=report.audience if report else 0,
        sent=report.totals[broadcasts.SENT] if report else 0,
        units=lines,
    )


def dashboard(session: Session, me: Me) -> Dashboard:
    actor = me.actor
    live = [
        c
        for c in campaigns.in_scope(session, actor=actor, limit=200)
        if c.status in (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED)
    ]
    pending = initiatives.in_scope(session, actor=actor, statuses=tuple(OPEN), limit=200)
    return Dashboard(
        running=[running_campaign(session, c) for c in live[:10]],
        pending=pending[:8],
        pending_total=len(pending),
        nominations=len(
            commendations.in_scope(
                session, actor=actor, statuses=(CommendationStatus.NOMINATED,), limit=1000
            )
        ),
    )


@router.get("/")
async def home(visit: OfficerVisit, me: CurrentMe) -> Response:
    data = await visit.db(lambda s: dashboard(s, me))
    return visit.render("dashboard.html", data=data)
