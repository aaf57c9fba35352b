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
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, WebSettings
from bots.web.unitpicker import UnitPicker, picker
from core import initiatives
from core.initiatives import rules
from core.initiatives.models import RewardTable
from core.members import service as members
from core.members.models import UnionUnit, UnitKind

router = APIRouter()


@dataclass(frozen=True)
class Version:
    table: RewardTable
    bands: list[rules.Band]
    in_force: bool


@dataclass(frozen=True)
class Page:
    picker: UnitPicker
    unit: UnionUnit | None  # the grassroots union whose table is shown
    versions: list[Version]


def _grassroots(s: Session, chosen: UnitPicker) -> UnionUnit | None:
    """The grassroots union of the unit chosen: itself, the one above it, or else the first
    one below it (in the order of the tree)."""
    unit = chosen.chosen
    for candidate in (unit, *reversed(chosen.picked.trail)):
        if candidate.kind == UnitKind.GRASSROOTS_UNION:
            return candidate
    return s.exec(
        select(UnionUnit)
        .where(members.subtree_filter(unit), UnionUnit.kind == UnitKind.GRASSROOTS_UNION)
        .order_by(col(UnionUnit.path))
        .limit(1)
    ).first()


def load(s: Session, me: Me, unit_id: str, unit_q: str, today: date) -> Page:
    chooser = picker(s, me, action=f"{PREFIX}/reward-tables", unit=unit_id, q=unit_q)
    unit = _grassroots(s, chooser)
    if unit is None:
        return Page(chooser, None, [])
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
    return Page(chooser, unit, versions)


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
    unit_q = visit.request.query_params.get("unit_q", "")
    unit = str(unit_id) if unit_id is not None else ""
    page = await visit.db(lambda s: load(s, me, unit, unit_q, today))
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
