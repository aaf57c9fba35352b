"""Keeping the units' period totals (core/emulation/total_models.py) true: in the transaction
that changes what a unit's total is made of, its kept totals are marked stale (a figure, a
correction, a pledge or its targets) or, when the change can move any unit (a member's unit,
audience or /forget, a unit's place, kind or declared size, a campaign's criteria or audience),
the kept totals are dropped (of the campaign, or all) and recomputed in full when next read.

It listens to every Session's flushes and to its bulk statements, so no writer has to
remember it; a writer that bypasses the Session (raw SQL on a connection) must drop the
totals itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, delete, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from core.campaigns.models import Campaign
from core.emulation.models import (
    EmulationCriterion,
    EmulationPledge,
    EmulationReport,
    PledgeTarget,
)
from core.emulation.total_models import StandingPeriod, UnitTotal
from core.members.models import Member, UnionUnit

# the fields a unit's total, its rank or the units ranked depend on
MEMBER_FIELDS = frozenset({"unit_id", "onboarded_at", "forgotten_at", "worker_group"})
UNIT_FIELDS = frozenset({"path", "parent_id", "kind", "closed_at", "declared_members"})
CAMPAIGN_FIELDS = frozenset({"unit_id", "include_subtree", "target_groups", "starts_on", "ends_on"})
REPORT_FIELDS = frozenset(
    {"campaign_id", "criterion_id", "period", "unit_id", "member_id", "value", "superseded_at"}
)
# the tables whose bulk statements drop every kept total (their fields as above, or any)
BULK: dict[str, frozenset[str] | None] = {
    "member": MEMBER_FIELDS,
    "union_unit": UNIT_FIELDS,
    "campaign": CAMPAIGN_FIELDS,
    "emulation_report": REPORT_FIELDS,
    "emulation_criterion": None,
    "emulation_pledge": None,
    "emulation_pledge_target": None,
}
KEY = "emulation_total_marks"


@dataclass
class Marks:
    everything: bool = False
    campaigns: set[int] = field(default_factory=set)
    units: set[tuple[int, int]] = field(default_factory=set)  # (campaign, unit)
    pledgers: set[tuple[int, int]] = field(default_factory=set)  # (campaign, member)
    pledges: set[int] = field(default_factory=set)


def _changed(obj: Any, fields: frozenset[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _before(obj: Any) -> dict[str, Any]:
    """The object's fields as they were loaded (for a unit or member it leaves)."""
    state = inspect(obj)
    found = {}
    for name in ("unit_id", "campaign_id"):
        if name in state.attrs:
            deleted = state.attrs[name].history.deleted
            if deleted:
                found[name] = deleted[0]
    return found


def _note(marks: Marks, obj: Any, new: bool) -> None:
    if isinstance(obj, EmulationReport):
        if new or _changed(obj, REPORT_FIELDS):
            was = _before(obj)
            marks.units.add((obj.campaign_id, obj.unit_id))
            marks.units.add(
                (was.get("campaign_id", obj.campaign_id), was.get("unit_id", obj.unit_id))
            )
    elif isinstance(obj, EmulationPledge):
        marks.pledgers.add((obj.campaign_id, obj.member_id))
    elif isinstance(obj, PledgeTarget):
        marks.pledges.add(obj.pledge_id)
    elif isinstance(obj, EmulationCriterion):
        marks.campaigns.add(obj.campaign_id)
    elif isinstance(obj, Campaign):
        if not new and _changed(obj, CAMPAIGN_FIELDS):
            marks.campaigns.add(obj.id)  # type: ignore[arg-type]
    elif isinstance(obj, Member):
        if (obj.onboarded_at is not None) if new else _changed(obj, MEMBER_FIELDS):
            marks.everything = True
    elif isinstance(obj, UnionUnit) and (new or _changed(obj, UNIT_FIELDS)):
        marks.everything = True


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    marks = session.info.setdefault(KEY, Marks())
    for obj in session.new:
        _note(marks, obj, new=True)
    for obj in session.dirty:
        if session.is_modified(obj):
            _note(marks, obj, new=False)
    for obj in session.deleted:
        _note(marks, obj, new=True)
        if isinstance(obj, (Member, Campaign)):
            marks.everything = True


def drop(session: Session, campaigns: set[int] | None = None) -> None:
    """Forget the kept totals (of `campaigns`, or all): recomputed in full when next asked."""
    rows, periods = delete(UnitTotal), delete(StandingPeriod)
    if campaigns is not None:
        rows = rows.where(UnitTotal.campaign_id.in_(campaigns))  # type: ignore[attr-defined]
        periods = periods.where(StandingPeriod.campaign_id.in_(campaigns))  # type: ignore[attr-defined]
    connection = session.connection()
    connection.execute(rows)
    connection.execute(periods)


def _stale(unit: Any, campaign: Any) -> Any:
    return (
        update(UnitTotal)
        .where(UnitTotal.campaign_id == campaign, UnitTotal.unit_id == unit)  # type: ignore[arg-type]
        .values(stale=UnitTotal.stale + 1)
        .execution_options(synchronize_session=False)
    )


def _apply(session: Session, marks: Marks) -> None:
    if marks.everything:
        drop(session)
        return
    if marks.campaigns:
        drop(session, marks.campaigns)
    connection = session.connection()
    units = sorted(u for u in marks.units if u[0] not in marks.campaigns)
    if units:
        connection.execute(
            _stale(bindparam("u"), bindparam("c")), [{"c": c, "u": u} for c, u in units]
        )
    moving = select(Member.unit_id).where(Member.id == bindparam("m")).scalar_subquery()
    pledgers = sorted(p for p in marks.pledgers if p[0] not in marks.campaigns)
    if pledgers:
        connection.execute(_stale(moving, bindparam("c")), [{"c": c, "m": m} for c, m in pledgers])
    if marks.pledges:
        of = select(EmulationPledge.campaign_id, EmulationPledge.member_id).where(
            EmulationPledge.id.in_(marks.pledges)  # type: ignore[attr-defined]
        )
        found = {(c, m) for c, m in connection.execute(of)} - set(pledgers)
        if found:
            connection.execute(
                _stale(moving, bindparam("c")), [{"c": c, "m": m} for c, m in sorted(found)]
            )


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    marks = session.info.pop(KEY, None)
    if marks is not None:
        _apply(session, marks)


def _bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table) or table.name not in BULK:
        return
    fields = BULK[table.name]
    values = getattr(state.statement, "_values", None)
    if state.is_update and fields is not None and values:
        names = {getattr(k, "key", k) for k in values}
        if not names & fields:
            return
    drop(state.session)


# (event, listener) on every Session; tests that run below migration 0028 stand them aside
LISTENERS = (
    ("before_flush", _before_flush),
    ("after_flush", _after_flush),
    ("do_orm_execute", _bulk),
)
for _name, _listener in LISTENERS:
    event.listen(Session, _name, _listener)
