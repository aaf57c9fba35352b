"""Awarding points: one immutable ledger row and, in the same transaction, the score tables.

`award` is idempotent on (source, source_id): a redelivered update, a double tap or a job run
twice finds the row already there and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.errors import NotFound
from core.members.models import Member
from core.points.models import MemberScore, PointsEntry, PointsSource, ScoreHistogram, UnitScore
from core.points.rules import DEFAULT_TZ, histogram_keys, scopes_for


@dataclass(frozen=True)
class Award:
    entry_id: int
    points: int
    created: bool  # False when (source, source_id) had already been awarded


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def award(
    session: Session,
    *,
    member_id: int,
    points: int,
    source: PointsSource,
    source_id: str,
    now: datetime,
    campaign_id: int | None = None,
    extra_scope: str | None = None,
    tz: str = DEFAULT_TZ,
) -> Award:
    existing = _find(session, source, source_id)
    if existing is not None:
        return Award(existing.id, existing.points, created=False)  # type: ignore[arg-type]
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("member_unknown")
    entry = PointsEntry(
        member_id=member_id,
        unit_id=member.unit_id,
        points=points,
        source=source,
        source_id=source_id,
        campaign_id=campaign_id,
        extra_scope=extra_scope,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:  # the same award committed by a concurrent transaction
        again = _find(session, source, source_id)
        assert again is not None
        return Award(again.id, again.points, created=False)  # type: ignore[arg-type]
    assert entry.id is not None
    unit_members = session.exec(
        select(func.count()).select_from(Member).where(col(Member.unit_id) == member.unit_id)
    ).one()
    for scope in scopes_for(now, campaign_id=campaign_id, extra_scope=extra_scope, tz=tz):
        _add_to_scope(session, scope, member_id, member.unit_id, points, now, unit_members)
    return Award(entry.id, points, created=True)


def _find(session: Session, source: str, source_id: str) -> PointsEntry | None:
    return session.exec(
        select(PointsEntry).where(
            col(PointsEntry.source) == source, col(PointsEntry.source_id) == source_id
        )
    ).first()


def _add_to_scope(
    session: Session,
    scope: str,
    member_id: int,
    unit_id: int,
    points: int,
    now: datetime,
    unit_members: int,
) -> None:
    table = MemberScore.__table__  # type: ignore[attr-defined]
    stmt = _insert(session, table).values(
        scope=scope,
        member_id=member_id,
        unit_id=unit_id,
        points=points,
        entries=1,
        reached_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["scope", "member_id"],
        set_={
            "points": table.c.points + points,
            "entries": table.c.entries + 1,
            "unit_id": unit_id,
            # an award of 0 points does not move the member: they reached their score before
            "reached_at": now if points else table.c.reached_at,
        },
    ).returning(table.c.points, table.c.entries)
    new_points, entries = session.execute(stmt).one()
    first = entries == 1
    if first or points:
        changes: dict[tuple[int, int], int] = {}
        if not first:
            for key in histogram_keys(new_points - points):
                changes[key] = changes.get(key, 0) - 1
        for key in histogram_keys(new_points):
            changes[key] = changes.get(key, 0) + 1
        for (level, key), delta in sorted(changes.items()):  # a fixed order: no deadlocks
            if delta:
                _bump_histogram(session, scope, level, key, delta)
    _add_to_unit(session, scope, unit_id, points, now, int(first), unit_members)


def _bump_histogram(session: Session, scope: str, level: int, key: int, delta: int) -> None:
    table = ScoreHistogram.__table__  # type: ignore[attr-defined]
    stmt = _insert(session, table).values(scope=scope, level=level, key=key, members=delta)
    stmt = stmt.on_conflict_do_update(
        index_elements=["scope", "level", "key"], set_={"members": table.c.members + delta}
    )
    session.execute(stmt)


def _add_to_unit(
    session: Session,
    scope: str,
    unit_id: int,
    points: int,
    now: datetime,
    new_participant: int,
    unit_members: int,
) -> None:
    table = UnitScore.__table__  # type: ignore[attr-defined]
    stmt = _insert(session, table).values(
        scope=scope,
        unit_id=unit_id,
        points=points,
        participants=new_participant,
        members=unit_members,
        reached_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["scope", "unit_id"],
        set_={
            "points": table.c.points + points,
            "participants": table.c.participants + new_participant,
            "members": unit_members,
            "reached_at": now if points else table.c.reached_at,
        },
    )
    session.execute(stmt)


def refresh_member_counts(session: Session) -> int:
    """Bring every unit score's member count up to date (members join without awards)."""
    counts = select(func.count()).where(col(Member.unit_id) == UnitScore.unit_id)
    result = session.execute(
        update(UnitScore)
        .values(members=counts.scalar_subquery())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def ledger_of(session: Session, *, member_id: int) -> list[PointsEntry]:
    return list(
        session.exec(
            select(PointsEntry)
            .where(col(PointsEntry.member_id) == member_id)
            .order_by(col(PointsEntry.id))
        )
    )
