"""Leaderboards of people and grassroots unions, charts of participation and points per member
per unit over the weeks, and their exports (CSV, XLSX)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from bots.web.charts import Series, line_chart
from bots.web.context import Me, Visit, WebApp, WebProblem, officer_visit
from bots.web.downloads import table_file
from core.campaigns import service as campaigns
from core.leaderboards import service as boards
from core.leaderboards.rules import RankedUnit
from core.members.models import UnionUnit
from core.points.rules import ALL_TIME, campaign_scope, month_scope, week_scope

WEEKS = 8


@dataclass(frozen=True)
class Boards:
    root: UnionUnit
    scope: str
    people: list[boards.BoardRow]
    units: list[RankedUnit]
    unit_names: dict[int, str]
    weeks: list[str]
    participation: list[Series]
    per_member: list[Series]
    campaigns: list[tuple[str, str]]


def _ratio(value: Fraction) -> float:
    return round(float(value), 2)


def register(router: APIRouter, web: WebApp) -> None:
    tz = web.settings.timezone

    def scope_of(visit: Visit, key: str) -> str:
        if key == "week":
            return week_scope(visit.now, tz)
        if key == "month":
            return month_scope(visit.now, tz)
        if key.startswith("campaign:") and key[9:].isdigit():
            return campaign_scope(int(key[9:]))
        return ALL_TIME

    def load(s: Session, me: Me, visit: Visit, root_id: int | None, key: str) -> Boards:
        root = me.actor.require_unit(s, root_id) if root_id else me.units[0]
        scope = scope_of(visit, key)
        if scope.startswith("campaign:"):
            campaigns.get(s, actor=me.actor, campaign_id=int(scope[9:]))
        people = boards.top_members(s, scope=scope, limit=50, within=root)
        units = boards.unit_board(s, scope=scope, measure="participation", within=root)
        names = {r.row.unit_id: r.row.name for r in units}
        weeks = [visit.now - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
        scopes = [week_scope(w, tz) for w in weeks]
        by_week = [
            {r.unit_id: r for r in boards.unit_rows(s, scope=w, within=root)} for w in scopes
        ]
        unit_ids = sorted({u for week in by_week for u in week})
        for week in by_week:
            names.update({u: r.name for u, r in week.items()})
        participation = [
            Series(
                names[u],
                [
                    _ratio(week[u].value("participation") * 100) if u in week else None
                    for week in by_week
                ],
            )
            for u in unit_ids
        ]
        per_member = [
            Series(
                names[u],
                [_ratio(week[u].value("per_member")) if u in week else None for week in by_week],
            )
            for u in unit_ids
        ]
        mine = campaigns.in_scope(s, actor=me.actor, limit=50)
        return Boards(
            root,
            scope,
            people,
            units,
            names,
            [w.split("-")[-1] for w in scopes],
            participation,
            per_member,
            [(f"campaign:{c.id}", c.title) for c in mine],
        )

    async def boards_of(request: Request, root: str, scope: str) -> tuple[Visit, Boards]:
        visit = await officer_visit(web, request)
        me = visit.me
        assert me is not None
        root_id = int(root) if root.isdigit() else None
        return visit, await visit.db(lambda s: load(s, me, visit, root_id, scope))

    @router.get("/leaderboards")
    async def leaderboards(request: Request, root: str = "", scope: str = "all") -> Response:
        visit, data = await boards_of(request, root, scope)
        _ = visit.t.gettext
        return visit.render(
            "leaderboards.html",
            b=data,
            key=scope,
            participation_chart=line_chart(
                _("Participation rate per unit, by week"),
                data.weeks,
                data.participation,
                unit="%",
            ),
            per_member_chart=line_chart(
                _("Points per member per unit, by week"), data.weeks, data.per_member
            ),
        )

    @router.get("/leaderboards/export")
    async def export(
        request: Request, root: str = "", scope: str = "all", kind: str = "people", fmt: str = "csv"
    ) -> Response:
        visit, data = await boards_of(request, root, scope)
        _ = visit.t.gettext
        if kind == "units":
            header = [
                _("Rank on the board"),
                _("Grassroots union"),
                _("Points earned"),
                _("Members taking part"),
                _("Members in the union"),
                _("Participation rate (%)"),
            ]
            rows = [
                [
                    r.rank,
                    r.row.name,
                    r.row.points,
                    r.row.participants,
                    r.row.members,
                    _ratio(r.value * 100),
                ]
                for r in data.units
            ]
        elif kind == "people":
            header = [
                _("Rank on the board"),
                _("Member name"),
                _("Grassroots union"),
                _("Points earned"),
            ]
            rows = [
                [p.rank, p.name, data.unit_names.get(p.unit_id, ""), p.points] for p in data.people
            ]
        else:
            raise WebProblem(404, "not_found")
        name = f"leaderboard-{kind}-{data.scope.replace(':', '-')}"
        return visit.finish(table_file(header, rows, name=name, fmt=fmt, sheet=kind))
