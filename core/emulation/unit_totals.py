"""The kept units' totals of a reporting period (core/emulation/total_models.py) as the reply
to a last figure reads them: the period's rows filled in full the first time it is asked (or
after a change dropped them), the stale units' totals recomputed one unit at a time, then the
reporter's unit ranked by one query over the period's rows. The computing is the caller's
(core/emulation/unit_standing.py); core/emulation/total_marks.py marks and drops the rows.
On PostgreSQL the first fill takes the campaign's advisory lock without waiting (`may_fill`):
with a mark of the campaign in flight, the reply is ranked among totals computed now and
nothing is kept; a mark made during the fill waits for its commit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, insert, update
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.emulation.total_models import StandingPeriod, UnitTotal
from core.storage.upsert import dialect_name, insert_for

# the advisory locks of the kept totals on PostgreSQL: (FILL_LOCK, campaign id)
FILL_LOCK = 0x7107


def due_key(due: Iterable[tuple[int, str]]) -> str:
    """The period's key: the criteria due (in force) with their periods, hashed."""
    text = ",".join(f"{c}:{p}" for c, p in sorted(due))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _period(session: Session, campaign_id: int, key: str) -> StandingPeriod | None:
    return session.exec(
        select(StandingPeriod).where(
            StandingPeriod.campaign_id == campaign_id, StandingPeriod.due_key == key
        )
    ).first()


def fill(
    session: Session,
    campaign_id: int,
    key: str,
    due_on: date,
    found: dict[int, Decimal],
    units: set[int],
) -> int:
    """Keep a period's totals computed in full (`units`: every unit that can have one); the
    period's id (another transaction's, when it kept them first)."""
    statement = (
        insert_for(session, StandingPeriod)
        .values(campaign_id=campaign_id, due_key=key, due_on=due_on, computed_at=utcnow())
        .on_conflict_do_nothing()
    )
    made = session.execute(statement).rowcount  # type: ignore[attr-defined]
    period = _period(session, campaign_id, key)
    assert period is not None
    if made:
        rows = [
            {"period_id": period.id, "campaign_id": campaign_id, "unit_id": u}
            | {"total": found.get(u), "stale": 0}
            for u in sorted(units | set(found))
        ]
        session.execute(insert(UnitTotal), rows)
    return period.id  # type: ignore[return-value]


def may_fill(session: Session, campaign_id: int) -> bool:
    """Whether this transaction may keep the campaign's totals computed now. On PostgreSQL a
    transaction that marks a campaign's totals holds a shared advisory lock on it until it
    commits (core/emulation/total_marks.py): a filler takes it exclusively, without waiting,
    so that no mark is in flight while it computes, and every mark made until it commits
    waits and then sees its rows. If another transaction holds it, nothing is kept this time
    (another reply will). SQLite has one writer: nothing can be in flight."""
    if dialect_name(session) != "postgresql":
        return True
    statement = select(func.pg_try_advisory_xact_lock(FILL_LOCK, campaign_id))
    return bool(session.execute(statement).scalar_one())


def _ranked(found: dict[int, Decimal], unit_id: int, total: Decimal) -> tuple[int, int]:
    """(rank, units ranked) of the unit among totals computed now (none kept)."""
    others = [t for u, t in found.items() if u != unit_id and t is not None]
    return sum(1 for t in others if t > total) + 1, len(others) + 1


def _refresh(session: Session, period_id: int, compute: Callable[[int], Decimal | None]) -> None:
    """Recompute the period's stale rows, each unit alone; a row marked again meanwhile (by
    another transaction) stays stale."""
    stale = session.execute(
        select(UnitTotal.id, UnitTotal.unit_id, UnitTotal.stale).where(
            UnitTotal.period_id == period_id, col(UnitTotal.stale) > 0
        )
    ).all()
    for row_id, unit_id, seen in stale:
        session.execute(
            update(UnitTotal)
            .where(col(UnitTotal.id) == row_id, col(UnitTotal.stale) == seen)
            .values(total=compute(unit_id), stale=0)
            .execution_options(synchronize_session=False)
        )


def _keep_own(
    session: Session, campaign_id: int, period_id: int, unit_id: int, total: Decimal | None
) -> None:
    """The reporter's unit's total, just computed, kept (its row added if it had none). Its
    stale mark stays: another transaction may have marked it since this one read."""
    statement = (
        insert_for(session, UnitTotal)
        .values(period_id=period_id, campaign_id=campaign_id, unit_id=unit_id, total=total, stale=0)
        .on_conflict_do_update(index_elements=["period_id", "unit_id"], set_={"total": total})
    )
    session.execute(statement)


def rank(
    session: Session,
    *,
    campaign_id: int,
    key: str,
    due_on: date,
    unit_id: int,
    total: Decimal | None,
    compute_all: Callable[[], tuple[dict[int, Decimal], set[int]]],
    compute_one: Callable[[int], Decimal | None],
) -> tuple[int, int] | None:
    """(rank, units ranked) of the unit with `total` among the period's kept totals (equal
    totals share the better rank), the totals filled or refreshed first."""
    period = _period(session, campaign_id, key)
    if period is None and not may_fill(session, campaign_id):
        found, _units = compute_all()
        return None if total is None else _ranked(found, unit_id, total)
    if period is None:
        found, units = compute_all()
        period_id = fill(session, campaign_id, key, due_on, found, units)
    else:
        period_id = period.id  # type: ignore[assignment]
        _refresh(session, period_id, lambda u: total if u == unit_id else compute_one(u))
    _keep_own(session, campaign_id, period_id, unit_id, total)
    if total is None:
        return None
    others = col(UnitTotal.unit_id) != unit_id
    ahead, ranked = session.execute(
        select(
            func.count(case((and_(others, col(UnitTotal.total) > total), 1))),
            func.count(case((others, UnitTotal.total))),
        ).where(UnitTotal.period_id == period_id)
    ).one()
    return ahead + 1, ranked + 1


def kept(session: Session, campaign_id: int, key: str) -> dict[int, Decimal] | None:
    """The period's kept totals as they stand (for checking them), None if not kept."""
    period = _period(session, campaign_id, key)
    if period is None:
        return None
    rows = session.execute(
        select(UnitTotal.unit_id, UnitTotal.total, UnitTotal.stale).where(
            UnitTotal.period_id == period.id
        )
    ).all()
    return {u: t for u, t, _s in rows if t is not None}
