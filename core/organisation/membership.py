"""Who belongs to a unit and its subtree, a page at a time: the members who joined (verified on
the roster or self-declared) searched by name without diacritics, and the counts an officer
reads beside them: verified, self-declared, and roster entries not yet on the bot."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, column, table, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from core.errors import InvalidInput
from core.members import service as members
from core.members.models import Member, RosterEntry, UnionUnit
from core.members.rules import key_of
from core.organisation.models import UnitMemberCount


@dataclass(frozen=True)
class Counts:
    verified: int  # joined and found on the roster
    self_declared: int  # joined, not found on the roster (or no roster)
    not_on_bot: int  # on the roster, nobody has claimed the entry yet
    searched: str = ""  # the folded search counted along (`counts(q=…)`), if any
    matching: int | None = None  # how many of those who joined match it

    @property
    def joined(self) -> int:
        return self.verified + self.self_declared


WIDE = 30  # units in a subtree above which its members are read along the whole indexes


def subtree_ids(session: Session, unit: UnionUnit) -> list[int]:
    """The ids of the unit and every unit below it (given to the member queries as a list:
    with a subquery PostgreSQL guesses a handful of units and scans every member)."""
    return list(session.exec(select(UnionUnit.id).where(members.subtree_filter(unit))))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Scope:
    """The units whose members a page reads: the ids of a unit's subtree, or every unit there
    is (`everything`, no ids: the top of the only tree, a province's own officers). Then the
    members and the roster are read without any test on their unit; testing 10^5 members
    against a list of 1,500 units cost as much as reading them."""

    unit_ids: list[int]
    everything: bool = False


def scope_of(session: Session, unit: UnionUnit) -> Scope:
    if unit.parent_id is None:  # a top unit: is its tree every unit there is?
        every, below = session.execute(
            select(func.count(), func.count(case((members.subtree_filter(unit), 1))))
        ).one()
        if int(below) >= int(every):
            return Scope([], everything=True)
    return Scope(subtree_ids(session, unit))


def _in_scope(query, column, scope: Scope, wide: bool = False):  # type: ignore[no-untyped-def]
    """`query` kept to the scope's units. `wide` (over `WIDE` units): the unit is tested as an
    expression, so that no database walks the unit's index unit by unit (and sorts all it
    finds) instead of scanning the covering indexes in their own order."""
    if scope.everything:
        return query
    tested = func.coalesce(column, 0) if wide and len(scope.unit_ids) > WIDE else column
    return query.where(tested.in_(scope.unit_ids))


def _joined(scope: Scope):  # type: ignore[no-untyped-def]
    """The current members of the scope: `ix_member_current_unit` covers a count,
    `ix_member_current_name` a page read in the order of names. For every unit, the unit is
    still tested as a range (`unit_id > 0`, true of every member: ids count from 1), which
    keeps SQLite counting along `ix_member_current_unit`; without it (or with `IS NOT NULL`
    after the other terms) SQLite counts along the name index and reads each member's row
    for `verified_at`: 10^5 rows, 250-640 ms instead of 10-20."""
    if scope.everything:
        current = select(Member).where(col(Member.unit_id) > 0)
    else:
        current = _in_scope(select(Member), col(Member.unit_id), scope, wide=True)
    return current.where(col(Member.onboarded_at).is_not(None), col(Member.forgotten_at).is_(None))


NAMES = table("member_name", column("rowid"), column("member_name"))  # SQLite's (0027)


def _indexed(wanted: str, scope: Scope) -> bool:
    """Whether a search is found by the names' trigrams: 3 characters or more, over a wide
    scope (a few units' members are read by their units)."""
    return len(wanted) >= 3 and (scope.everything or len(scope.unit_ids) > WIDE)


def _contains(wanted: str, scope: Scope, dialect: str):  # type: ignore[no-untyped-def]
    """The folded name contains `wanted` (already folded: no case or diacritics to ignore).
    Where `_indexed`, SQLite finds the names in the FTS5 table `member_name` (a phrase of
    trigrams is exactly a substring) instead of reading every name; PostgreSQL's planner finds
    the same `LIKE` by its trigram index (`ix_member_name_trgm`)."""
    if dialect == "sqlite" and _indexed(wanted, scope):
        phrase = '"' + wanted.replace('"', '""') + '"'
        found = select(NAMES.c.rowid).where(NAMES.c.member_name.match(phrase))
        return col(Member.id).in_(found)
    return col(Member.name_key).contains(wanted, autoescape=True)


def _by_name(session: Session, scope: Scope, q: str, member=Member):  # type: ignore[no-untyped-def]
    """What a page is ordered by: the name, and then the id. For an indexed search on
    PostgreSQL, the name as an expression (`full_name || ''`, the same order), so that the
    planner sorts the matches found by the trigram index instead of walking the name index
    until it has a page: a common name late in the alphabet («nguyen van») read 40,000 names
    for 50 (14-33 ms, against 3 ms). `member`: Member, or its alias over a subquery."""
    if _dialect(session) == "postgresql" and _indexed(key_of(q), scope):
        return member.full_name + ""
    return member.full_name


def counts(session: Session, *, unit: UnionUnit, scope: Scope | None = None, q: str = "") -> Counts:
    """`scope`: the unit's (`scope_of`) when the caller has read it already. The members are
    added up from their units' counts (`unit_member_count`, kept by the database), not
    counted. `q`: a search whose matches are counted too (`Counts.matching`)."""
    scope = scope_of(session, unit) if scope is None else scope
    sums = select(
        func.coalesce(func.sum(UnitMemberCount.joined), 0),
        func.coalesce(func.sum(UnitMemberCount.verified), 0),
        func.coalesce(func.sum(UnitMemberCount.waiting), 0),
    )
    total, verified, waiting = (
        int(n) for n in session.execute(_in_scope(sums, col(UnitMemberCount.unit_id), scope)).one()
    )
    wanted = key_of(q)
    matching = None
    if wanted:
        found = _joined(scope).where(_contains(wanted, scope, _dialect(session)))
        matching = int(session.exec(found.with_only_columns(func.count())).one())  # type: ignore[call-overload]
    return Counts(verified, total - verified, waiting, wanted, matching)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


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


def _matching(session: Session, scope: Scope, q: str, counted: Counts | None):  # type: ignore[no-untyped-def]
    """The members of the scope whose folded name contains `q`, and how many they are (the
    counts already made, when they counted this search or there is none). None: an indexed
    search not counted yet, which the page counts as it reads (`_read`)."""
    wanted = key_of(q)
    query = _joined(scope)
    if wanted:
        query = query.where(_contains(wanted, scope, _dialect(session)))
    if counted is not None and not wanted:
        return query, counted.joined
    if counted is not None and counted.matching is not None and counted.searched == wanted:
        return query, counted.matching
    if _indexed(wanted, scope):
        return query, None
    return query, session.exec(query.with_only_columns(func.count())).one()  # type: ignore[call-overload]


def _read(  # type: ignore[no-untyped-def]
    session: Session,
    scope: Scope,
    q: str,
    query,
    total: int | None,
    *,
    at: tuple[str, int] | None,
    forward: bool,
    limit: int,
) -> tuple[list[Member], int]:
    """Up to `limit` members of `query` after (`forward`) or before `at` (a name and an id) in
    the order of names, or from either end without `at`; and how many `query` finds in all:
    `total`, or when None counted along (`count(*) OVER ()` over every match; from a place in
    the order, in a subquery that the place filters afterwards), so that an indexed search
    reads its trigram index once for the count and the page instead of twice. A first page
    needs no subquery: the window counts every row the WHERE keeps, before ORDER BY and
    LIMIT (and builds no alias, whose columns are garbage the collector must free)."""
    matches = func.count().over().label("matches")
    if total is None and at is not None:
        inner = query.add_columns(matches).subquery()
        member = aliased(Member, inner)
        read = select(member, inner.c.matches)
    elif total is None:
        member, read = Member, query.add_columns(matches)
    else:
        member, read = Member, query
    name = _by_name(session, scope, q, member)
    if at is not None:
        key = tuple_(member.full_name, member.id)
        read = read.where(key > tuple_(*at) if forward else key < tuple_(*at))
    order = (name, member.id) if forward else (name.desc(), member.id.desc())
    if total is not None:
        return list(session.exec(read.order_by(*order).limit(limit)).all()), int(total)
    rows = session.execute(read.order_by(*order).limit(limit)).all()  # (member, matches)
    if rows:
        return [row[0] for row in rows], int(rows[0][1])
    if at is None:  # nothing matches at all
        return [], 0
    return [], int(session.exec(query.with_only_columns(func.count())).one())  # type: ignore[call-overload]


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
    scope: Scope | None = None,
) -> KeysetPage:
    """The members after the member `after` (or before the member `before`) in the order of
    names and ids, matching `q` (a part of the name without case or diacritics: the folded
    name kept beside the name); without either (or with a member who is no longer listed),
    the first page. Each page is a range of `ix_member_current_name`."""
    scope = scope_of(session, unit) if scope is None else scope
    query, total = _matching(session, scope, q, counted)
    anchor_id = after if after is not None else before
    anchor = (
        session.execute(select(Member.full_name).where(col(Member.id) == anchor_id)).scalar()
        if anchor_id is not None
        else None
    )
    if anchor is None:
        rows, total = _read(
            session, scope, q, query, total, at=None, forward=True, limit=per_page + 1
        )
        found = list(rows[:per_page])
        return KeysetPage(found, total, 1, per_page, False, len(rows) > per_page)
    at = (anchor, anchor_id)
    if after is not None:
        rows, total = _read(
            session, scope, q, query, total, at=at, forward=True, limit=per_page + 1
        )
        found = list(rows[:per_page])
        return KeysetPage(found, total, max(2, number), per_page, True, len(rows) > per_page)
    rows, total = _read(session, scope, q, query, total, at=at, forward=False, limit=per_page + 1)
    found = list(reversed(rows[:per_page]))
    more = len(rows) > per_page
    return KeysetPage(found, total, max(2, number) if more else 1, per_page, more, True)


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
    scope: Scope | None = None,
) -> CursorPage:
    """The page after (or before) `cursor` in the order of names and ids, matching `q` as
    `keyset_page` does; without a cursor, the first page. A range of `ix_member_current_name`."""
    scope = scope_of(session, unit) if scope is None else scope
    query, total = _matching(session, scope, q, counted)
    forward = cursor is None or cursor.forward
    at = (cursor.name, cursor.member_id) if cursor is not None else None
    rows, total = _read(session, scope, q, query, total, at=at, forward=forward, limit=per_page + 1)
    more = len(rows) > per_page
    found = rows[:per_page] if forward else list(reversed(rows[:per_page]))
    if not found:
        return CursorPage([], total, None, None)
    first, last = found[0], found[-1]
    after = (forward and more) or (not forward and cursor is not None)
    before = (not forward and more) or (forward and cursor is not None)
    return CursorPage(
        found,
        total,
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
