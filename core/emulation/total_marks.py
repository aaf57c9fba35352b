"""Keeping the units' period totals (core/emulation/total_models.py) true: in the transaction
that changes what a unit's total is made of, the kept totals it can move are marked stale, or
dropped when the change can move many units.

- A figure or a correction marks its unit's rows in the campaign's kept periods (a row is
  added, stale, where the unit had none); a pledge or its targets, the pledger's unit's.
- A member joining, leaving, moving, using /forget or changing worker group marks the rows of
  the unit it leaves and of the unit it joins, in every campaign: a unit's total is made of
  its own members' lines only (core/emulation/unit_standing.py), so no other unit moves.
- A unit's kind, closing or declared size marks its own rows, in every campaign.
- A unit moved (its place in the tree) drops the kept totals of the campaigns whose audience
  held it before or holds it now (and of those within it); a campaign's criteria, audience or
  dates drop that campaign's.
- A bulk statement (`session.execute(update(...))`) on those tables drops every campaign's:
  its rows are not known here (a unit's subtree moved, a tree imported: rare).

Dropped totals are recomputed in full when next read, stale rows one unit at a time.
On PostgreSQL a mark of known campaigns (a figure, a pledge, a drop) first takes the
campaign's shared advisory lock, which a transaction filling its totals for the first time
holds exclusively (unit_totals.may_fill): a mark never races a fill. A member's or a unit's
marks (of every campaign) and bulk drops take none.
It listens to every Session's flushes and to its bulk statements, so no writer has to
remember it (docs/architecture.md says what that costs); a writer that bypasses the Session
(raw SQL on a connection) must mark or drop the totals itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Integer,
    Table,
    bindparam,
    cast,
    delete,
    event,
    func,
    inspect,
    literal_column,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from core.campaigns.models import Campaign
from core.emulation.models import (
    EmulationCriterion,
    EmulationPledge,
    EmulationReport,
    PledgeTarget,
)
from core.emulation.total_models import StandingPeriod, UnitTotal
from core.emulation.unit_totals import FILL_LOCK
from core.members.models import Member, UnionUnit
from core.members.rules import child_path
from core.storage.upsert import dialect_name, insert_for

# the fields a unit's total, its rank or the units ranked depend on
MEMBER_FIELDS = frozenset({"unit_id", "onboarded_at", "forgotten_at", "worker_group"})
UNIT_FIELDS = frozenset({"kind", "closed_at", "declared_members"})  # the unit's own total
PLACE_FIELDS = frozenset({"path", "parent_id"})  # which campaigns' audiences hold the unit
CAMPAIGN_FIELDS = frozenset({"unit_id", "include_subtree", "target_groups", "starts_on", "ends_on"})
REPORT_FIELDS = frozenset(
    {"campaign_id", "criterion_id", "period", "unit_id", "member_id", "value", "superseded_at"}
)
# the tables whose bulk statements drop every kept total (their fields as above, or any)
BULK: dict[str, frozenset[str] | None] = {
    "member": MEMBER_FIELDS,
    "union_unit": UNIT_FIELDS | PLACE_FIELDS,
    "campaign": CAMPAIGN_FIELDS,
    "emulation_report": REPORT_FIELDS,
    "emulation_criterion": None,
    "emulation_pledge": None,
    "emulation_pledge_target": None,
}
# the classes whose rows can move a kept total: anything else in a flush is passed over
WATCHED = (
    EmulationReport,
    EmulationPledge,
    PledgeTarget,
    EmulationCriterion,
    Campaign,
    Member,
    UnionUnit,
)
KEY = "emulation_total_marks"


@dataclass
class Marks:
    everything: bool = False
    campaigns: set[int] = field(default_factory=set)
    units: set[tuple[int, int]] = field(default_factory=set)  # (campaign, unit)
    pledgers: set[tuple[int, int]] = field(default_factory=set)  # (campaign, member)
    pledges: set[int] = field(default_factory=set)
    unit_rows: set[int] = field(default_factory=set)  # units marked in every campaign
    places: set[str] = field(default_factory=set)  # paths a moved unit left or took
    left: set[tuple[int, int]] = field(default_factory=set)  # (unit, the parent it left)


def _changed(obj: Any, fields: frozenset[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _before(obj: Any, name: str) -> Any:
    """The field as it was loaded (the unit or campaign a row leaves), else as it is."""
    deleted = inspect(obj).attrs[name].history.deleted
    return deleted[0] if deleted else getattr(obj, name)


def _note_emulation(marks: Marks, obj: Any, new: bool) -> None:
    if isinstance(obj, EmulationReport):
        if new or _changed(obj, REPORT_FIELDS):
            marks.units.add((obj.campaign_id, obj.unit_id))
            marks.units.add((_before(obj, "campaign_id"), _before(obj, "unit_id")))
    elif isinstance(obj, EmulationPledge):
        marks.pledgers.add((obj.campaign_id, obj.member_id))
    elif isinstance(obj, PledgeTarget):
        marks.pledges.add(obj.pledge_id)
    elif isinstance(obj, EmulationCriterion):
        marks.campaigns.add(obj.campaign_id)
    elif isinstance(obj, Campaign) and not new and _changed(obj, CAMPAIGN_FIELDS):
        marks.campaigns.add(obj.id)  # type: ignore[arg-type]


def _note_member(marks: Marks, obj: Member, new: bool) -> None:
    """A member's lines are on their unit: the units it leaves and joins are marked."""
    if new or _changed(obj, MEMBER_FIELDS):
        marks.unit_rows.update((obj.unit_id, _before(obj, "unit_id")))


def _note_unit(marks: Marks, obj: UnionUnit, new: bool) -> None:
    if new:
        return  # no member, no figure yet: its rows come with its first figure
    was = _before(obj, "path")
    if was and _changed(obj, PLACE_FIELDS):  # moved (a unit given its first path is not)
        marks.places.update((obj.path, was))
        parent = _before(obj, "parent_id")
        if parent is not None and parent != obj.parent_id:
            marks.left.add((obj.id, parent))  # type: ignore[arg-type]
    if _changed(obj, UNIT_FIELDS):
        marks.unit_rows.add(obj.id)  # type: ignore[arg-type]


def _note(marks: Marks, obj: Any, new: bool) -> None:
    if isinstance(obj, Member):
        _note_member(marks, obj, new)
    elif isinstance(obj, UnionUnit):
        _note_unit(marks, obj, new)
    else:
        _note_emulation(marks, obj, new)


def _note_deleted(marks: Marks, obj: Any) -> None:
    if isinstance(obj, Campaign):
        marks.campaigns.add(obj.id)  # type: ignore[arg-type]
    elif isinstance(obj, UnionUnit):
        marks.unit_rows.add(obj.id)  # type: ignore[arg-type]
    else:
        _note(marks, obj, new=True)


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    marks = None
    for obj in session.new:
        if isinstance(obj, WATCHED) and (not isinstance(obj, Member) or obj.onboarded_at):
            marks = marks or session.info.setdefault(KEY, Marks())
            _note(marks, obj, new=True)
    for obj in session.dirty:
        if isinstance(obj, WATCHED) and session.is_modified(obj):
            marks = marks or session.info.setdefault(KEY, Marks())
            _note(marks, obj, new=False)
    for obj in session.deleted:
        if isinstance(obj, WATCHED):
            marks = marks or session.info.setdefault(KEY, Marks())
            _note_deleted(marks, obj)


def drop(session: Session | Connection, campaigns: set[int] | None = None) -> None:
    """Forget the kept totals (of `campaigns`, or all): recomputed in full when next asked."""
    rows, periods = delete(UnitTotal), delete(StandingPeriod)
    if campaigns is not None:
        rows = rows.where(UnitTotal.campaign_id.in_(campaigns))  # type: ignore[attr-defined]
        periods = periods.where(StandingPeriod.campaign_id.in_(campaigns))  # type: ignore[attr-defined]
    connection = session.connection() if isinstance(session, Session) else session
    connection.execute(rows)
    connection.execute(periods)


def _stale(unit: Any, campaign: Any) -> Any:
    return (
        update(UnitTotal)
        .where(UnitTotal.campaign_id == campaign, UnitTotal.unit_id == unit)  # type: ignore[arg-type]
        .values(stale=UnitTotal.stale + 1)
        .execution_options(synchronize_session=False)
    )


def _stale_or_added(connection: Connection) -> Any:
    """The unit's rows in the campaign's kept periods marked stale, added (stale, no total)
    where it had none: a unit's first figure after the period was filled."""
    periods = select(
        StandingPeriod.id,
        cast(bindparam("c"), Integer),
        cast(bindparam("u"), Integer),
        literal_column("1"),
    ).where(StandingPeriod.campaign_id == bindparam("c"))
    statement = insert_for(connection, UnitTotal).from_select(
        ["period_id", "campaign_id", "unit_id", "stale"], periods
    )
    return statement.on_conflict_do_update(
        index_elements=["period_id", "unit_id"], set_={"stale": UnitTotal.stale + 1}
    )


def _mark_units(connection: Connection, units: Iterable[int]) -> None:
    """The units' rows in every campaign's kept periods marked stale."""
    wanted = sorted(u for u in set(units) if u is not None)
    if wanted:
        kept = select(StandingPeriod.campaign_id).distinct()
        connection.execute(
            update(UnitTotal)
            .where(
                UnitTotal.campaign_id.in_(kept),  # type: ignore[attr-defined]
                UnitTotal.unit_id.in_(wanted),  # type: ignore[attr-defined]
            )
            .values(stale=UnitTotal.stale + 1)
        )


def _holding(connection: Connection, marks: Marks) -> set[int]:
    """The campaigns with kept totals whose audience held a moved unit before, or holds it
    now, and those within a moved unit."""
    places = {p for p in marks.places if p}
    parents = {parent for _unit, parent in marks.left}
    if parents:
        found = dict(
            connection.execute(
                select(UnionUnit.id, UnionUnit.path).where(UnionUnit.id.in_(parents))  # type: ignore[attr-defined]
            ).all()
        )
        places |= {child_path(found[p], u) for u, p in marks.left if p in found}
    tops = connection.execute(
        select(Campaign.id, UnionUnit.path)
        .join(UnionUnit, UnionUnit.id == Campaign.unit_id)  # type: ignore[arg-type]
        .where(Campaign.id.in_(select(StandingPeriod.campaign_id)))  # type: ignore[union-attr]
    ).all()
    return {c for c, top in tops if any(p.startswith(top) or top.startswith(p) for p in places)}


def _pledgers_of(connection: Connection, pledges: set[int]) -> set[tuple[int, int]]:
    """(campaign, member) of the pledges whose targets changed."""
    if not pledges:
        return set()
    of = select(EmulationPledge.campaign_id, EmulationPledge.member_id).where(
        EmulationPledge.id.in_(pledges)  # type: ignore[attr-defined]
    )
    return {(c, m) for c, m in connection.execute(of)}


def _guard(connection: Connection, campaigns: Iterable[int]) -> None:
    """On PostgreSQL, the shared advisory lock of each campaign marked, held to the commit:
    a transaction filling a campaign's kept totals (unit_totals.may_fill) is not computing
    while a mark is in flight, and a mark made while it fills waits to see its rows."""
    if dialect_name(connection) == "postgresql":
        for campaign in sorted(set(campaigns)):
            connection.execute(select(func.pg_advisory_xact_lock_shared(FILL_LOCK, campaign)))


def _apply(session: Session, marks: Marks) -> None:
    if marks.everything:
        drop(session)
        return
    connection = session.connection()
    if marks.places:
        marks.campaigns |= _holding(connection, marks)
    of_pledges = _pledgers_of(connection, marks.pledges)
    marked = {c for c, _unit in marks.units} | {c for c, _m in marks.pledgers | of_pledges}
    _guard(connection, marks.campaigns | marked)
    if marks.campaigns:
        drop(connection, marks.campaigns)
    _mark_units(connection, marks.unit_rows)
    units = sorted(u for u in marks.units if u[0] not in marks.campaigns)
    if units:
        connection.execute(_stale_or_added(connection), [{"c": c, "u": u} for c, u in units])
    moving = select(Member.unit_id).where(Member.id == bindparam("m")).scalar_subquery()
    pledgers = sorted(p for p in marks.pledgers if p[0] not in marks.campaigns)
    if pledgers:
        connection.execute(_stale(moving, bindparam("c")), [{"c": c, "m": m} for c, m in pledgers])
    found = {(c, m) for c, m in of_pledges - set(pledgers) if c not in marks.campaigns}
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
