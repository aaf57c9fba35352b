"""Title and commendation form definitions (issue #17): each union level keeps its own, edited
by its officers; a level that has none takes the standard set of its level
(core/emulation/title_defaults.py) in the officer's language. A person is weighed against the
person titles of their grassroots union and every level above it; a grassroots union against
the collective titles of the levels above it. A definition removed is retired, kept for the
proposals made under it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, func, select

from core.campaigns.scope import Actor
from core.emulation.title_defaults import STANDARD, Form, Level, Subject, level_of
from core.emulation.title_models import TitleDefinition
from core.emulation.title_rules import Thresholds
from core.emulation.titles import Title
from core.errors import DomainError, InvalidInput, NotFound
from core.i18n import Translator
from core.members.models import UnionUnit

NAME_MAX = 200
SCORE_MAX = Decimal(200)  # % of the points at target (the cap is 120 % a criterion)


@dataclass(frozen=True)
class DefinitionInput:
    name: str
    subject: Subject
    form: Form
    level: Level
    min_score: Decimal | None = None
    min_share: Decimal | None = None
    all_targets: bool = False
    max_rank: int | None = None
    pledge_title: Title | None = None


def definition_problem(data: DefinitionInput) -> str | None:
    if not 1 <= len(data.name) <= NAME_MAX:
        return "title_name"
    for bound in (data.min_score, data.min_share):
        if bound is not None and not 0 <= bound <= SCORE_MAX:
            return "title_threshold"
    if data.max_rank is not None and data.max_rank < 1:
        return "title_rank"
    if data.pledge_title is not None and data.subject is not Subject.PERSON:
        return "title_pledge_collective"
    return None


def _checked(data: DefinitionInput) -> DefinitionInput:
    data = replace(data, name=" ".join(data.name.split()))
    problem = definition_problem(data)
    if problem:
        raise InvalidInput(problem)
    return data


def _fill(row: TitleDefinition, data: DefinitionInput, now: datetime) -> TitleDefinition:
    row.name, row.subject, row.form, row.level = (
        data.name,
        data.subject.value,
        data.form.value,
        data.level.value,
    )
    row.min_score, row.min_share, row.all_targets = data.min_score, data.min_share, data.all_targets
    row.max_rank = data.max_rank
    row.pledge_title = data.pledge_title.value if data.pledge_title else None
    row.updated_at = now
    return row


def active_of(session: Session, unit_id: int) -> list[TitleDefinition]:
    return list(
        session.exec(
            select(TitleDefinition)
            .where(
                TitleDefinition.owner_unit_id == unit_id,
                col(TitleDefinition.retired_at).is_(None),
            )
            .order_by(col(TitleDefinition.position), col(TitleDefinition.id))
        )
    )


def of_unit(
    session: Session, *, actor: Actor, unit_id: int
) -> tuple[UnionUnit, list[TitleDefinition]]:
    unit = actor.require_unit(session, unit_id)
    return unit, active_of(session, unit_id)


def _next_position(session: Session, unit_id: int) -> int:
    highest = session.exec(
        select(func.max(TitleDefinition.position)).where(TitleDefinition.owner_unit_id == unit_id)
    ).one()
    return (highest or 0) + 1


def _add(
    session: Session, unit_id: int, data: DefinitionInput, by: int | None, now: datetime
) -> TitleDefinition:
    row = TitleDefinition(
        owner_unit_id=unit_id,
        position=_next_position(session, unit_id),
        created_by=by,
        created_at=now,
    )
    session.add(_fill(row, _checked(data), now))
    session.flush()
    return row


def add(
    session: Session, *, actor: Actor, unit_id: int, data: DefinitionInput, now: datetime
) -> TitleDefinition:
    actor.require_unit(session, unit_id)
    return _add(session, unit_id, data, actor.member_id, now)


def definition_of(session: Session, *, actor: Actor, title_id: int) -> TitleDefinition:
    row = session.get(TitleDefinition, title_id)
    if row is None or row.retired_at is not None:
        raise NotFound("title_unknown")
    actor.require_unit(session, row.owner_unit_id)
    return row


def edit(
    session: Session, *, actor: Actor, title_id: int, data: DefinitionInput, now: datetime
) -> TitleDefinition:
    """Changed in place: what was proposed under it keeps its own copy of the name."""
    row = definition_of(session, actor=actor, title_id=title_id)
    _fill(row, _checked(data), now)
    session.flush()
    return row


def retire(session: Session, *, actor: Actor, title_id: int, now: datetime) -> None:
    row = definition_of(session, actor=actor, title_id=title_id)
    row.retired_at = row.updated_at = now
    session.flush()


def standard_inputs(unit: UnionUnit, t: Translator) -> list[DefinitionInput]:
    level = level_of(unit.kind)
    return [
        DefinitionInput(
            name=t.gettext(s.name),
            subject=s.subject,
            form=s.form,
            level=level,
            min_score=s.min_score,
            min_share=s.min_share,
            all_targets=s.all_targets,
            max_rank=s.max_rank,
            pledge_title=s.pledge_title,
        )
        for s in STANDARD[level]
    ]


def seed(
    session: Session, unit: UnionUnit, t: Translator, now: datetime, by: int | None = None
) -> list[TitleDefinition]:
    """The standard set of the unit's level, for a unit that never had a definition (one
    whose officers removed theirs is left as they chose)."""
    ever = session.exec(
        select(TitleDefinition.id).where(TitleDefinition.owner_unit_id == unit.id).limit(1)
    ).first()
    if ever is not None:
        return []
    return [_add(session, unit.id, data, by, now) for data in standard_inputs(unit, t)]  # type: ignore[arg-type]


def take_standard(
    session: Session, *, actor: Actor, unit_id: int, t: Translator, now: datetime
) -> list[TitleDefinition]:
    """The standard set copied for a unit whose officers have none in force."""
    unit = actor.require_unit(session, unit_id)
    if active_of(session, unit_id):
        raise DomainError("titles_exist")
    return [_add(session, unit_id, d, actor.member_id, now) for d in standard_inputs(unit, t)]


def chain(session: Session, unit: UnionUnit) -> list[UnionUnit]:
    """The unit and every unit above it, from the top down."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p] or [unit.id]
    found = {u.id: u for u in session.exec(select(UnionUnit).where(col(UnionUnit.id).in_(ids)))}
    return [found[i] for i in ids if i in found]


def applicable(
    session: Session, unit: UnionUnit, subject: Subject, *, above_only: bool
) -> list[TitleDefinition]:
    """The definitions in force for `subject` owned by `unit`'s chain (the unit itself too
    unless `above_only`)."""
    owners = [u.id for u in chain(session, unit) if not (above_only and u.id == unit.id)]
    if not owners:
        return []
    return list(
        session.exec(
            select(TitleDefinition)
            .where(
                col(TitleDefinition.owner_unit_id).in_(owners),
                TitleDefinition.subject == subject.value,
                col(TitleDefinition.retired_at).is_(None),
            )
            .order_by(col(TitleDefinition.id))
        )
    )


def in_force(session: Session, subject: Subject) -> list[TitleDefinition]:
    """Every definition in force for `subject`, by id: read once to weigh many units
    (`applicable_from`) instead of a query per unit."""
    return list(
        session.exec(
            select(TitleDefinition)
            .where(
                TitleDefinition.subject == subject.value,
                col(TitleDefinition.retired_at).is_(None),
            )
            .order_by(col(TitleDefinition.id))
        )
    )


def applicable_from(
    rows: list[TitleDefinition], unit: UnionUnit, *, above_only: bool
) -> list[TitleDefinition]:
    """`applicable` from the rows of `in_force`: those owned by the unit's chain (its path)."""
    owners = {int(p) for p in unit.path.strip("/").split("/") if p} or {unit.id}
    if above_only:
        owners.discard(unit.id)  # type: ignore[arg-type]
    return [r for r in rows if r.owner_unit_id in owners]


def thresholds(row: TitleDefinition) -> Thresholds:
    return Thresholds(
        id=row.id,  # type: ignore[arg-type]
        form=Form(row.form),
        level=Level(row.level),
        position=row.position,
        min_score=row.min_score,
        min_share=row.min_share,
        all_targets=row.all_targets,
        max_rank=row.max_rank,
        pledge_title=Title(row.pledge_title) if row.pledge_title else None,
    )
