"""Admin API: the union's tree and rosters from spreadsheets, the same dry run and import as
the command line and the web desk, in the caller's units only."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from core.campaigns.scope import Actor
from core.i18n import Translator
from core.organisation import roster_import, tree_import
from core.organisation.problems import describe
from core.organisation.roster_file import read_roster

router = APIRouter(prefix="/api/v1", tags=["members"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RowProblem(BaseModel):
    row: int
    code: str
    text: str  # in the union's default language


class ImportOut(BaseModel):
    kind: str
    unit_id: int
    confirmed: bool  # False: a dry run, nothing written
    create: int
    update: int
    unchanged: int
    problems: list[RowProblem]


def _name(content_type: str) -> str:
    kind = content_type.split(";")[0].strip()
    return "file.xlsx" if kind == XLSX else "file.csv"


def _run(
    s: Session, who: Actor, t: Translator, ask: tuple[str, int, str, bytes, bool], now
) -> ImportOut:  # type: ignore[no-untyped-def]
    kind, unit_id, name, data, confirm = ask
    root = who.require_unit(s, unit_id)
    if kind == "tree":
        file = tree_import.read_tree(data, name, today=now.date())
        plan = tree_import.dry_run(s, root=root, file=file)
        counts = (len(plan.create), len(plan.update), len(plan.unchanged))
    else:
        file = read_roster(data, name, today=now.date())  # type: ignore[assignment]
        rplan = roster_import.dry_run(s, root=root, file=file)  # type: ignore[arg-type]
        counts = (len(rplan.create), len(rplan.update), rplan.unchanged)
        plan = rplan  # type: ignore[assignment]
    problems = [RowProblem(row=p.row, code=p.code, text=describe(t, p)) for p in plan.problems]
    done = confirm and not problems
    if done and kind == "tree":
        tree_import.apply(s, root=root, file=file, by=who.member_id, now=now)  # type: ignore[arg-type]
    elif done:
        roster_import.apply(s, root=root, file=file, now=now)  # type: ignore[arg-type]
    return ImportOut(
        kind=kind,
        unit_id=unit_id,
        confirmed=done,
        create=counts[0],
        update=counts[1],
        unchanged=counts[2],
        problems=problems,
    )


@router.post("/org/{kind}/import", response_model=ImportOut)
async def import_file(
    kind: Literal["tree", "roster"],
    unit_id: int,
    request: Request,
    api: ApiDep,
    who: Caller,
    confirm: bool = False,
) -> ImportOut:
    """The body is the file (Content-Type text/csv, or the XLSX type). Without `confirm`, a
    dry run; with it, the import, all or nothing (a file with problems writes nothing)."""
    data = await request.body()
    name = _name(request.headers.get("content-type", ""))
    t, now = api.translator(), api.now()
    return await api.run(lambda s: _run(s, who, t, (kind, unit_id, name, data, confirm), now))
