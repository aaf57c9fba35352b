"""What importing a tree file would do, worked out before anything is written (the dry run).

Pure: it takes the units that exist under the importing officer's unit as plain values and the
file's rows, and says which units would be created, which changed or moved, which stay as they
are, and every row that cannot be imported and why. Importing the same file twice plans nothing
the second time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from core.members.models import EnterpriseType, UnitKind
from core.members.rules import key_of
from core.organisation.roster_rules import Problem
from core.organisation.tree_rules import UnitRow


@dataclass(frozen=True, slots=True)
class ExistingUnit:
    id: int
    parent_id: int | None
    name: str
    kind: UnitKind
    code: str | None = None
    enterprise_type: EnterpriseType | None = None
    declared_members: int | None = None
    declared_on: date | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """Where a row's unit hangs: an existing unit's id, or another row of the file."""

    unit_id: int | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Change:
    row: UnitRow
    parent: Target
    unit_id: int | None  # None: a unit to create
    fields: tuple[str, ...] = ()  # what changes on an existing unit ("parent" for a move)


@dataclass
class TreePlan:
    create: list[Change] = field(default_factory=list)
    update: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def plan_tree(root_id: int, existing: Sequence[ExistingUnit], rows: Sequence[UnitRow]) -> TreePlan:
    """`existing`: the root unit and every unit below it."""
    plan = TreePlan()
    index = _Index(root_id, existing, rows)
    plan.problems.extend(index.problems)
    parents: dict[int, Target] = {}
    for row in rows:
        target = index.parent_of(row, plan.problems)
        if target is not None:
            parents[row.row] = target
    cyclic = _rows_in_cycles(parents)
    plan.problems.extend(Problem(r, "unit_cycle") for r in sorted(cyclic))
    bad_rows = {p.row for p in plan.problems}
    matched = index.match_existing(rows, parents)
    for row in rows:
        if row.row in bad_rows or row.row not in parents:
            continue
        if _ancestor_is_bad(row.row, parents, bad_rows):
            plan.problems.append(Problem(row.row, "parent_row_refused"))
            continue
        unit = matched.get(row.row)
        if unit is None:
            plan.create.append(Change(row, parents[row.row], None))
            continue
        changed = _changes(unit, row, parents[row.row], matched)
        bucket = plan.update if changed else plan.unchanged
        bucket.append(Change(row, parents[row.row], unit.id, changed))
    return plan


class _Index:
    def __init__(self, root_id: int, existing: Sequence[ExistingUnit], rows: Sequence[UnitRow]):
        self.root_id = root_id
        self.units = {u.id: u for u in existing}
        self.problems: list[Problem] = []
        self.by_code: dict[str, ExistingUnit] = {u.code: u for u in existing if u.code}
        self.by_name: dict[str, list[ExistingUnit]] = defaultdict(list)
        for unit in existing:
            self.by_name[key_of(unit.name)].append(unit)
        self.rows_by_code: dict[str, UnitRow] = {}
        self.rows_by_name: dict[str, list[UnitRow]] = defaultdict(list)
        seen: dict[tuple[str | None, str], int] = {}
        for row in rows:
            if row.code:
                if row.code in self.rows_by_code:
                    self.problems.append(Problem(row.row, "unit_code_twice", None, row.code))
                    continue
                self.rows_by_code[row.code] = row
            identity = (row.parent_key, key_of(row.name))
            if identity in seen:
                self.problems.append(Problem(row.row, "unit_twice", None, str(seen[identity])))
                continue
            seen[identity] = row.row
            self.rows_by_name[key_of(row.name)].append(row)

    def parent_of(self, row: UnitRow, problems: list[Problem]) -> Target | None:
        if row.parent_key is None:
            return Target(unit_id=self.root_id)
        if row.parent_code:
            if row.parent_code in self.rows_by_code:
                return Target(row=self.rows_by_code[row.parent_code].row)
            if row.parent_code in self.by_code:
                return Target(unit_id=self.by_code[row.parent_code].id)
            problems.append(Problem(row.row, "parent_unknown", None, row.parent_code))
            return None
        name = row.parent_key
        in_file = self.rows_by_name.get(name, [])
        here = self.by_name.get(name, [])
        if len(in_file) > 1 or (not in_file and len(here) > 1):
            problems.append(Problem(row.row, "parent_ambiguous", None, row.parent or ""))
            return None
        if in_file:
            return Target(row=in_file[0].row)
        if here:
            return Target(unit_id=here[0].id)
        problems.append(Problem(row.row, "parent_unknown", None, row.parent or ""))
        return None

    def match_existing(
        self, rows: Sequence[UnitRow], parents: dict[int, Target]
    ) -> dict[int, ExistingUnit]:
        """Each row's existing unit: by code, else by name under the same parent, else by a
        name found once in the whole subtree (a unit moved to another parent)."""
        children: dict[tuple[int | None, str], ExistingUnit] = {
            (u.parent_id, key_of(u.name)): u for u in self.units.values()
        }
        matched: dict[int, ExistingUnit] = {}
        for row in _parents_first(rows, parents):
            unit = self.by_code.get(row.code) if row.code else None
            target = parents.get(row.row)
            if unit is None and target is not None:
                parent_id = target.unit_id
                if target.row is not None and target.row in matched:
                    parent_id = matched[target.row].id
                unit = children.get((parent_id, key_of(row.name)))
            if unit is None and not row.code:
                same = self.by_name.get(key_of(row.name), [])
                unit = same[0] if len(same) == 1 else None
            if unit is not None and unit.id != self.root_id:
                matched[row.row] = unit
        return matched


def _parents_first(rows: Sequence[UnitRow], parents: dict[int, Target]) -> list[UnitRow]:
    by_row = {r.row: r for r in rows}
    ordered: list[UnitRow] = []
    done: set[int] = set()

    def visit(number: int, trail: set[int]) -> None:
        if number in done or number in trail or number not in by_row:
            return
        target = parents.get(number)
        if target is not None and target.row is not None:
            visit(target.row, trail | {number})
        done.add(number)
        ordered.append(by_row[number])

    for row in rows:
        visit(row.row, set())
    return ordered


def _rows_in_cycles(parents: dict[int, Target]) -> set[int]:
    cyclic: set[int] = set()
    for start in parents:
        trail: list[int] = []
        current: int | None = start
        while current is not None and current not in trail:
            trail.append(current)
            target = parents.get(current)
            current = target.row if target is not None else None
        if current is not None and current in trail:
            cyclic.update(trail[trail.index(current) :])
    return cyclic


def _ancestor_is_bad(number: int, parents: dict[int, Target], bad: set[int]) -> bool:
    seen: set[int] = set()
    target = parents.get(number)
    while target is not None and target.row is not None and target.row not in seen:
        if target.row in bad or target.row not in parents:
            return True
        seen.add(target.row)
        target = parents.get(target.row)
    return False


def _changes(
    unit: ExistingUnit, row: UnitRow, parent: Target, matched: dict[int, ExistingUnit]
) -> tuple[str, ...]:
    changed = []
    parent_id = parent.unit_id
    if parent.row is not None:
        parent_id = matched[parent.row].id if parent.row in matched else None
    if parent_id != unit.parent_id:
        changed.append("parent")
    if row.name != unit.name:
        changed.append("name")
    if row.kind != unit.kind:
        changed.append("kind")
    if row.code and row.code != unit.code:
        changed.append("code")
    for name in ("enterprise_type", "declared_members", "declared_on"):
        value = getattr(row, name)
        if value is not None and value != getattr(unit, name):
            changed.append(name)
    return tuple(changed)
