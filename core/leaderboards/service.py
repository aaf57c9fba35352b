"""Ranking queries. None of them reads the ledger: they read `member_score`,
`score_histogram` and `unit_score`, kept in the same transaction as each ledger row.

Order of a board: more points first; on equal points, who reached the score first; then the
smaller member id (two awards in the same instant).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, tuple_
from sqlmodel import Session, col, select

from core.campaigns.models import Campaign
from core.campaigns.rules import groups_of
from core.leaderboards.rules import RankedUnit, UnitMeasure, UnitRow, rank_units
from core.members.models import Member, UnionUnit, UnitKind
from core.organisation import membership
from core.points.models import MemberScore, ScoreHistogram, UnitScore
from core.points.rules import BAND, band
from core.storage.prepared import Prepared
from core.storage.types import UTCDateTime


@dataclass(frozen=True)
class BoardRow:
    rank: int
    member_id: int
    name: str
    unit_id: int
    points: int


@dataclass(frozen=True)
class MyRank:
    rank: int
    points: int
    out_of: int


def _order():  # type: ignore[no-untyped-def]
    return (
        col(MemberScore.points).desc(),
        col(MemberScore.reached_at),
        col(MemberScore.member_id),
    )


def top_members(
    session: Session, *, scope: str, limit: int = 10, within: UnionUnit | None = None
) -> list[BoardRow]:
    query = (
        select(MemberScore.member_id, MemberScore.unit_id, MemberScore.points, Member.full_name)
        .join(Member, col(Member.id) == MemberScore.member_id)
        .where(MemberScore.scope == scope, col(Member.forgotten_at).is_(None))
    )
    if within is not None:
        query = query.join(UnionUnit, col(UnionUnit.id) == MemberScore.unit_id).where(
            col(UnionUnit.path).startswith(within.path)
        )
        rows = session.exec(query.order_by(*_order()).limit(limit)).all()
    else:
        rows = _top_from_index(session, query, scope, limit)
    return [
        BoardRow(i + 1, member_id, name or "", unit_id, pts)
        for i, (member_id, unit_id, pts, name) in enumerate(rows)
    ]


def _top_from_index(session: Session, query, scope: str, limit: int):  # type: ignore[no-untyped-def]
    """The board's first rows in index order only. The index is (scope, points, reached_at,
    member_id), all ascending, and a board is points descending then reached_at ascending: find
    the limit-th best score, take the few rows above it, then the earliest of the rows tied at
    it (an index range in the right order however many members share that score)."""
    cutoff = session.exec(
        select(MemberScore.points)
        .where(MemberScore.scope == scope, ~_forgotten(MemberScore.member_id))
        .order_by(col(MemberScore.points).desc())
        .offset(limit - 1)
        .limit(1)
    ).first()
    if cutoff is None:
        return session.exec(query.order_by(*_order()).limit(limit)).all()
    above = session.exec(
        query.where(col(MemberScore.points) > cutoff).order_by(*_order()).limit(limit)
    ).all()
    tied = session.exec(
        query.where(MemberScore.points == cutoff)
        .order_by(col(MemberScore.reached_at), col(MemberScore.member_id))
        .limit(limit - len(above))
    ).all()
    return [*above, *tied]


def _forgotten(member_id):  # type: ignore[no-untyped-def]
    """The score's member was forgotten: kept for the units' totals, out of the ranks (and
    out of the histograms, core/points/service.py::unrank)."""
    return (
        select(Member.id)
        .where(col(Member.id) == member_id, col(Member.forgotten_at).is_not(None))
        .exists()
    )


def _histogram_sum(session: Session, scope: str, level: int, lower: int, upper: int | None) -> int:
    """Members whose level key is > lower (and < upper when given)."""
    conditions = [
        ScoreHistogram.scope == scope,
        ScoreHistogram.level == level,
        col(ScoreHistogram.key) > lower,
    ]
    if upper is not None:
        conditions.append(col(ScoreHistogram.key) < upper)
    total = session.exec(select(func.sum(ScoreHistogram.members)).where(*conditions)).one()
    return int(total or 0)


def rank_of(
    session: Session, *, scope: str, points: int, reached_at: datetime, member_id: int
) -> int:
    """1 + bands above + exact scores above within the band + earlier ties: a few hundred
    histogram rows and an index range, whatever the number of members."""
    my_band = band(points)
    above = _histogram_sum(session, scope, 1, my_band, None)
    above += _histogram_sum(session, scope, 0, points, (my_band + 1) * BAND)
    ties = session.exec(
        select(func.count())
        .select_from(MemberScore)
        .where(
            MemberScore.scope == scope,
            MemberScore.points == points,
            ~_forgotten(MemberScore.member_id),
            tuple_(col(MemberScore.reached_at), col(MemberScore.member_id))
            < tuple_(
                bindparam("reached_at", reached_at, type_=UTCDateTime()),
                bindparam("member", member_id),
            ),
        )
    ).one()
    return 1 + above + int(ties)


def _rank_statement():  # type: ignore[no-untyped-def]
    """my_rank's four counts (bands above, scores above in the band, earlier ties, everyone)
    in one statement: one round trip instead of four."""
    h = ScoreHistogram.__table__  # type: ignore[attr-defined]
    s = MemberScore.__table__  # type: ignore[attr-defined]
    scope = bindparam("scope")

    def histogram_sum(level: int, *conditions):  # type: ignore[no-untyped-def]
        total = select(func.sum(h.c.members)).where(h.c.scope == scope, h.c.level == level)
        return func.coalesce(total.where(*conditions).scalar_subquery(), 0)

    # The earlier ties are the members at the same points (the histogram's exact count, which
    # leaves out forgotten members as the ranks do) less those at (reached_at, member_id) or
    # later: a range that is almost always empty, since the member being ranked has usually
    # just reached the score. Counting the earlier ones themselves walked every tie, probing
    # each one's member row for `forgotten_at` (at 0 points: everyone who answered wrongly).
    later = (
        select(func.count())
        .select_from(s)
        .where(
            s.c.scope == scope,
            s.c.points == bindparam("points"),
            ~_forgotten(s.c.member_id),
            # a row-value comparison, which both databases walk as one range of
            # ix_member_score_rank
            tuple_(s.c.reached_at, s.c.member_id)
            >= tuple_(bindparam("reached_at", type_=s.c.reached_at.type), bindparam("member")),
        )
        .scalar_subquery()
    )
    return select(
        histogram_sum(1, h.c.key > bindparam("band")),
        histogram_sum(0, h.c.key > bindparam("points"), h.c.key < bindparam("band_end")),
        histogram_sum(0, h.c.key == bindparam("points")) - later,
        histogram_sum(1, h.c.key > -(2**31)),
    )


_RANK = Prepared(_rank_statement())  # counts only: run on the cursor (core/storage/prepared.py)


def my_rank(session: Session, *, scope: str, member_id: int) -> MyRank | None:
    score = session.get(MemberScore, (scope, member_id))
    if score is None:
        return None
    return rank_at(
        session, scope=scope, member_id=member_id, points=score.points, reached_at=score.reached_at
    )


def rank_at(
    session: Session, *, scope: str, member_id: int, points: int, reached_at: datetime
) -> MyRank:
    """The rank of a member whose score in the scope is known (as an award returned it)."""
    session.flush()  # the statement below reads through the connection
    counts = _RANK.one(session.connection(), _rank_params(scope, member_id, points, reached_at))
    return _my_rank(points, counts)


def ranks_at(session: Session, wanted: Sequence[RankAsked]) -> list[MyRank]:
    """`rank_at` for each of `wanted`, in its order, all in one round trip: PostgreSQL only
    (psycopg's pipeline, `Prepared.each`); on SQLite, where a statement costs no round trip,
    call `rank_at` when a rank is needed."""
    if not wanted:
        return []
    session.flush()  # the statements below read through the connection
    found = _RANK.each(
        session.connection(),
        [_rank_params(w.scope, w.member_id, w.points, w.reached_at) for w in wanted],
    )
    return [_my_rank(w.points, counts) for w, counts in zip(wanted, found, strict=True)]


class RankAsked(NamedTuple):
    scope: str
    member_id: int
    points: int
    reached_at: datetime


def _rank_params(scope: str, member_id: int, points: int, reached_at: datetime) -> dict[str, Any]:
    my_band = band(points)
    return {
        "scope": scope,
        "band": my_band,
        "points": points,
        "band_end": (my_band + 1) * BAND,
        "reached_at": reached_at,
        "member": member_id,
    }


def _my_rank(points: int, counts: tuple[Any, ...]) -> MyRank:
    bands, in_band, ties, everyone = counts
    return MyRank(1 + int(bands) + int(in_band) + int(ties), points, int(everyone))


def participants(session: Session, *, scope: str) -> int:
    return _histogram_sum(session, scope, 1, -(2**31), None)


GRASSROOTS_PARTS = (UnitKind.UNION_DIVISION, UnitKind.UNION_GROUP)


@dataclass
class _Tally:
    name: str
    points: int = 0
    participants: int = 0
    joined: int = 0
    reached_at: datetime | None = None

    def add(self, score: UnitScore) -> None:
        self.points += score.points
        self.participants += score.participants
        self.joined += score.members
        if self.reached_at is None or score.reached_at > self.reached_at:
            self.reached_at = score.reached_at


def _tallies(session: Session, scope: str, within: UnionUnit | None) -> dict[int, _Tally]:
    """Each grassroots union's score, with its divisions' and groups' (where members found
    on the roster are placed) folded in."""
    kinds = (UnitKind.GRASSROOTS_UNION, *GRASSROOTS_PARTS)
    query = (
        select(UnitScore, UnionUnit.name, UnionUnit.kind, UnionUnit.path)
        .join(UnionUnit, col(UnionUnit.id) == UnitScore.unit_id)
        .where(UnitScore.scope == scope, col(UnionUnit.kind).in_(kinds))
    )
    if within is not None:
        query = query.where(col(UnionUnit.path).startswith(within.path))
    tallies: dict[int, _Tally] = {}
    parts: list[tuple[UnitScore, list[int]]] = []
    for score, name, kind, path in session.exec(query).all():
        if kind == UnitKind.GRASSROOTS_UNION:
            tallies.setdefault(score.unit_id, _Tally(name)).add(score)
        else:
            parts.append((score, [int(p) for p in path.strip("/").split("/") if p]))
    if parts:
        above = {i for _score, ids in parts for i in ids}
        owners = dict(
            session.exec(
                select(UnionUnit.id, UnionUnit.name).where(
                    col(UnionUnit.id).in_(above), UnionUnit.kind == UnitKind.GRASSROOTS_UNION
                )
            ).all()
        )
        for score, ids in parts:
            owner = next((i for i in reversed(ids) if i in owners), None)
            if owner is not None:
                tallies.setdefault(owner, _Tally(owners[owner])).add(score)
    return tallies


def unit_rows(session: Session, *, scope: str, within: UnionUnit | None = None) -> list[UnitRow]:
    found = _tallies(session, scope, within)
    divide = membership.denominators(
        session, units={i: t.joined for i, t in found.items()}, groups=_targets(session, scope)
    )
    rows = []
    for unit_id, t in found.items():
        members, basis = divide[unit_id]
        reached = t.reached_at
        assert reached is not None
        rows.append(
            UnitRow(unit_id, t.name, t.points, t.participants, members, reached, basis=basis)
        )
    return rows


def _targets(session: Session, scope: str) -> tuple[str, ...]:
    """A campaign's board counts only the roster's people of the groups it is aimed at."""
    if not scope.startswith("campaign:") or not scope[9:].isdigit():
        return ()
    campaign = session.get(Campaign, int(scope[9:]))
    return tuple(groups_of(campaign.target_groups)) if campaign is not None else ()


def unit_board(
    session: Session, *, scope: str, measure: UnitMeasure, within: UnionUnit | None = None
) -> list[RankedUnit]:
    return rank_units(unit_rows(session, scope=scope, within=within), measure)


def unit_names(session: Session, *, unit_ids: set[int]) -> dict[int, str]:
    if not unit_ids:
        return {}
    found = session.exec(select(UnionUnit).where(col(UnionUnit.id).in_(unit_ids))).all()
    return {u.id: u.name for u in found}  # type: ignore[misc]


def campaigns_scored(session: Session, *, member_id: int, limit: int = 3) -> list[int]:
    """Ids of campaigns the member has points in, for the menu of boards."""
    scopes = session.exec(
        select(MemberScore.scope)
        .where(MemberScore.member_id == member_id, col(MemberScore.scope).startswith("campaign:"))
        .limit(limit)
    ).all()
    return [int(scope.split(":", 1)[1]) for scope in scopes]


def campaign_title(session: Session, *, campaign_id: int) -> str | None:
    campaign = session.get(Campaign, campaign_id)
    return campaign.title if campaign is not None else None
