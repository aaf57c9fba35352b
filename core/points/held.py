"""Awards held for a batch (core/held.py): the ledger rows, the members' scores, the
histograms and the units' scores of many awards, written with one statement per table.

The immediate `points.service.award` writes four statements per award; a batch of quiz
answers holds its awards here instead. When flushed:
- the ledger rows are one multi-row INSERT (a source awarded twice breaks its unique key and
  rolls the batch back; processing then runs the updates one by one, where `award` finds the
  row and changes nothing);
- every (scope, member) of the batch is one row of a multi-row upsert that adds the batch's
  points and returns the totals, from which the histogram moves are computed exactly as
  `award` computes them (so a concurrent transaction's award to the same member is added to,
  never overwritten);
- the histogram and unit rows are one `executemany` each, in (scope, level, key) and
  (scope, unit) order, the order every writer takes them in.

A member is held at most once per batch: a second award to someone already held flushes the
batch first (the caller's rule, `holds`). Ranks asked for during the batch are the database's
(which has none of the held awards yet) corrected by the held ones (`rank_change`), in the
scopes where the caller told each held member's score before the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert
from sqlalchemy.engine import Connection

from core.points.models import MemberScore, PointsEntry, PointsSource
from core.points.rules import DEFAULT_TZ, histogram_keys, scopes_for
from core.points.service import Score, _upserts, adding_upsert
from core.storage.prepared import Prepared

_ledger = PointsEntry.__table__  # type: ignore[attr-defined]
_scores = MemberScore.__table__  # type: ignore[attr-defined]
_MEMBER_COLUMNS = ("scope", "member_id", "unit_id", "points", "entries", "reached_at")


@dataclass(frozen=True)
class HeldAward:
    member_id: int
    unit_id: int
    points: int
    when: datetime
    scopes: tuple[str, ...]
    unit_members: int
    ranked: bool


@dataclass(frozen=True)
class _Known:
    """A held member's score in a scope before the batch (None: none yet) and with the award."""

    before: Score | None
    after: Score
    ranked: bool


def score_after(before: Score | None, points: int, when: datetime) -> Score:
    """A member's score in a scope after an award of `points` at `when` (`before`: their
    score before it, None if none)."""
    if before is None:
        return Score(points, when)
    # an award of 0 points does not move the member: they reached the score before
    return Score(before.points + points, when if points else before.reached_at)


def _beats(other: Score, member_id: int, points: int, reached_at: datetime, mine: int) -> bool:
    """`other` (of member `member_id`) ranks above (points, reached_at) of member `mine`."""
    if other.points != points:
        return other.points > points
    return (other.reached_at, member_id) < (reached_at, mine)


class HeldAwards:
    """The awards held in one batch."""

    def __init__(self) -> None:
        self.awards: list[HeldAward] = []
        self.ledger: list[dict[str, Any]] = []
        self.members: set[int] = set()
        self.known: dict[str, dict[int, _Known]] = {}  # scope -> member -> scores
        self.in_scope: dict[str, int] = {}  # scope -> awards held in it

    def __bool__(self) -> bool:
        return bool(self.awards)

    def holds(self, member_id: int) -> bool:
        return member_id in self.members

    def award(
        self,
        *,
        member_id: int,
        unit_id: int,
        points: int,
        source: PointsSource,
        source_id: str,
        now: datetime,
        unit_members: int,
        campaign_id: int | None = None,
        extra_scope: str | None = None,
        tz: str = DEFAULT_TZ,
        ranked: bool = True,
        before: dict[str, Score | None] | None = None,
    ) -> None:
        """Hold an award (as `points.service.award` would write it); `before`: the member's
        scores before the batch in some of its scopes, which the ranks in those scopes are
        computed from (the member's score with the award is `score_after` of it)."""
        assert member_id not in self.members, "a member is held once per batch"
        scopes = tuple(
            sorted(scopes_for(now, campaign_id=campaign_id, extra_scope=extra_scope, tz=tz))
        )
        self.members.add(member_id)
        self.awards.append(HeldAward(member_id, unit_id, points, now, scopes, unit_members, ranked))
        for scope in scopes:
            self.in_scope[scope] = self.in_scope.get(scope, 0) + 1
        self.ledger.append(
            {
                "member_id": member_id,
                "unit_id": unit_id,
                "points": points,
                "source": source,
                "source_id": source_id,
                "campaign_id": campaign_id,
                "extra_scope": extra_scope,
                "created_at": now,
            }
        )
        for scope, old in (before or {}).items():
            self.known.setdefault(scope, {})[member_id] = _Known(
                old, score_after(old, points, now), ranked
            )

    def rank_change(
        self, scope: str, *, member_id: int, points: int, reached_at: datetime
    ) -> tuple[int, int] | None:
        """How the held awards move a rank read from the database: (members above it to add,
        members in the scope to add); None when a held member's score before the batch is not
        known in this scope (the caller then flushes and reads the database)."""
        known = self.known.get(scope, {})
        if self.in_scope.get(scope, 0) != len(known):
            return None
        above = joined = 0
        for other, k in known.items():
            if not k.ranked:
                continue
            if k.before is None:
                joined += 1
            if other == member_id:
                continue
            above += _beats(k.after, other, points, reached_at, member_id)
            if k.before is not None:
                above -= _beats(k.before, other, points, reached_at, member_id)
        return above, joined

    def flush(self, connection: Connection) -> None:
        _LEDGER_INSERT.many(connection, self.ledger)
        rows = sorted(
            (
                (scope, a.member_id, a.unit_id, a.points, 1, a.when)
                for a in self.awards
                for scope in a.scopes
            ),
            key=lambda r: (r[0], r[1]),
        )
        totals: dict[tuple[str, int], tuple[int, int]] = {}
        for scope, member_id, points, entries in _MEMBER_UPSERT.rows(
            connection, [dict(zip(_MEMBER_COLUMNS, row, strict=True)) for row in rows]
        ):
            totals[(scope, member_id)] = (points, entries)
        if len(totals) != len(rows):
            raise RuntimeError(f"{len(totals)} of {len(rows)} held scores written")
        changes: dict[tuple[str, int, int], int] = {}
        units: dict[tuple[str, int], dict[str, Any]] = {}
        for a in self.awards:
            for scope in a.scopes:
                new_points, entries = totals[(scope, a.member_id)]
                first = entries == 1
                if a.ranked and (first or a.points):
                    if not first:
                        for level, key in histogram_keys(new_points - a.points):
                            changes[(scope, level, key)] = changes.get((scope, level, key), 0) - 1
                    for level, key in histogram_keys(new_points):
                        changes[(scope, level, key)] = changes.get((scope, level, key), 0) + 1
                unit = units.setdefault(
                    (scope, a.unit_id),
                    {
                        "scope": scope,
                        "unit_id": a.unit_id,
                        "points": 0,
                        "participants": 0,
                        "members": a.unit_members,
                        "reached_at": a.when,
                    },
                )
                unit["points"] += a.points
                unit["participants"] += int(first)
                unit["members"] = a.unit_members
                if a.points:  # as award by award: the last award that moved the unit
                    unit["reached_at"] = a.when
        moves = [
            {"scope": scope, "level": level, "key": key, "members": delta}
            for (scope, level, key), delta in sorted(changes.items())
            if delta
        ]
        _BUMP.many(connection, moves)
        _UNIT_UPSERT.many(connection, [units[key] for key in sorted(units)])
        self.awards.clear()
        self.ledger.clear()
        self.members.clear()
        self.known.clear()
        self.in_scope.clear()


def _member_upsert(dialect: str) -> Any:
    """One row per (scope, member), the batch's points added, the totals returned (with
    their scope and member: the order of the rows returned is not the order given)."""
    key = ("scope", "member_id")
    upsert = adding_upsert(dialect, _scores, key, ("points", "entries"), ("unit_id",), reached=True)
    return upsert.returning(*(_scores.c[c] for c in (*key, "points", "entries")))


_LEDGER_COLUMNS = (
    "member_id",
    "unit_id",
    "points",
    "source",
    "source_id",
    "campaign_id",
    "extra_scope",
    "created_at",
)
# A batch's writes run on the cursor (core/storage/prepared.py): SQLAlchemy's handling of
# each of their rows (some 15 per answer) cost more than the database's work on it.
_LEDGER_INSERT = Prepared(insert(_ledger).values({c: bindparam(c) for c in _LEDGER_COLUMNS}))
_MEMBER_UPSERT = Prepared(_member_upsert)
_BUMP = Prepared(lambda dialect: _upserts(dialect)[0])
_UNIT_UPSERT = Prepared(lambda dialect: _upserts(dialect)[1])
