"""Exports: one page gathering every download an officer may take (leaderboards, the
initiatives and commendations reports, quiz results), and the reports' files."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from bots.web.context import Me, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, Words
from bots.web.downloads import FORMATS, table_file
from bots.web.reports import KINDS, build, period_of
from bots.web.routes.quizzes import in_scope_quizzes
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.quizzes.models import Quiz
from core.reports.service import Period

router = APIRouter()


@dataclass(frozen=True)
class ExportsPage:
    campaigns: list[Campaign]
    quizzes: list[Quiz]
    period: Period


def exports_page(s: Session, me: Me, period: Period) -> ExportsPage:
    published = [q for q in in_scope_quizzes(s, me) if q.published_at is not None]
    return ExportsPage(campaigns.in_scope(s, actor=me.actor, limit=200), published, period)


@router.get("/exports")
async def exports(visit: OfficerVisit, me: CurrentMe) -> Response:
    period = period_of(visit, "", "")
    return visit.render("exports.html", page=await visit.db(lambda s: exports_page(s, me, period)))


@router.get("/exports/report")
async def report(
    request: Request,
    visit: OfficerVisit,
    me: CurrentMe,
    t: Words,
    kind: str = "",
    fmt: str = "xlsx",
) -> Response:
    """?kind=initiatives|commendations&from=YYYY-MM-DD&to=YYYY-MM-DD&fmt=csv|xlsx"""
    if kind not in KINDS or fmt not in FORMATS:
        raise WebProblem(404, "not_found")
    params = request.query_params
    period = period_of(visit, params.get("from", ""), params.get("to", ""))
    table = await visit.db(lambda s: build(s, me, t, kind, period))
    name = f"{kind}-{period.start.isoformat()}-{period.end.isoformat()}"
    return visit.finish(
        table_file(table.header, table.rows, name=name, fmt=fmt, locale=t.locale, sheet=kind)
    )
