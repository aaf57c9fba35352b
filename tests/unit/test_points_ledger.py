"""The ledger and its score tables: idempotent awards, ranks equal to a plain recount."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.leaderboards import service as boards
from core.members.models import Member
from core.points import service as points
from core.points.models import MemberScore, PointsEntry, PointsSource, UnitScore
from core.points.rules import ALL_TIME, BAND, month_scope, week_scope
from tests.points_helpers import make_member, make_units

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_award_is_idempotent_on_source(engine: Engine):
    with Session(engine) as session, session.begin():
        _, units = make_units(session)
        member = make_member(session, units[0], "Lan", T0)
        first = points.award(
            session,
            member_id=member.id,
            points=700,
            source=PointsSource.QUIZ_ANSWER,
            source_id="1:1",
            now=T0,
        )
        again = points.award(
            session,
            member_id=member.id,
            points=900,
            source=PointsSource.QUIZ_ANSWER,
            source_id="1:1",
            now=T0 + timedelta(seconds=5),
        )
        assert first.created and not again.created and again.points == 700
        assert len(session.exec(select(PointsEntry)).all()) == 1
        for scope in (ALL_TIME, week_scope(T0), month_scope(T0)):
            score = session.get(MemberScore, (scope, member.id))
            assert score is not None and score.points == 700 and score.reached_at == T0
        unit = session.get(UnitScore, (ALL_TIME, units[0].id))
        assert unit is not None and (unit.points, unit.participants, unit.members) == (700, 1, 1)


def test_week_follows_vietnam_time(engine: Engine):
    # Sunday 23:30 in Hà Nội is Sunday 16:30 UTC; Monday 00:30 there is still Sunday in UTC.
    sunday = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)
    monday = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    assert week_scope(sunday) == "week:2026-W48"
    assert week_scope(monday) == "week:2026-W49"


def test_ties_go_to_who_reached_the_score_first(engine: Engine):
    with Session(engine) as session, session.begin():
        _, units = make_units(session)
        a = make_member(session, units[0], "A", T0)
        b = make_member(session, units[1], "B", T0)
        points.award(
            session,
            member_id=b.id,
            points=500,
            source=PointsSource.QUIZ_ANSWER,
            source_id="b1",
            now=T0,
        )
        points.award(
            session,
            member_id=a.id,
            points=300,
            source=PointsSource.QUIZ_ANSWER,
            source_id="a1",
            now=T0 + timedelta(seconds=1),
        )
        points.award(
            session,
            member_id=a.id,
            points=200,
            source=PointsSource.QUIZ_ANSWER,
            source_id="a2",
            now=T0 + timedelta(seconds=2),
        )
        board = boards.top_members(session, scope=ALL_TIME)
        assert [(r.name, r.points, r.rank) for r in board] == [("B", 500, 1), ("A", 500, 2)]
        assert boards.my_rank(session, scope=ALL_TIME, member_id=a.id).rank == 2  # type: ignore[union-attr]
        # a zero-point answer counts participation but does not move the member's tie-break
        points.award(
            session,
            member_id=b.id,
            points=0,
            source=PointsSource.QUIZ_ANSWER,
            source_id="b2",
            now=T0 + timedelta(seconds=9),
        )
        assert boards.my_rank(session, scope=ALL_TIME, member_id=b.id).rank == 1  # type: ignore[union-attr]


def recount(session: Session) -> dict[int, tuple[int, datetime]]:
    """Every member's total and when they reached it, from the ledger alone."""
    totals: dict[int, tuple[int, datetime]] = {}
    for entry in session.exec(select(PointsEntry).order_by(PointsEntry.id)):
        total, reached = totals.get(entry.member_id, (0, entry.created_at))
        totals[entry.member_id] = (
            total + entry.points,
            entry.created_at if entry.points else reached,
        )
    return totals


awards = st.lists(
    st.tuples(st.integers(0, 7), st.integers(-50, 3 * BAND), st.integers(0, 5)),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=awards)
def test_rank_from_histogram_equals_a_plain_recount(engine: Engine, plan):
    with Session(engine) as session, session.begin():
        _, units = make_units(session, grassroots=2)
        people = [make_member(session, units[i % 2], f"M{i}", T0) for i in range(8)]
        for n, (who, pts, secs) in enumerate(plan):
            points.award(
                session,
                member_id=people[who].id,
                points=pts,
                source=PointsSource.COMMENDATION,
                source_id=f"p{n}",
                now=T0 + timedelta(seconds=secs + n),
            )
        totals = recount(session)  # the plain recount from the ledger
        expected = sorted(totals, key=lambda m: (-totals[m][0], totals[m][1], m))
        board = boards.top_members(session, scope=ALL_TIME, limit=100)
        assert [r.member_id for r in board] == expected
        for position, member_id in enumerate(expected, start=1):
            mine = boards.my_rank(session, scope=ALL_TIME, member_id=member_id)
            assert mine is not None
            assert (mine.rank, mine.points, mine.out_of) == (
                position,
                totals[member_id][0],
                len(expected),
            )
        for unit in units:
            row = session.get(UnitScore, (ALL_TIME, unit.id))
            mine = [m for m in totals if session.get(MemberScore, (ALL_TIME, m)).unit_id == unit.id]  # type: ignore[union-attr]
            if row is not None:
                assert row.points == sum(totals[m][0] for m in mine)
                assert row.participants == len(mine)
        session.rollback()


forgetting_plans = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.integers(0, 7), st.integers(-2, 2), st.integers(0, 2)),
        st.tuples(st.just("forget"), st.integers(0, 7), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=forgetting_plans)
def test_ranks_with_ties_and_forgotten_members_equal_a_plain_recount(engine: Engine, plan):
    """Few scores and few instants, so that many members tie on both; forgotten members are
    out of the ranks (the earlier ties are counted from the histogram, less the later ones)."""
    with Session(engine) as session, session.begin():
        _, units = make_units(session, grassroots=2)
        people = [make_member(session, units[i % 2], f"M{i}", T0) for i in range(8)]
        for n, (action, who, pts, secs) in enumerate(plan):
            member = people[who]
            if action == "forget":
                if member.forgotten_at is None:
                    points.unrank(session, member_id=member.id)  # type: ignore[arg-type]
                    member.forgotten_at = T0
                    session.flush()
                continue
            points.award(
                session,
                member_id=member.id,  # type: ignore[arg-type]
                points=pts,
                source=PointsSource.COMMENDATION,
                source_id=f"p{n}",
                now=T0 + timedelta(seconds=secs),
            )
        totals = recount(session)
        ranked = [m for m in totals if session.get(Member, m).forgotten_at is None]  # type: ignore[union-attr]
        expected = sorted(ranked, key=lambda m: (-totals[m][0], totals[m][1], m))
        for position, member_id in enumerate(expected, start=1):
            mine = boards.my_rank(session, scope=ALL_TIME, member_id=member_id)
            assert mine is not None
            assert (mine.rank, mine.out_of) == (position, len(expected))
        session.rollback()
