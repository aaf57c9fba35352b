"""The reward table of the collective agreement on the desk: each grassroots union's versions,
the one in force today, and a new version from a start date (so that an initiative can be
accepted without the chat's /reward_table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session, col, select

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem, in_scope_units
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, WebSettings
from core import initiatives
from core.initiatives import rules
from core.initiatives.models import RewardTable
from core.members.models import UnionUnit, UnitKind

router = APIRouter()


@dataclass(frozen=True)
class Version:
    table: RewardTable
    bands: list[rules.Band]
    in_force: bool


@dataclass(frozen=True)
class Page:
    units: list[UnionUnit]
    unit: UnionUnit | None
    versions: list[Version]


def _grassroots(s: Session, me: Me) -> list[UnionUnit]:
    return [u for u in in_scope_units(s, me) if u.kind == UnitKind.GRASSROOTS_UNION]


def load(s: Session, me: Me, unit_id: int | None, today: date) -> Page:
    units = _grassroots(s, me)
    unit = next((u for u in units if u.id == unit_id), units[0] if units else None)
    if unit is None:
        return Page(units, None, [])
    tables = s.exec(
        select(RewardTable)
        .where(RewardTable.unit_id == unit.id)
        .order_by(col(RewardTable.effective_from).desc())
    ).all()
    current = initiatives.table_in_force(s, unit_id=unit.id, on=today)  # type: ignore[arg-type]
    versions = [
        Version(
            table,
            initiatives.bands_of(s, table_id=table.id),  # type: ignore[arg-type]
            current is not None and current.id == table.id,
        )
        for table in tables
    ]
    return Page(units, unit, versions)


def read_bands(text: str) -> list[rules.Band]:
    """One band a line, as in the chat: "0 - 10tr: 500k, 10" ("+" for no upper end)."""
    bands = []
    for line in text.splitlines():
        if not line.strip():
            continue
        band = rules.parse_band_line(line)
        if band is None:
            raise WebProblem(422, "bad_band_line")
        bands.append(band)
    return bands


async def show(
    visit: Visit, me: Me, tz: str, unit_id: int | None, refused: Refused | None = None
) -> Response:
    today = visit.now.astimezone(ZoneInfo(tz)).date()
    page = await visit.db(lambda s: load(s, me, unit_id, today))
    return visit.render(
        "reward_tables.html",
        status=refused.status if refused else 200,
        page=page,
        today=today.isoformat(),
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
    )


@router.get("/reward-tables")
async def reward_tables(
    visit: OfficerVisit, me: CurrentMe, settings: WebSettings, unit: str = ""
) -> Response:
    return await show(visit, me, settings.timezone, int(unit) if unit.isdigit() else None)


@router.post("/reward-tables")
async def add_version(
    visit: OfficerVisit, me: CurrentMe, form: PostedForm, settings: WebSettings
) -> Response:
    unit_id, now = forms.integer(form, "unit_id"), visit.now
    starts = forms.day(form, "effective_from")
    hour_value = rules.parse_amount(forms.text(form, "vnd_per_hour", limit=40).strip() or "0")

    def work(s: Session) -> object:
        if starts is None or hour_value is None:
            raise WebProblem(422, "bad_date" if starts is None else "bad_number")
        return initiatives.set_reward_table(
            s,
            actor=me.actor,
            unit_id=unit_id,
            effective_from=starts,
            bands=read_bands(forms.text(form, "bands")),
            vnd_per_hour=hour_value,
            now=now,
        )

    saved = await visit.attempt(work)
    if isinstance(saved, Refused):
        return await show(visit, me, settings.timezone, unit_id, saved)
    return visit.redirect(f"{PREFIX}/reward-tables?unit={unit_id}&done=saved")
