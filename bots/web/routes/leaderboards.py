"""Leaderboards of people and grassroots unions, charts of participation and points per member
per unit over the weeks, and their exports (CSV, XLSX)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session

from bots.web.charts import Series, line_chart
from bots.web.context import Me, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, WebSettings, Words
from bots.web.downloads import table_file
from core.campaigns import service as campaigns
from core.i18n import Translator
from core.leaderboards import service as boards
from core.leaderboards.rules import RankedUnit, UnitRow
from core.members.models import UnionUnit
from core.organisation import membership
from core.points.rules import ALL_TIME, campaign_scope, month_scope, week_scope, week_start

router = APIRouter()
WEEKS = 8


@dataclass(frozen=True)
class Weekly:
    """Each unit's line over the last weeks: participation (%) and points per member."""

    weeks: list[date]  # the Monday each week starts on
    participation: list[Series]
    per_member: list[Series]
    names: dict[int, str]


@dataclass(frozen=True)
class Boards:
    root: UnionUnit
    scope: str
    people: list[boards.BoardRow]
    units: list[RankedUnit]
    unit_names: dict[int, str]
    weeks: list[date]
    participation: list[Series]
    per_member: list[Series]
    campaigns: list[tuple[str, str]]
    counts: membership.Counts  # the root's members: verified, self-declared, not on the bot


def _ratio(value: Fraction) -> float:
    return round(float(value), 2)


def scope_of(key: str, now: datetime, tz: str) -> str:
    if key == "week":
        return week_scope(now, tz)
    if key == "month":
        return month_scope(now, tz)
    if key.startswith("campaign:") and key[9:].isdigit():
        return campaign_scope(int(key[9:]))
    return ALL_TIME


def weekly(s: Session, root: UnionUnit, now: datetime, tz: str) -> Weekly:
    scopes = [week_scope(now - timedelta(weeks=n), tz) for n in range(WEEKS - 1, -1, -1)]
    by_week: list[dict[int, UnitRow]] = [
        {r.unit_id: r for r in boards.unit_rows(s, scope=w, within=root)} for w in scopes
    ]
    names = {u: r.name for week in by_week for u, r in week.items()}
    unit_ids = sorted(names)

    def line(unit_id: int, measure: str, scale: int) -> Series:
        return Series(
            names[unit_id],
            [
                _ratio(week[unit_id].value(measure) * scale) if unit_id in week else None
                for week in by_week
            ],
        )

    return Weekly(
        [week_start(w) for w in scopes],
        [line(u, "participation", 100) for u in unit_ids],
        [line(u, "per_member", 1) for u in unit_ids],
        names,
    )


def load(s: Session, me: Me, root_id: int | None, key: str, now: datetime, tz: str) -> Boards:
    root = me.actor.require_unit(s, root_id) if root_id else me.units[0]
    scope = scope_of(key, now, tz)
    if scope.startswith("campaign:"):
        campaigns.get(s, actor=me.actor, campaign_id=int(scope[9:]))
    people = boards.top_members(s, scope=scope, limit=50, within=root)
    units = boards.unit_board(s, scope=scope, measure="participation", within=root)
    lines = weekly(s, root, now, tz)
    names = {r.row.unit_id: r.row.name for r in units} | lines.names
    mine = campaigns.in_scope(s, actor=me.actor, limit=50)
    return Boards(
        root,
        scope,
        people,
        units,
        names,
        lines.weeks,
        lines.participation,
        lines.per_member,
        [(f"campaign:{c.id}", c.title) for c in mine],
        membership.counts(s, unit=root),
    )


async def boards_of(visit: Visit, me: Me, tz: str, root: str, scope: str) -> Boards:
    root_id = int(root) if root.isdigit() else None
    now = visit.now
    return await visit.db(lambda s: load(s, me, root_id, scope, now, tz))


def table(t: Translator, data: Boards, kind: str) -> tuple[list[str], list[list[object]]]:
    """The board as a spreadsheet: "units" or "people"."""
    _ = t.gettext
    if kind == "units":
        header = [
            _("Rank on the board"),
            _("Grassroots union"),
            _("Points earned"),
            _("Members taking part"),
            _("Members in the union"),
            _("Participation rate (%)"),
        ]
        return header, [
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
    if kind == "people":
        header = [
            _("Rank on the board"),
            _("Member name"),
            _("Grassroots union"),
            _("Points earned"),
        ]
        names = data.unit_names
        return header, [[p.rank, p.name, names.get(p.unit_id, ""), p.points] for p in data.people]
    raise WebProblem(404, "not_found")


@router.get("/leaderboards")
async def leaderboards(
    visit: OfficerVisit,
    me: CurrentMe,
    settings: WebSettings,
    t: Words,
    root: str = "",
    scope: str = "all",
) -> Response:
    data = await boards_of(visit, me, settings.timezone, root, scope)
    _ = t.gettext
    weeks = [t.day_month(day) for day in data.weeks]
    charts = [
        (
            _("Participation rate per unit, by week"),
            line_chart(
                _("Participation rate per unit, by week"),
                weeks,
                data.participation,
                chart_id="chart-participation",
                unit="%",
                number=t.number,
            ),
        ),
        (
            _("Points per member per unit, by week"),
            line_chart(
                _("Points per member per unit, by week"),
                weeks,
                data.per_member,
                chart_id="chart-per-member",
                number=t.number,
            ),
        ),
    ]
    return visit.render("leaderboards.html", b=data, key=scope, charts=charts)


@router.get("/leaderboards/export")
async def export(
    visit: OfficerVisit,
    me: CurrentMe,
    settings: WebSettings,
    t: Words,
    root: str = "",
    scope: str = "all",
    kind: str = "people",
    fmt: str = "xlsx",
) -> Response:
    data = await boards_of(visit, me, settings.timezone, root, scope)
    header, rows = table(t, data, kind)
    name = f"leaderboard-{kind}-{data.scope.replace(':', '-')}"
    return visit.finish(table_file(header, rows, name=name, fmt=fmt, locale=t.locale, sheet=kind))
