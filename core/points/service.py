"""Awarding points: one immutable ledger row and, in the same transaction, the score tables.

`award` is idempotent on (source, source_id): a redelivered update, a double tap or a job run
twice finds the row already there and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, literal_column, text, update
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from core.errors import NotFound
from core.members.models import Member
from core.points.models import MemberScore, PointsEntry, PointsSource, ScoreHistogram, UnitScore
from core.points.rules import DEFAULT_TZ, histogram_keys, scopes_for
from core.storage.upsert import insert_for


@dataclass(frozen=True)
class Score:
    """A member's total in a scope and when they reached it, as an award left them."""

    points: int
    reached_at: datetime


@dataclass(frozen=True)
class Award:
    entry_id: int
    points: int
    created: bool  # False when (source, source_id) had already been awarded
    # the member's scores in every scope the award counted in (empty when not created)
    scores: dict[str, Score] = field(default_factory=dict, compare=False)


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
    unit_members: int | None = None,
) -> Award:
    """`unit_members`, the number of members of the member's unit, when the caller has read
    it already (one query fewer)."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("member_unknown")
    connection = session.connection()
    # ON CONFLICT DO NOTHING: a second award of the source (a redelivery, or a concurrent
    # transaction, which this one waits for) inserts nothing, without a savepoint.
    inserted = connection.execute(
        _entry_insert(connection.dialect.name),
        {
            "member_id": member_id,
            "unit_id": member.unit_id,
            "points": points,
            "source": source,
            "source_id": source_id,
            "campaign_id": campaign_id,
            "extra_scope": extra_scope,
            "created_at": now,
        },
    ).first()
    if inserted is None:
        existing = _find(session, source, source_id)
        assert existing is not None
        return Award(existing.id, existing.points, created=False)  # type: ignore[arg-type]
    entry_id = int(inserted[0])
    if unit_members is None:
        unit_members = connection.execute(_UNIT_MEMBERS, {"unit_id": member.unit_id}).scalar_one()
    scopes = scopes_for(now, campaign_id=campaign_id, extra_scope=extra_scope, tz=tz)
    scores = _add_to_scores(
        connection,
        scopes,
        member_id,
        member.unit_id,
        points,
        now,
        int(unit_members),
        ranked=member.forgotten_at is None,
    )
    return Award(entry_id, points, created=True, scores=scores)


_UNIT_MEMBERS = select(func.count()).where(col(Member.unit_id) == bindparam("unit_id"))


def _entry_insert(dialect: str) -> Any:
    if dialect not in _ENTRY_INSERT:
        ledger = PointsEntry.__table__  # type: ignore[attr-defined]
        _ENTRY_INSERT[dialect] = (
            insert_for(dialect, ledger)
            .on_conflict_do_nothing(index_elements=["source", "source_id"])
            .returning(ledger.c.id)
        )
    return _ENTRY_INSERT[dialect]


_ENTRY_INSERT: dict[str, Any] = {}


def _find(session: Session, source: str, source_id: str) -> PointsEntry | None:
    return session.exec(
        select(PointsEntry).where(
            col(PointsEntry.source) == source, col(PointsEntry.source_id) == source_id
        )
    ).first()


_MEMBER_COLUMNS = ("scope", "member_id", "unit_id", "points", "entries", "reached_at")


def _member_upsert(dialect: str, rows: int, moving: bool) -> Any:
    """The member's rows of `rows` scopes in one statement (built once per dialect, row count
    and kind, so that SQLAlchemy compiles it once), returning each scope's new total. An award
    of 0 points does not move the member (`moving` False): they reached their score before."""
    key = (dialect, rows, moving)
    if key in _MEMBER_UPSERTS:
        return _MEMBER_UPSERTS[key]
    scores = MemberScore.__table__  # type: ignore[attr-defined]
    member = insert_for(dialect, scores).values(
        [
            {c: bindparam(f"r{i}_{c}", type_=scores.c[c].type) for c in _MEMBER_COLUMNS}
            for i in range(rows)
        ]
    )
    member_set = {
        "points": scores.c.points + member.excluded.points,
        "entries": scores.c.entries + literal_column("1"),
        "unit_id": member.excluded.unit_id,
    }
    if moving:
        member_set["reached_at"] = member.excluded.reached_at
    statement = member.on_conflict_do_update(
        index_elements=["scope", "member_id"], set_=member_set
    ).returning(scores.c.scope, scores.c.points, scores.c.entries, scores.c.reached_at)
    # SQLAlchemy compiles a multi-row VALUES on every execution; its text, typed as the
    # statement is, is compiled once.
    named = (PGDialect if dialect == "postgresql" else SQLiteDialect)(paramstyle="named")
    _MEMBER_UPSERTS[key] = (
        text(str(statement.compile(dialect=named)))
        .bindparams(
            *(
                bindparam(f"r{i}_{c}", type_=scores.c[c].type)
                for c in _MEMBER_COLUMNS
                for i in range(rows)
            )
        )
        .columns(scores.c.scope, scores.c.points, scores.c.entries, scores.c.reached_at)
    )
    return _MEMBER_UPSERTS[key]


_MEMBER_UPSERTS: dict[tuple[str, int, bool], Any] = {}


def adding_upsert(
    dialect: str,
    table: Any,
    key: tuple[str, ...],
    added: tuple[str, ...],
    replaced: tuple[str, ...] = (),
    *,
    reached: bool = False,
) -> Any:
    """An INSERT of one row of a score table (each column a parameter of its name) that, on
    the row already at `key`, adds the `added` columns and sets the `replaced` ones; with
    `reached`, its `reached_at` too, but only when points are added: an award of 0 points
    does not move a score, it was reached before (as `points.held.score_after`)."""
    columns = (*key, *added, *replaced, *(("reached_at",) if reached else ()))
    upsert = insert_for(dialect, table).values({c: bindparam(c) for c in columns})
    new = upsert.excluded
    change = {c: table.c[c] + new[c] for c in added} | {c: new[c] for c in replaced}
    if reached:
        change["reached_at"] = case((new.points != 0, new.reached_at), else_=table.c.reached_at)
    return upsert.on_conflict_do_update(index_elements=list(key), set_=change)


def _upserts(dialect: str) -> tuple[Any, Any]:
    """The histogram and unit upserts of an award, built once per dialect; each runs with one
    parameter set per histogram row (or scope)."""
    if dialect in _UPSERTS:
        return _UPSERTS[dialect]
    histogram = ScoreHistogram.__table__  # type: ignore[attr-defined]
    bump = adding_upsert(dialect, histogram, ("scope", "level", "key"), ("members",))
    units = UnitScore.__table__  # type: ignore[attr-defined]
    unit = adding_upsert(
        dialect,
        units,
        ("scope", "unit_id"),
        ("points", "participants"),
        ("members",),
        reached=True,
    )
    _UPSERTS[dialect] = (bump, unit)
    return _UPSERTS[dialect]


_UPSERTS: dict[str, tuple[Any, Any]] = {}


def _add_to_scores(
    connection: Connection,
    scopes: list[str],
    member_id: int,
    unit_id: int,
    points: int,
    now: datetime,
    unit_members: int,
    *,
    ranked: bool = True,
) -> dict[str, Score]:
    """The member's rows, the histogram rows and the unit's rows of every scope, in a fixed
    order (scope, level, key) so that concurrent awards cannot deadlock: three statements.
    A forgotten member (`ranked` False) keeps their rows and their unit's totals, and is
    counted in no histogram: ranks are among current members."""
    dialect = connection.dialect.name
    bump, unit = _upserts(dialect)
    ordered = sorted(scopes)
    values = (member_id, unit_id, points, 1, now)
    found = connection.execute(
        _member_upsert(dialect, len(ordered), bool(points)),
        {
            f"r{i}_{c}": v
            for i, scope in enumerate(ordered)
            for c, v in zip(_MEMBER_COLUMNS, (scope, *values), strict=True)
        },
    ).all()
    scores: dict[str, Score] = {}
    first_in: set[str] = set()
    changes: dict[tuple[str, int, int], int] = {}
    for scope, new_points, entries, reached_at in found:
        scores[scope] = Score(new_points, reached_at)
        if entries == 1:
            first_in.add(scope)
        elif not points:
            continue
        else:
            for level, key in histogram_keys(new_points - points):
                changes[(scope, level, key)] = changes.get((scope, level, key), 0) - 1
        for level, key in histogram_keys(new_points):
            changes[(scope, level, key)] = changes.get((scope, level, key), 0) + 1
    rows = [
        {"scope": scope, "level": level, "key": key, "members": delta}
        for (scope, level, key), delta in sorted(changes.items())
        if delta
    ]
    if rows and ranked:
        connection.execute(bump, rows)
    connection.execute(
        unit,
        [
            {
                "scope": scope,
                "unit_id": unit_id,
                "points": points,
                "participants": int(scope in first_in),
                "members": unit_members,
                "reached_at": now,
            }
            for scope in ordered
        ],
    )
    return scores


def unrank(session: Session, *, member_id: int) -> None:
    """A member being forgotten leaves the ranks: their scores stay (the union's results and
    the units' totals are unchanged) and are taken out of every histogram, so that "3/40"
    counts current members only."""
    connection = session.connection()
    bump, _unit = _upserts(connection.dialect.name)
    held = session.exec(
        select(MemberScore.scope, MemberScore.points).where(MemberScore.member_id == member_id)
    ).all()
    changes: dict[tuple[str, int, int], int] = {}
    for scope, held_points in held:
        for level, key in histogram_keys(held_points):
            changes[(scope, level, key)] = changes.get((scope, level, key), 0) - 1
    rows = [
        {"scope": scope, "level": level, "key": key, "members": delta}
        for (scope, level, key), delta in sorted(changes.items())
    ]
    if rows:
        connection.execute(bump, rows)


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
