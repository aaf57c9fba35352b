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
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

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
from core.emulation.unit_standing import standing
from core.members.models import Member, UnionUnit, UnitKind
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, PROVINCE, bulk_members, load_demo

DUE = date(2026, 12, 31)  # December ends a month and the fourth quarter
MONTH, QUARTER = "2026-12", "2026-Q4"


def plain_standing(
    session: Session, campaign: Campaign, unit_id: int, due_on: date = DUE
) -> tuple[int | None, tuple[int, int, int, int] | None]:
    """(the unit's size, (rank, units, reported, reporters)) worked out from the roll."""
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
    unit = session.get(UnionUnit, unit_id)
    assert unit is not None
    if unit_id not in totals:
        return size(unit), None
    ordered = sorted(totals.values(), reverse=True)
    rank = ordered.index(totals[unit_id]) + 1  # equal totals share the better rank
    mine = by_unit[unit_id]
    return size(unit), (rank, len(totals), sum(x.complete for x in mine), len(mine))


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


def make_campaign(session: Session, now) -> tuple[Campaign, list[EmulationCriterion]]:  # type: ignore[no-untyped-def]
    campaign = Campaign(
        unit_id=PROVINCE,
        title="Thi đua",
        starts_on=date(2026, 10, 1),
        ends_on=DUE,
        status=CampaignStatus.RUNNING,
        launched_at=now,
    )
    session.add(campaign)
    session.flush()
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


def test_standing_equals_the_roll_scored_line_by_line(runtime: Runtime) -> None:
    load_demo(runtime)
    now = runtime.clock.now()
    for unit, count in ((MINH_PHAT, 9), (HUNG_THINH, 7)):
        bulk_members(
            runtime.engine,
            unit_id=unit,
            count=count,
            platform="web",
            seen=now,
            now=now,
            prefix=f"U{unit}",
        )
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
