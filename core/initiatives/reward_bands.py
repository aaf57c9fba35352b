"""The reward rule of the labour agreement: each grassroots union's reward table (bands of
yearly benefit, each with its reward in VND and its points, and the value of an hour saved),
the table in force on a day, and an initiative's reward split among its authors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.campaigns.scope import Actor
from core.errors import DomainError, InvalidInput, NotFound
from core.initiatives import rules
from core.initiatives.models import Initiative, RewardBand, RewardTable
from core.initiatives.people import authors_of
from core.initiatives.rules import Band, BenefitKind
from core.members.models import UnionUnit


@dataclass(frozen=True)
class Reward:
    benefit_vnd: int
    reward_vnd: int
    points: int
    table_id: int
    shares: tuple[tuple[int, int, int], ...]  # (member_id, vnd, points)


def table_in_force(session: Session, *, unit_id: int, on: date) -> RewardTable | None:
    """The reward table of the unit's grassroots union (or the nearest ancestor that has one)
    in force on a day."""
    unit = session.get(UnionUnit, unit_id)
    if unit is None:
        return None
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    for level in reversed(ids):
        tables = session.exec(
            select(RewardTable.effective_from, RewardTable.id).where(RewardTable.unit_id == level)
        ).all()
        chosen = rules.effective_table([(d, i) for d, i in tables], on)  # type: ignore[misc]
        if chosen is not None:
            return session.get(RewardTable, chosen)
    return None


def table_by_id(session: Session, *, table_id: int) -> RewardTable:
    table = session.get(RewardTable, table_id)
    if table is None:
        raise NotFound("reward_table_missing")
    return table


def bands_of(session: Session, *, table_id: int) -> list[Band]:
    rows = session.exec(select(RewardBand).where(RewardBand.table_id == table_id)).all()
    return sorted(Band(r.min_vnd, r.max_vnd, r.reward_vnd, r.points) for r in rows)


def compute_reward(session: Session, *, item: Initiative, on: date) -> Reward:
    table = table_in_force(session, unit_id=item.unit_id, on=on)
    if table is None:
        raise DomainError("reward_table_missing")
    assert table.id is not None and item.benefit_kind is not None
    benefit = rules.benefit_vnd(
        BenefitKind(item.benefit_kind), item.benefit_amount or 0, table.vnd_per_hour
    )
    band = rules.band_for(bands_of(session, table_id=table.id), benefit)
    reward_vnd, reward_points = (band.reward_vnd, band.points) if band else (0, 0)
    authors = [m.id for _a, m in authors_of(session, initiative_id=item.id)]  # type: ignore[arg-type]
    vnd = rules.split(reward_vnd, len(authors))
    pts = rules.split(reward_points, len(authors))
    return Reward(
        benefit_vnd=benefit,
        reward_vnd=reward_vnd,
        points=reward_points,
        table_id=table.id,
        shares=tuple(zip(authors, vnd, pts, strict=True)),  # type: ignore[arg-type]
    )


def set_reward_table(
    session: Session,
    *,
    actor: Actor,
    unit_id: int,
    effective_from: date,
    bands: list[Band],
    vnd_per_hour: int,
    now: datetime,
) -> RewardTable:
    """Store a unit's table; a table of the same unit and date is replaced. Refused when bands
    overlap (or are empty, negative ...)."""
    actor.require_unit(session, unit_id)
    problem = rules.table_problem(bands)
    if problem:
        raise InvalidInput(problem[0], f"band {problem[1]}")
    if vnd_per_hour < 0:
        raise InvalidInput("table_negative")
    table = session.exec(
        select(RewardTable).where(
            RewardTable.unit_id == unit_id, RewardTable.effective_from == effective_from
        )
    ).first()
    if table is None:
        table = RewardTable(unit_id=unit_id, effective_from=effective_from, created_at=now)
        session.add(table)
    table.vnd_per_hour = vnd_per_hour
    table.created_by = actor.member_id
    table.created_at = now
    session.flush()
    session.execute(delete(RewardBand).where(col(RewardBand.table_id) == table.id))
    for band in sorted(bands):
        session.add(
            RewardBand(
                table_id=table.id,  # type: ignore[arg-type]
                min_vnd=band.min_vnd,
                max_vnd=band.max_vnd,
                reward_vnd=band.reward_vnd,
                points=band.points,
            )
        )
    session.flush()
    return table
