"""Importing a roster file (danh sách đoàn viên): its dry run, then the import an officer
confirms. Each row's unit is named by code or by name within the officer's subtree; a person
already on the roster is recognised by card number, phone, or name with birth date, so
importing the same file twice changes nothing and an updated file changes only what changed.
People missing from a later file stay on the roster: removing someone is a decision of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from core.errors import DomainError
from core.members.models import RosterEntry, UnionUnit
from core.members.rules import key_of
from core.organisation.roster_file import RosterFile
from core.organisation.roster_rules import Column, Problem, RosterRow, may_be_same_person

CHUNK = 1000  # rows inserted per statement

FIELDS = (
    "unit_id",
    "full_name",
    "worker_group",
    "holds_leadership_post",
    "birth_date",
    "card",
    "phone",
    "gender",
)


@dataclass
class RosterPlan:
    create: list[tuple[RosterRow, int]] = field(default_factory=list)  # (row, unit id)
    update: list[tuple[RosterRow, int, int, tuple[str, ...]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class RosterResult:
    created: int
    updated: int
    unchanged: int


class _Units:
    """The open units of the subtree, by code and by folded name."""

    def __init__(self, session: Session, root: UnionUnit) -> None:
        found = session.exec(
            select(UnionUnit.id, UnionUnit.name, UnionUnit.code).where(
                col(UnionUnit.path).startswith(root.path), col(UnionUnit.closed_at).is_(None)
            )
        ).all()
        self.by_code = {code.upper(): uid for uid, _name, code in found if code}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for uid, name, _code in found:
            self.by_name[key_of(name)].append(uid)

    def find(self, row: RosterRow) -> tuple[int | None, str | None]:
        code = row.unit.replace(" ", "").upper()
        if code in self.by_code:
            return self.by_code[code], None
        named = self.by_name.get(key_of(row.unit), [])
        if len(named) == 1:
            return named[0], None
        return None, "unit_ambiguous" if named else "unit_unknown"


class _Existing:
    """The roster entries of the subtree, by each key a person is recognised by. A province's
    roster is 10^5 entries: each is kept as one tuple of its `FIELDS` (not a dict), and each
    key as one string pointing at an entry id (a list only where two entries share it)."""

    def __init__(self, session: Session, root: UnionUnit) -> None:
        in_tree = select(UnionUnit.id).where(col(UnionUnit.path).startswith(root.path))
        columns = [RosterEntry.id, RosterEntry.name_key, *(getattr(RosterEntry, f) for f in FIELDS)]
        self.rows: dict[int, tuple[object, ...]] = {}
        self.keys: dict[str, int | list[int]] = {}
        result = session.execute(  # streamed: the rows are not all held a second time
            select(*columns)  # type: ignore[call-overload]
            .where(col(RosterEntry.unit_id).in_(in_tree), col(RosterEntry.removed_at).is_(None))
            .execution_options(yield_per=5000)
        )
        card_at, phone_at, born_at = (FIELDS.index(f) for f in ("card", "phone", "birth_date"))
        for entry_id, name_key, *values in result:
            self.rows[entry_id] = tuple(values)
            for key in _keys(values[card_at], values[phone_at], name_key, values[born_at]):
                held = self.keys.get(key)
                if held is None:
                    self.keys[key] = entry_id
                elif isinstance(held, list):
                    held.append(entry_id)
                else:
                    self.keys[key] = [held, entry_id]

    def before(self, entry_id: int) -> dict[str, object]:
        return dict(zip(FIELDS, self.rows[entry_id], strict=True))

    def match(self, row: RosterRow) -> int | None:
        card_at, phone_at = FIELDS.index("card"), FIELDS.index("phone")
        for key in _keys(row.card, row.phone, row.name_key, row.birth_date):
            held = self.keys.get(key)
            for entry_id in held if isinstance(held, list) else (() if held is None else (held,)):
                entry = self.rows[entry_id]
                if may_be_same_person(row.card, row.phone, entry[card_at], entry[phone_at]):
                    return entry_id
        return None


def _keys(card: object, phone: object, name_key: object, born: object) -> list[str]:
    keys = []
    if card:
        keys.append(f"c|{card}")
    if phone:
        keys.append(f"p|{phone}")
    if born:
        keys.append(f"n|{name_key}|{born}")
    return keys


def _values(row: RosterRow, unit_id: int) -> dict[str, object]:
    return {
        "unit_id": unit_id,
        "full_name": row.full_name,
        "worker_group": row.worker_group,
        "holds_leadership_post": row.leader,
        "birth_date": row.birth_date,
        "card": row.card,
        "phone": row.phone,
        "gender": row.gender,
    }


def dry_run(session: Session, *, root: UnionUnit, file: RosterFile) -> RosterPlan:
    plan = RosterPlan(problems=list(file.problems))
    places = _Units(session, root)
    existing = _Existing(session, root)
    for row in file.rows:
        unit_id, problem = places.find(row)
        if unit_id is None:
            plan.problems.append(Problem(row.row, problem or "unit_unknown", Column.UNIT, row.unit))
            continue
        values = _values(row, unit_id)
        entry_id = existing.match(row)
        if entry_id is None:
            plan.create.append((row, unit_id))
            continue
        before = existing.before(entry_id)
        changed = tuple(
            name for name, value in values.items() if value is not None and value != before[name]
        )
        if changed:
            plan.update.append((row, unit_id, entry_id, changed))
        else:
            plan.unchanged += 1
    plan.problems.sort(key=lambda p: p.row)
    return plan


def apply(session: Session, *, root: UnionUnit, file: RosterFile, now: datetime) -> RosterResult:
    """All or nothing, planned again under a lock on the importing unit."""
    session.exec(select(UnionUnit.id).where(UnionUnit.id == root.id).with_for_update()).one()
    plan = dry_run(session, root=root, file=file)
    if plan.problems:
        raise DomainError("import_has_problems")
    for start in range(0, len(plan.create), CHUNK):  # the rows' dicts a chunk at a time
        batch = [
            {**_values(row, unit_id), "name_key": row.name_key, "imported_at": now}
            for row, unit_id in plan.create[start : start + CHUNK]
        ]
        session.execute(insert(RosterEntry), batch)
    for row, unit_id, entry_id, changed in plan.update:
        values = {k: v for k, v in _values(row, unit_id).items() if k in changed}
        if "full_name" in values:
            values["name_key"] = row.name_key
        session.execute(
            update(RosterEntry).where(RosterEntry.id == entry_id).values(imported_at=now, **values)  # type: ignore[arg-type]
        )
    return RosterResult(len(plan.create), len(plan.update), plan.unchanged)
