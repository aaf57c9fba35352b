"""Who belongs to a unit and its subtree, a page at a time: the members who joined (verified on
the roster or self-declared) searched by name without diacritics, and the counts an officer
reads beside them: verified, self-declared, and roster entries not yet on the bot."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import tuple_
from sqlmodel import Session, col, func, select

from core.errors import InvalidInput
from core.members import service as members
from core.members.models import Member, RosterEntry, UnionUnit
from core.members.rules import key_of


@dataclass(frozen=True)
class Counts:
    verified: int  # joined and found on the roster
    self_declared: int  # joined, not found on the roster (or no roster)
    not_on_bot: int  # on the roster, nobody has claimed the entry yet

    @property
    def joined(self) -> int:
        return self.verified + self.self_declared


WIDE = 30  # units in a subtree above which its members are read along the whole indexes


def subtree_ids(session: Session, unit: UnionUnit) -> list[int]:
    """The ids of the unit and every unit below it (given to the member queries as a list:
    with a subquery PostgreSQL guesses a handful of units and scans every member)."""
    return list(session.exec(select(UnionUnit.id).where(members.subtree_filter(unit))))  # type: ignore[arg-type]


def _joined(unit_ids: list[int]):  # type: ignore[no-untyped-def]
    """The current members of these units. Over `WIDE` units (a federation, a district) the
    unit is tested as an expression, so that no database walks the unit's index unit by unit
    (and sorts all it finds) instead of scanning the covering indexes: `ix_member_current_unit`
    for a count, `ix_member_current_name` in the order of names for a page."""
    unit_id = func.coalesce(Member.unit_id, 0) if len(unit_ids) > WIDE else col(Member.unit_id)
    return select(Member).where(
        unit_id.in_(unit_ids),
        col(Member.onboarded_at).is_not(None),
        col(Member.forgotten_at).is_(None),
    )


def counts(session: Session, *, unit: UnionUnit, unit_ids: list[int] | None = None) -> Counts:
    """`unit_ids`: the subtree's ids (`subtree_ids`) when the caller has read them already."""
    unit_ids = subtree_ids(session, unit) if unit_ids is None else unit_ids
    joined = _joined(unit_ids).with_only_columns(func.count(), func.count(col(Member.verified_at)))
    total, verified = session.execute(joined).one()
    waiting = session.exec(
        select(func.count())
        .select_from(RosterEntry)
        .where(
            col(RosterEntry.unit_id).in_(unit_ids),
            col(RosterEntry.member_id).is_(None),
            col(RosterEntry.removed_at).is_(None),
        )
    ).one()
    return Counts(int(verified), int(total) - int(verified), int(waiting))


@dataclass(frozen=True)
class KeysetPage:
    """A page read from a member's place in the order of names (not by counting rows from the
    start, which a page deep in a federation's list would pay for): its links carry the id of
    its last member (next) or first member (previous)."""

    members: list[Member]
    total: int  # how many match (all pages)
    number: int  # the page's number, carried along by the links
    per_page: int
    has_prev: bool
    has_next: bool

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_id(self) -> int | None:
        return self.members[0].id if self.members else None

    @property
    def last_id(self) -> int | None:
        return self.members[-1].id if self.members else None


def _matching(session: Session, unit_ids: list[int], q: str, counted: Counts | None):  # type: ignore[no-untyped-def]
    """The members of the units whose folded name contains `q`, and how many they are (the
    counts already made when there is no search)."""
    wanted = key_of(q)
    query = _joined(unit_ids)
    if wanted:
        query = query.where(col(Member.name_key).contains(wanted, autoescape=True))
    if counted is not None and not wanted:
        return query, counted.joined
    return query, session.exec(query.with_only_columns(func.count())).one()  # type: ignore[call-overload]


def keyset_page(
    session: Session,
    *,
    unit: UnionUnit,
    q: str = "",
    after: int | None = None,
    before: int | None = None,
    number: int = 1,
    per_page: int = 50,
    counted: Counts | None = None,
    unit_ids: list[int] | None = None,
) -> KeysetPage:
    """The members after the member `after` (or before the member `before`) in the order of
    names and ids, matching `q` (a part of the name without case or diacritics: the folded
    name kept beside the name); without either (or with a member who is no longer listed),
    the first page. Each page is a range of `ix_member_current_name`."""
    query, total = _matching(
        session, subtree_ids(session, unit) if unit_ids is None else unit_ids, q, counted
    )
    key = tuple_(col(Member.full_name), col(Member.id))
    anchor_id = after if after is not None else before
    anchor = (
        session.execute(select(Member.full_name).where(col(Member.id) == anchor_id)).scalar()
        if anchor_id is not None
        else None
    )
    if anchor is None:
        rows = session.exec(
            query.order_by(col(Member.full_name), col(Member.id)).limit(per_page + 1)
        ).all()
        found = list(rows[:per_page])
        return KeysetPage(found, int(total), 1, per_page, False, len(rows) > per_page)
    at = tuple_(anchor, anchor_id)
    by_name = (col(Member.full_name), col(Member.id))
    if after is not None:
        rows = session.exec(query.where(key > at).order_by(*by_name).limit(per_page + 1)).all()
        found = list(rows[:per_page])
        return KeysetPage(found, int(total), max(2, number), per_page, True, len(rows) > per_page)
    rows = session.exec(
        query.where(key < at)
        .order_by(col(Member.full_name).desc(), col(Member.id).desc())
        .limit(per_page + 1)
    ).all()
    found = list(reversed(rows[:per_page]))
    more = len(rows) > per_page
    return KeysetPage(found, int(total), max(2, number) if more else 1, per_page, more, True)


@dataclass(frozen=True)
class Cursor:
    """A place in the order of names and ids, carried by the API as an opaque string: the
    name and id of the last member of a page (`forward`: the next page starts after it) or of
    its first (the previous page ends before it). It holds the values, not a member to look
    up, so a page goes on from the same place even when that member was renamed or removed
    meanwhile, and a member added between two pages appears once, where their name falls."""

    name: str
    member_id: int
    forward: bool = True

    def encode(self) -> str:
        raw = json.dumps(["a" if self.forward else "b", self.name, self.member_id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            padded = text + "=" * (-len(text) % 4)
            way, name, member_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except (ValueError, TypeError) as exc:
            raise InvalidInput("bad_cursor") from exc
        if way not in ("a", "b") or not isinstance(name, str) or type(member_id) is not int:
            raise InvalidInput("bad_cursor")
        return cls(name, member_id, way == "a")


@dataclass(frozen=True)
class CursorPage:
    members: list[Member]
    total: int  # how many match (all pages)
    next: Cursor | None  # None: this is the last page
    prev: Cursor | None  # None: this is the first page


def cursor_page(
    session: Session,
    *,
    unit: UnionUnit,
    q: str = "",
    cursor: Cursor | None = None,
    per_page: int = 50,
    counted: Counts | None = None,
) -> CursorPage:
    """The page after (or before) `cursor` in the order of names and ids, matching `q` as
    `keyset_page` does; without a cursor, the first page. A range of `ix_member_current_name`."""
    query, total = _matching(session, subtree_ids(session, unit), q, counted)
    key = tuple_(col(Member.full_name), col(Member.id))
    forward = cursor is None or cursor.forward
    if cursor is not None:
        at = tuple_(cursor.name, cursor.member_id)
        query = query.where(key > at if forward else key < at)
    order = (col(Member.full_name), col(Member.id))
    if not forward:
        order = (col(Member.full_name).desc(), col(Member.id).desc())
    rows = list(session.exec(query.order_by(*order).limit(per_page + 1)).all())
    more = len(rows) > per_page
    found = rows[:per_page] if forward else list(reversed(rows[:per_page]))
    if not found:
        return CursorPage([], int(total), None, None)
    first, last = found[0], found[-1]
    after = (forward and more) or (not forward and cursor is not None)
    before = (not forward and more) or (forward and cursor is not None)
    return CursorPage(
        found,
        int(total),
        Cursor(last.full_name or "", last.id, True) if after else None,  # type: ignore[arg-type]
        Cursor(first.full_name or "", first.id, False) if before else None,  # type: ignore[arg-type]
    )


class Basis(StrEnum):
    """What a unit's per-member figures are divided by."""

    ROSTER = "roster"  # the people on its members' list (its own and its groups')
    DECLARED = "declared"  # the membership it declared, where it has no list
    JOINED = "joined"  # the members who joined the bot: where nothing else is known


def denominators(
    session: Session,
    *,
    units: dict[int, int],
    groups: Sequence[str] = (),
) -> dict[int, tuple[int, Basis]]:
    """For each unit (id -> the members who joined it), the number to divide by and what it
    is: its roster (people of `groups` only, when given), else its declared membership, else
    the members who joined. One grouped query whatever the number of units."""
    if not units:
        return {}
    query = (
        select(UnionUnit.path, func.count())
        .select_from(RosterEntry)
        .join(UnionUnit, col(UnionUnit.id) == RosterEntry.unit_id)
        .where(col(RosterEntry.removed_at).is_(None))
        .group_by(col(UnionUnit.path))
    )
    if groups:
        query = query.where(col(RosterEntry.worker_group).in_(list(groups)))
    on_roster: dict[int, int] = {}
    for path, count in session.execute(query).all():
        for part in path.strip("/").split("/"):
            if part and int(part) in units:
                on_roster[int(part)] = on_roster.get(int(part), 0) + int(count)
    declared = dict(
        session.execute(
            select(UnionUnit.id, UnionUnit.declared_members).where(
                col(UnionUnit.id).in_(list(units)), col(UnionUnit.declared_members) > 0
            )
        ).all()
    )
    found: dict[int, tuple[int, Basis]] = {}
    for unit_id, joined in units.items():
        if on_roster.get(unit_id):
            found[unit_id] = (on_roster[unit_id], Basis.ROSTER)
        elif declared.get(unit_id):
            found[unit_id] = (int(declared[unit_id]), Basis.DECLARED)
        else:
            found[unit_id] = (joined, Basis.JOINED)
    return found
