"""The standing a reporter reads after their last figure (core/emulation/unit_standing.py),
against a plain recomputation: the officers' roll of the period (core/emulation/roll.py), each
member's and union's line scored figure by figure with the target `reporting.target_of` reads
for it, each unit's total the average of its reporting members' points plus the union's own,
ranked. On a province's campaign over the demo's units and members added in bulk, with random
figures (some missing), pledged targets (some zero), a criterion edited after its pledges and
reports (its earlier version's figures and pledges count), one removed (its figures do not),
per-member criteria on declared and on counted sizes, yes/no and lower-is-better criteria, a
union's own monthly and quarterly figures, corrections, a report of another period, a member
who used /forget after reporting, one who moved to another union after reporting, and one not
onboarded."""

from __future__ import annotations

import random
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign, CampaignStatus
from core.emulation import scoring
from core.emulation.criteria import as_scored
from core.emulation.models import (
    EmulationCriterion,
    EmulationPledge,
    EmulationReport,
    PledgeTarget,
)
from core.emulation.reporting import target_of
from core.emulation.roll import Line, roll_of
from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter
from core.emulation.total_models import StandingPeriod, UnitTotal
from core.emulation.unit_standing import Period, dues, standing
from core.emulation.unit_totals import kept
from core.members.models import Member, UnionUnit, UnitKind, WorkerGroup
from core.members.rules import child_path
from core.members.service import create_unit
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    PROVINCE,
    STATE_AGENCY,
    ZONE,
    bulk_members,
    load_demo,
)

DUE = date(2026, 12, 31)  # December ends a month and the fourth quarter
MONTH, QUARTER = "2026-12", "2026-Q4"


def plain_totals(
    session: Session, campaign: Campaign, due_on: date = DUE
) -> tuple[dict[int, Decimal], dict[int, list[Line]], dict[int, int | None]]:
    """Each unit's total worked out from the roll, its lines, its size."""
    found = roll_of(session, campaign, due_on)
    by_unit: dict[int, list[Line]] = {}
    for line in found.lines:
        by_unit.setdefault(line.unit.id, []).append(line)  # type: ignore[arg-type]

    def size(unit: UnionUnit) -> int | None:
        lines = sum(1 for x in found.lines if x.member is not None and x.unit.id == unit.id)
        return unit.declared_members or lines or None

    def points(line: Line, members: int | None) -> Decimal:
        total = Decimal(0)
        for item in line.items:
            if item.key in line.values:
                scored = as_scored(item.criterion, target_of(session, item))
                total += scoring.criterion_points(scored, line.values[item.key], members)
        return total

    totals: dict[int, Decimal] = {}
    for uid, lines in by_unit.items():
        members = size(lines[0].unit)
        people = [points(x, members) for x in lines if x.member is not None and x.values]
        union = [points(x, members) for x in lines if x.member is None and x.values]
        if people or union:
            average = sum(people, Decimal(0)) / len(people) if people else Decimal(0)
            totals[uid] = (average + sum(union, Decimal(0))).quantize(Decimal("0.01"))
    return totals, by_unit, {uid: size(lines[0].unit) for uid, lines in by_unit.items()}


def plain_standing(
    session: Session, campaign: Campaign, unit_id: int, due_on: date = DUE
) -> tuple[int | None, tuple[int, int, int, int] | None]:
    """(the unit's size, (rank, units, reported, reporters)) worked out from the roll."""
    totals, by_unit, sizes = plain_totals(session, campaign, due_on)
    unit = session.get(UnionUnit, unit_id)
    assert unit is not None
    if unit_id not in totals:
        return sizes.get(unit_id, unit.declared_members or None), None
    ordered = sorted(totals.values(), reverse=True)
    rank = ordered.index(totals[unit_id]) + 1  # equal totals share the better rank
    mine = by_unit[unit_id]
    return sizes[unit_id], (rank, len(totals), sum(x.complete for x in mine), len(mine))


def criterion(campaign_id: int, position: int, **fields) -> EmulationCriterion:  # type: ignore[no-untyped-def]
    values = {
        "kind": Kind.NUMBER.value,
        "points": Decimal(20),
        "reporter": Reporter.MEMBER.value,
        "frequency": Frequency.MONTHLY.value,
    } | fields
    return EmulationCriterion(
        campaign_id=campaign_id, position=position, name=f"C{position}", **values
    )


def running(session: Session, now, unit: int = PROVINCE, *, subtree: bool = True) -> Campaign:  # type: ignore[no-untyped-def]
    """A running campaign of `unit` (with the units below it, or alone) since October."""
    campaign = Campaign(
        unit_id=unit,
        include_subtree=subtree,
        title="Thi đua",
        starts_on=date(2026, 10, 1),
        ends_on=DUE,
        status=CampaignStatus.RUNNING,
        launched_at=now,
    )
    session.add(campaign)
    session.flush()
    return campaign


def make_campaign(session: Session, now) -> tuple[Campaign, list[EmulationCriterion]]:  # type: ignore[no-untyped-def]
    campaign = running(session, now)
    cid = campaign.id
    rows = [
        criterion(cid, 1, target=Decimal(10), points=Decimal(40)),
        criterion(cid, 2, kind=Kind.YES_NO.value),
        criterion(cid, 3, target=Decimal(2), lower_is_better=True),
        criterion(cid, 4, target=Decimal("0.5"), per_member=True, points=Decimal(10)),
        criterion(
            cid, 5, reporter=Reporter.GRASSROOTS.value, target=Decimal("0.02"), per_member=True
        ),
        criterion(
            cid,
            6,
            reporter=Reporter.GRASSROOTS.value,
            frequency=Frequency.QUARTERLY.value,
            target=Decimal(100),
            points=Decimal(50),
        ),
        criterion(cid, 7, target=Decimal(5), retired_at=now),  # edited: 8 replaces it
        criterion(cid, 9, target=Decimal(3), retired_at=now),  # removed
    ]
    session.add_all(rows)
    session.flush()
    edited = criterion(cid, 7, target=Decimal(6), version=2, replaces_id=rows[6].id)
    session.add(edited)
    session.flush()
    return campaign, [*rows, edited]


def report(session: Session, crit: EmulationCriterion, period: str, unit: int, member, value, now):  # type: ignore[no-untyped-def]
    row = EmulationReport(
        campaign_id=crit.campaign_id,
        criterion_id=crit.id,  # type: ignore[arg-type]
        period=period,
        unit_id=unit,
        member_id=member,
        reported_by=member or 1,
        value=Decimal(value),
        created_at=now,
    )
    session.add(row)
    return row


def figures(session: Session, chance: random.Random, rows, people, now) -> None:  # type: ignore[no-untyped-def]
    """Random figures of the members and the unions, some missing, some corrected."""
    c1, c2, c3, c4, c5, c6, old7, removed, new7 = rows
    for member in people:
        for crit in (c1, c2, c3, c4, chance.choice((old7, new7)), removed):
            if chance.random() < 0.15:
                continue  # not reported (yet)
            value = chance.choice((0, 1)) if crit is c2 else chance.randint(0, 25)
            row = report(session, crit, MONTH, member.unit_id, member.id, value, now)
            if chance.random() < 0.1:  # corrected: the earlier figure superseded
                session.flush()
                row.superseded_at = now
                report(session, crit, MONTH, member.unit_id, member.id, value + 3, now)
        if chance.random() < 0.3:
            report(session, c1, "2026-11", member.unit_id, member.id, 99, now)  # November's
        if chance.random() < 0.5:
            pledge = EmulationPledge(
                campaign_id=c1.campaign_id, member_id=member.id, title="good_worker"
            )
            session.add(pledge)
            session.flush()
            for crit in (c1, old7):
                value = chance.choice((0, 4, 12, 20))
                session.add(PledgeTarget(pledge_id=pledge.id, criterion_id=crit.id, value=value))  # type: ignore[arg-type]
    for unit in (MINH_PHAT, HUNG_THINH):
        if chance.random() < 0.8:
            report(session, c5, MONTH, unit, None, chance.randint(0, 20), now)
        if chance.random() < 0.8:
            report(session, c6, QUARTER, unit, None, chance.randint(50, 150), now)


def demo_with_members(runtime: Runtime, minh_phat: int, hung_thinh: int):  # type: ignore[no-untyped-def]
    """The demo, with members added in bulk to its two grassroots unions; the time now."""
    load_demo(runtime)
    now = runtime.clock.now()
    for unit, count in ((MINH_PHAT, minh_phat), (HUNG_THINH, hung_thinh)):
        bulk_members(
            runtime.engine,
            unit_id=unit,
            count=count,
            platform="web",
            seen=now,
            now=now,
            prefix=f"U{unit}",
        )
    return now


def test_standing_equals_the_roll_scored_line_by_line(runtime: Runtime) -> None:
    now = demo_with_members(runtime, 9, 7)
    for seed in range(6):
        chance = random.Random(seed)
        with Session(runtime.engine) as session, session.begin():
            campaign, rows = make_campaign(session, now)
            people = list(
                session.exec(select(Member).where(Member.unit_id.in_((MINH_PHAT, HUNG_THINH))))
            )  # type: ignore[attr-defined]
            figures(session, chance, rows, people, now)
            session.flush()
            gone, moved, newcomer = chance.sample(people, 3)
            gone.forgotten_at = now + timedelta(seconds=seed)  # reported, then /forget
            moved.unit_id = HUNG_THINH if moved.unit_id == MINH_PHAT else MINH_PHAT
            newcomer.onboarded_at = None
            minh_phat = session.get(UnionUnit, MINH_PHAT)
            assert minh_phat is not None and minh_phat.kind == UnitKind.GRASSROOTS_UNION
            minh_phat.declared_members = chance.choice((None, 250))
            session.flush()
            units = {line.unit.id for line in roll_of(session, campaign, DUE).lines}
            assert {MINH_PHAT, HUNG_THINH} <= units
            for unit_id in sorted(units):  # type: ignore[type-var]
                unit = session.get(UnionUnit, unit_id)
                size, place = standing(session, campaign, DUE, unit)  # type: ignore[arg-type]
                got = (
                    None
                    if place is None
                    else (place.rank, place.units, place.reported, place.reporters)
                )
                assert (size, got) == plain_standing(session, campaign, unit_id), (seed, unit_id)
                assert place is None or place.unit.id == unit_id
            # back as they were for the next round
            gone.forgotten_at, newcomer.onboarded_at = None, now
            moved.unit_id = HUNG_THINH if moved.unit_id == MINH_PHAT else MINH_PHAT


def _checked(session: Session, campaign: Campaign, asking: int) -> None:
    """One reporter of `asking` reads the standing (which brings the kept totals up to date):
    the kept totals are the roll's, and every unit's standing is the roll's."""
    unit = session.get(UnionUnit, asking)
    standing(session, campaign, DUE, unit)  # type: ignore[arg-type]
    key = Period(campaign, *dues(session, campaign, DUE)).key
    totals = plain_totals(session, campaign)[0]
    assert kept(session, campaign.id, key) == totals  # type: ignore[arg-type]
    for unit_id in sorted(totals):
        size, place = standing(session, campaign, DUE, session.get(UnionUnit, unit_id))  # type: ignore[arg-type]
        got = None if place is None else (place.rank, place.units, place.reported, place.reporters)
        assert (size, got) == plain_standing(session, campaign, unit_id), unit_id


def correct(session: Session, crit, unit: int, member, value, now) -> None:  # type: ignore[no-untyped-def]
    """A figure for the month on `crit`, superseding the one in force (as reporting.record)."""
    earlier = session.exec(
        select(EmulationReport).where(
            EmulationReport.criterion_id == crit.id,
            EmulationReport.unit_id == unit,
            EmulationReport.member_id == member,
            EmulationReport.period == MONTH,
            col(EmulationReport.superseded_at).is_(None),
        )
    ).first()
    if earlier is not None:
        earlier.superseded_at = now
    report(session, crit, MONTH, unit, member, value, now)


def _stale(session: Session, campaign: Campaign) -> dict[int, int]:
    rows = session.exec(select(UnitTotal).where(UnitTotal.campaign_id == campaign.id))
    return {row.unit_id: row.stale for row in rows if row.stale}


def _kept_periods(session: Session, campaign: Campaign) -> int:
    return len(
        list(session.exec(select(StandingPeriod).where(StandingPeriod.campaign_id == campaign.id)))
    )


def test_kept_totals_follow_every_change(runtime: Runtime) -> None:
    """The totals kept as figures come stay those of a plain recomputation after a figure, a
    correction, a pledge, a union's own figure, a member moved, one who used /forget, a
    declared size, a criterion edited, and a bulk move; a figure marks its unit's totals
    stale and no other's, a change to a member that the standing does not read keeps them."""
    now = demo_with_members(runtime, 8, 6)
    chance = random.Random(17)
    with Session(runtime.engine) as session, session.begin():
        campaign, rows = make_campaign(session, now)
        c1, _c2, c3, c4, c5, *_others = rows
        people = list(
            session.exec(select(Member).where(col(Member.unit_id).in_((MINH_PHAT, HUNG_THINH))))
        )
        figures(session, chance, rows, people, now)
        session.flush()
        _checked(session, campaign, MINH_PHAT)
        assert _kept_periods(session, campaign) == 1

        one = next(p for p in people if p.unit_id == MINH_PHAT)
        correct(session, c3, MINH_PHAT, one.id, 1, now)  # a figure: its unit stale only
        session.flush()
        assert set(_stale(session, campaign)) == {MINH_PHAT}
        _checked(session, campaign, HUNG_THINH)

        corrected = next(p for p in people if p.unit_id == HUNG_THINH)
        correct(session, c1, HUNG_THINH, corrected.id, 24, now)  # a correction
        session.flush()
        assert set(_stale(session, campaign)) == {HUNG_THINH}
        _checked(session, campaign, MINH_PHAT)

        other = next(p for p in people if p.unit_id == HUNG_THINH and p.id != corrected.id)
        pledge = session.exec(
            select(EmulationPledge).where(
                EmulationPledge.member_id == other.id, EmulationPledge.campaign_id == campaign.id
            )
        ).first()
        if pledge is None:
            pledge = EmulationPledge(campaign_id=campaign.id, member_id=other.id, title="good")
            session.add(pledge)
            session.flush()
        session.add(PledgeTarget(pledge_id=pledge.id, criterion_id=c4.id, value=Decimal(1)))  # type: ignore[arg-type]
        session.flush()
        target = session.get(PledgeTarget, (pledge.id, c4.id))
        target.value = Decimal(3)  # type: ignore[union-attr]
        session.flush()
        assert set(_stale(session, campaign)) == {HUNG_THINH}
        _checked(session, campaign, MINH_PHAT)

        correct(session, c5, MINH_PHAT, None, 7, now)  # the union's own figure
        session.flush()
        _checked(session, campaign, HUNG_THINH)

        one.full_name = "Someone Else"  # not read by the standing: the totals stay kept
        session.flush()
        assert _kept_periods(session, campaign) == 1 and not _stale(session, campaign)

        one.unit_id = HUNG_THINH  # moved: the unit it left and the one it joined
        session.flush()
        assert _kept_periods(session, campaign) == 1
        assert set(_stale(session, campaign)) == {MINH_PHAT, HUNG_THINH}
        _checked(session, campaign, MINH_PHAT)

        other.forgotten_at = now  # /forget
        session.flush()
        assert set(_stale(session, campaign)) == {HUNG_THINH}
        _checked(session, campaign, MINH_PHAT)

        minh_phat = session.get(UnionUnit, MINH_PHAT)
        minh_phat.declared_members = 40  # type: ignore[union-attr]
        session.flush()
        assert set(_stale(session, campaign)) == {MINH_PHAT}
        _checked(session, campaign, HUNG_THINH)

        c1.retired_at = now  # criterion 1 edited: a new version with another target
        edited = criterion(
            campaign.id, 1, target=Decimal(3), points=Decimal(40), version=2, replaces_id=c1.id
        )
        session.add(edited)
        session.flush()
        assert _kept_periods(session, campaign) == 0
        _checked(session, campaign, MINH_PHAT)

        session.execute(  # a bulk move back: every campaign's kept totals dropped
            update(Member).where(col(Member.id) == one.id).values(unit_id=MINH_PHAT)
        )
        session.expire_all()
        assert _kept_periods(session, campaign) == 0
        _checked(session, campaign, HUNG_THINH)


def small_campaign(
    session: Session, now, unit: int, *, subtree: bool = True
) -> tuple[Campaign, EmulationCriterion]:  # type: ignore[no-untyped-def]
    """A running campaign of `unit` (with the units below it, or alone) with a number
    criterion and a per-member one on the unit's size."""
    campaign = running(session, now, unit, subtree=subtree)
    counted = criterion(campaign.id, 1, target=Decimal(10))  # type: ignore[arg-type]
    sized = criterion(campaign.id, 2, target=Decimal("0.5"), per_member=True)  # type: ignore[arg-type]
    session.add_all([counted, sized])
    session.flush()
    return campaign, counted


def _state(session: Session, campaign: Campaign) -> tuple[int, set[int]]:
    """(the campaign's kept periods, its units marked stale)."""
    return _kept_periods(session, campaign), set(_stale(session, campaign))


def test_a_change_marks_only_the_totals_it_can_move(runtime: Runtime) -> None:
    """Three campaigns kept at once: the province's (every unit), the state agency's and Hưng
    Thịnh's alone. After a member joins, changes worker group, moves, uses /forget, a unit's
    declared size changes, a unit is created, moved (the audiences that held it before or
    hold it now) and closed, each campaign's kept totals are those of a plain recomputation,
    and a campaign whose audience holds none of it keeps its totals as they were: not
    dropped, nothing marked stale."""
    now = demo_with_members(runtime, 6, 5)
    chance = random.Random(29)
    with Session(runtime.engine) as session, session.begin():
        province, rows = make_campaign(session, now)
        people = list(
            session.exec(select(Member).where(col(Member.unit_id).in_((MINH_PHAT, HUNG_THINH))))
        )
        figures(session, chance, rows, people, now)
        agency, agency_c = small_campaign(session, now, STATE_AGENCY)
        hung, hung_c = small_campaign(session, now, HUNG_THINH, subtree=False)
        for crit, unit in ((agency_c, STATE_AGENCY), (hung_c, HUNG_THINH)):
            for member in session.exec(select(Member).where(Member.unit_id == unit)):
                report(session, crit, MONTH, unit, member.id, chance.randint(0, 20), now)
        session.flush()
        asking = {province.id: MINH_PHAT, agency.id: STATE_AGENCY, hung.id: HUNG_THINH}

        def changed(expected: dict[int, tuple[int, set[int]]]) -> None:
            """Each campaign's (kept periods, stale units) after the change, then every
            campaign checked against the plain recomputation."""
            session.flush()
            found = {c.id: _state(session, c) for c in (province, agency, hung)}
            assert found == expected
            for campaign in (province, agency, hung):
                _checked(session, campaign, asking[campaign.id])  # type: ignore[index]

        changed({province.id: (0, set()), agency.id: (0, set()), hung.id: (0, set())})
        kept = (1, set())

        joining = Member(
            unit_id=MINH_PHAT, full_name="Người Mới", worker_group=WorkerGroup.DIRECT_WORKER
        )
        joining.onboarded_at = now  # a member joins Minh Phát
        session.add(joining)
        changed({province.id: (1, {MINH_PHAT}), agency.id: kept, hung.id: kept})

        joining.worker_group = WorkerGroup.OFFICIAL  # another worker group
        changed({province.id: (1, {MINH_PHAT}), agency.id: kept, hung.id: kept})

        joining.unit_id = HUNG_THINH  # moved
        changed(
            {province.id: (1, {MINH_PHAT, HUNG_THINH}), agency.id: kept, hung.id: (1, {HUNG_THINH})}
        )

        civil = session.exec(
            select(Member).where(
                Member.unit_id == STATE_AGENCY, col(Member.onboarded_at).is_not(None)
            )
        ).first()
        civil.forgotten_at = now  # type: ignore[union-attr]  # /forget in the state agency
        changed({province.id: (1, {STATE_AGENCY}), agency.id: (1, {STATE_AGENCY}), hung.id: kept})

        hung_thinh = session.get(UnionUnit, HUNG_THINH)
        hung_thinh.declared_members = 300  # type: ignore[union-attr]
        changed({province.id: (1, {HUNG_THINH}), agency.id: kept, hung.id: (1, {HUNG_THINH})})

        zone = session.get(UnionUnit, ZONE)
        new = create_unit(
            session, name="Công đoàn mới", kind=UnitKind.GRASSROOTS_UNION, parent=zone
        )
        worker = Member(unit_id=new.id, full_name="Thợ Mới", worker_group=WorkerGroup.DIRECT_WORKER)
        worker.onboarded_at = now
        session.add(worker)
        session.flush()
        report(session, rows[0], MONTH, new.id, worker.id, 12, now)  # its first figure
        changed({province.id: (1, {new.id}), agency.id: kept, hung.id: kept})

        agency_unit = session.get(UnionUnit, STATE_AGENCY)
        new.parent_id, new.path = STATE_AGENCY, child_path(agency_unit.path, new.id)  # type: ignore[union-attr]
        changed({province.id: (0, set()), agency.id: (0, set()), hung.id: kept})

        new.closed_at = now  # closed
        changed({province.id: (1, {new.id}), agency.id: (1, {new.id}), hung.id: kept})


def _seeded(runtime: Runtime) -> tuple[int, int, int]:
    """A province's campaign with figures, committed: (campaign, its first criterion, a
    member of Hưng Thịnh)."""
    now = demo_with_members(runtime, 6, 5)
    with Session(runtime.engine) as session, session.begin():
        campaign, rows = make_campaign(session, now)
        people = list(
            session.exec(select(Member).where(col(Member.unit_id).in_((MINH_PHAT, HUNG_THINH))))
        )
        figures(session, random.Random(41), rows, people, now)
        member = next(p for p in people if p.unit_id == HUNG_THINH)
        return campaign.id, rows[0].id, member.id  # type: ignore[return-value]


def _figure(runtime: Runtime, campaign_id: int, criterion_id: int, member_id: int) -> None:
    """Another transaction: a corrected figure of Hưng Thịnh's member, committed."""
    with Session(runtime.engine) as session, session.begin():
        crit = session.get(EmulationCriterion, criterion_id)
        correct(session, crit, HUNG_THINH, member_id, 25, runtime.clock.now())
        session.flush()


def test_a_figure_made_while_the_totals_are_first_kept_is_not_missed(runtime: Runtime) -> None:
    """PostgreSQL with several workers: a transaction keeps the period's totals for the first
    time while another commits a figure of another unit. The figure's mark waits for the
    filler's commit, then marks its unit's kept total stale, so the kept totals are those of
    a plain recomputation afterwards; and a filler that finds a mark in flight keeps nothing
    and answers from totals computed now."""
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: no mark can be in flight during a fill")
    campaign_id, criterion_id, member_id = _seeded(runtime)
    with Session(runtime.engine) as filler, filler.begin():
        campaign = filler.get(Campaign, campaign_id)
        standing(filler, campaign, DUE, filler.get(UnionUnit, MINH_PHAT))  # type: ignore[arg-type]
        assert _kept_periods(filler, campaign) == 1  # type: ignore[arg-type]
        marking = threading.Thread(
            target=_figure, args=(runtime, campaign_id, criterion_id, member_id)
        )
        marking.start()
        marking.join(1.0)
        assert marking.is_alive()  # its mark waits for the filler's commit
    marking.join(10.0)
    assert not marking.is_alive()
    with Session(runtime.engine) as session, session.begin():
        campaign = session.get(Campaign, campaign_id)
        assert set(_stale(session, campaign)) == {HUNG_THINH}  # type: ignore[arg-type]
        _checked(session, campaign, MINH_PHAT)  # type: ignore[arg-type]

        session.execute(update(Campaign).where(col(Campaign.id) == campaign_id).values(ends_on=DUE))
        assert _kept_periods(session, campaign) == 0  # type: ignore[arg-type]
    with Session(runtime.engine) as marker, marker.begin():  # a mark in flight
        crit = marker.get(EmulationCriterion, criterion_id)
        correct(marker, crit, HUNG_THINH, member_id, 2, runtime.clock.now())
        marker.flush()
        with Session(runtime.engine) as filler, filler.begin():
            campaign = filler.get(Campaign, campaign_id)
            size, place = standing(filler, campaign, DUE, filler.get(UnionUnit, MINH_PHAT))  # type: ignore[arg-type]
            assert _kept_periods(filler, campaign) == 0  # type: ignore[arg-type]
            got = (
                None
                if place is None
                else (place.rank, place.units, place.reported, place.reporters)
            )
            assert (size, got) == plain_standing(filler, campaign, MINH_PHAT)  # type: ignore[arg-type]
