"""Importing a union tree file: the dry run an officer reads, then the import they confirm.

The confirmed import plans again inside its own transaction, with the importing unit locked,
so two officers importing at once do not interleave, and refuses when the file no longer fits
what is there (nothing is half-written: it all commits or none of it does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from core.errors import DomainError
from core.members.models import UnionUnit
from core.organisation import units
from core.organisation.roster_rules import Problem
from core.organisation.tree_plan import Change, ExistingUnit, TreePlan, plan_tree
from core.organisation.tree_rules import UnitRow, read_tree_header, read_unit_row
from core.spreadsheet import SpreadsheetError, read_rows

MAX_UNITS = 20_000


@dataclass
class TreeFile:
    rows: list[UnitRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class TreeResult:
    created: int
    updated: int
    unchanged: int


def read_tree(data: bytes, filename: str, *, today: date) -> TreeFile:
    result = TreeFile()
    try:
        rows = read_rows(data, filename)
        header = next((r for r in rows if not r.blank), None)
        if header is None:
            result.problems.append(Problem(0, "empty_file"))
            return result
        layout, problems = read_tree_header(header.cells)
        if problems:
            result.problems.extend(problems)
            return result
        for row in rows:
            if row.blank:
                continue
            if len(result.rows) >= MAX_UNITS:
                result.problems.append(Problem(row.number, "too_many_rows"))
                break
            parsed, row_problems = read_unit_row(row.number, row.cells, layout, today=today)
            result.problems.extend(row_problems)
            if parsed is not None:
                result.rows.append(parsed)
    except SpreadsheetError as err:
        result.problems.append(Problem(0, err.code))
    return result


def existing_under(session: Session, root: UnionUnit) -> list[ExistingUnit]:
    found = session.exec(select(UnionUnit).where(col(UnionUnit.path).startswith(root.path))).all()
    return [
        ExistingUnit(
            id=u.id,  # type: ignore[arg-type]
            parent_id=u.parent_id if u.id != root.id else None,
            name=u.name,
            kind=u.kind,
            code=u.code,
            enterprise_type=u.enterprise_type,
            declared_members=u.declared_members,
            declared_on=u.declared_on,
        )
        for u in found
        if u.closed_at is None
    ]


def dry_run(session: Session, *, root: UnionUnit, file: TreeFile) -> TreePlan:
    plan = plan_tree(root.id, existing_under(session, root), file.rows)  # type: ignore[arg-type]
    plan.problems = sorted([*file.problems, *plan.problems], key=lambda p: p.row)
    return plan


def apply(
    session: Session, *, root: UnionUnit, file: TreeFile, by: int | None, now: datetime
) -> TreeResult:
    """Import the file under `root`, all or nothing. Raises DomainError("import_has_problems")
    when any row cannot be imported: the officer fixes the file and runs the dry run again."""
    locked = session.exec(select(UnionUnit).where(UnionUnit.id == root.id).with_for_update()).one()
    plan = dry_run(session, root=locked, file=file)
    if plan.problems:
        raise DomainError("import_has_problems")
    made: dict[int, units.Placed] = {}  # file row -> its unit, existing or created
    known = {c.unit_id for c in plan.update + plan.unchanged}
    paths = dict(
        session.exec(select(UnionUnit.id, UnionUnit.path).where(col(UnionUnit.id).in_(known))).all()
    )
    for change in plan.update + plan.unchanged:
        made[change.row.row] = units.Placed(change.unit_id, paths[change.unit_id])  # type: ignore[index,arg-type]
    pending = list(plan.create)
    while pending:  # a level of the tree at a time: a row's parent is made before it
        ready = [c for c in pending if _parent(session, c, made) is not None]
        if not ready:
            raise DomainError("unit_cycle")
        placed = units.create_many(
            session,
            items=[(_parent(session, c, made), _fields(c.row)) for c in ready],  # type: ignore[misc]
            by=by,
            now=now,
        )
        made.update({c.row.row: p for c, p in zip(ready, placed, strict=True)})
        pending = [c for c in pending if c.row.row not in made]
    for change in plan.update:
        unit = session.get(UnionUnit, change.unit_id)
        assert unit is not None
        if "parent" in change.fields:
            placed_parent = _parent(session, change, made)
            assert placed_parent is not None
            parent = session.get(UnionUnit, placed_parent.id)
            assert parent is not None
            units.move(session, unit=unit, parent=parent, by=by, now=now)
            unit = session.get(UnionUnit, change.unit_id)
            assert unit is not None
        units.change(session, unit=unit, fields=_fields(change.row), by=by, now=now)
    return TreeResult(len(plan.create), len(plan.update), len(plan.unchanged))


def _parent(session: Session, change: Change, made: dict[int, units.Placed]) -> units.Placed | None:
    if change.parent.row is None:
        unit = session.get(UnionUnit, change.parent.unit_id)
        return units.Placed(unit.id, unit.path) if unit is not None else None  # type: ignore[arg-type]
    return made.get(change.parent.row)


def _fields(row: UnitRow) -> units.UnitFields:
    return units.UnitFields(
        name=row.name,
        kind=row.kind,
        code=row.code,
        enterprise_type=row.enterprise_type,
        declared_members=row.declared_members,
        declared_on=row.declared_on,
    )
