"""The demo's emulation (after core/demo.py): a running campaign of the private mechanical
company's union with the individual titles' criteria and the pledges of half its members; and
the industrial-zone union's campaign tied to production, started three months ago, in which
its two enterprise unions have reported every period already past (so the desk's progress page
and the standings have something to show), with a criterion the zone scores, the zone's
emulation block of those unions and its evaluations of every month over (so the evaluation
page and the block's ranking have something to show, and the zone's officer is called to score
when a month's period opens)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.emulation import block_ranking, blocks, criteria, evaluation, pledges, reporting
from core.emulation.block_models import BlockKind, EmulationBlock
from core.emulation.models import EmulationCriterion
from core.emulation.periods import Period, periods
from core.emulation.rules import CriterionInput
from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter
from core.emulation.titles import Title
from core.i18n import Translator
from core.members.models import Member, OfficerRole, UnionUnit

UNIT = "Công đoàn Công ty TNHH Cơ khí Minh Phát"
ZONE = "Công đoàn các Khu công nghiệp Bình Dương"
# what each enterprise union reports, by criterion position (1: output % ... 5: income %),
# around its target, varying by month
FIGURES = {
    1: (Decimal(104), Decimal(97), Decimal(3)),
    2: (Decimal("1.8"), Decimal("2.4"), Decimal("-0.2")),
    3: (Decimal(0), Decimal(0), Decimal(0)),  # at most 0 accidents, and none: full points
    4: (Decimal(4), Decimal(2), Decimal(1)),
    5: (Decimal(101), Decimal(98), Decimal(1)),
}


def load(session: Session, *, now: datetime, t: Translator, timezone: str) -> dict[str, int]:
    """The campaign, its criteria and pledges; nothing when the demo's unit is not there."""
    found = _unit_and_officer(session, UNIT)
    if found is None:
        return {
            "campaigns": 0,
            "criteria": 0,
            "pledges": 0,
            "reports": 0,
            "blocks": 0,
            "evaluations": 0,
        }
    unit, role = found
    today = pledges.local_today(now, timezone)
    campaign, made = _running_campaign(
        session,
        unit=unit,
        role=role,
        title=t.gettext("Good workers, safe production 2027"),
        description=t.gettext(
            "Each member registers the title they aim for and their targets for the year."
        ),
        dates=(today, today + timedelta(days=365)),
        template="individual_titles",
        t=t,
        now=now,
    )
    workers = session.exec(
        select(Member)
        .where(Member.unit_id == unit.id, Member.id != role.member_id)
        .order_by(col(Member.id))
    ).all()
    count = 0
    for n, member in enumerate(workers[::2]):
        pledges.save(
            session,
            member=member,
            campaign_id=campaign.id,  # type: ignore[arg-type]
            title=Title.FIGHTER if n % 3 == 0 else Title.GOOD_WORKER,
            targets={c.id: c.target + n % 3 for c in made if c.target is not None},  # type: ignore[misc]
            now=now,
            timezone=timezone,
        )
        count += 1
    production = production_campaign(session, now=now, t=t, timezone=timezone)
    return {
        "campaigns": 1 + production["campaigns"],
        "criteria": len(made) + production["criteria"],
        "pledges": count,
        "reports": production["reports"],
        "blocks": production["blocks"],
        "evaluations": production["evaluations"],
    }


def _unit_and_officer(session: Session, name: str) -> tuple[UnionUnit, OfficerRole] | None:
    """The demo's unit of that name and one of its officers; None when either is missing."""
    unit = session.exec(select(UnionUnit).where(UnionUnit.name == name)).first()
    if unit is None:
        return None
    role = session.exec(select(OfficerRole).where(OfficerRole.unit_id == unit.id)).first()
    return None if role is None else (unit, role)


def _running_campaign(
    session: Session,
    *,
    unit: UnionUnit,
    role: OfficerRole,
    title: str,
    description: str,
    dates: tuple[date, date],
    template: str,
    t: Translator,
    now: datetime,
) -> tuple[Campaign, list[EmulationCriterion]]:
    """A campaign of the unit, running since now (launched by its officer), with the criteria
    of an emulation template: the one way every demo campaign of emulation is made."""
    starts_on, ends_on = dates
    campaign = Campaign(
        unit_id=unit.id,  # type: ignore[arg-type]
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        include_subtree=True,
        status=CampaignStatus.RUNNING,
        created_by=role.member_id,
        created_at=now,
        updated_at=now,
        launched_at=now,
    )
    session.add(campaign)
    session.flush()
    made = criteria.from_template(
        session,
        actor=Actor.officer(role.member_id),
        campaign_id=campaign.id,  # type: ignore[arg-type]
        key=template,
        t=t,
        now=now,
    )
    return campaign, made


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def production_campaign(
    session: Session, *, now: datetime, t: Translator, timezone: str
) -> dict[str, int]:
    """The zone's campaign from the production template, three months in, with the reports of
    its grassroots unions for every period already over (made on each period's last day)."""
    found = _unit_and_officer(session, ZONE)
    if found is None:
        return {"campaigns": 0, "criteria": 0, "reports": 0, "blocks": 0, "evaluations": 0}
    zone, role = found
    today = pledges.local_today(now, timezone)
    starts = _months_back(today, 3)
    campaign, made = _running_campaign(
        session,
        unit=zone,
        role=role,
        title=t.gettext("Productivity and quality in the industrial zones"),
        description=t.gettext(
            "Each enterprise union reports its output, quality, safety, initiatives and "
            "workers' income every month or quarter."
        ),
        dates=(starts, date(starts.year + 1, starts.month, 1) - timedelta(days=1)),
        template="production",
        t=t,
        now=now,
    )
    reports = _past_reports(session, campaign, today, timezone)
    scored, evaluations = _block_and_evaluations(session, campaign, role, t, today, now)
    return {
        "campaigns": 1,
        "criteria": len(made) + scored,
        "reports": reports,
        "blocks": 1,
        "evaluations": evaluations,
    }


def _past_reports(session: Session, campaign: Campaign, today: date, timezone: str) -> int:
    count = 0
    made = criteria.active(session, campaign_id=campaign.id)  # type: ignore[arg-type]
    for n, unit in enumerate(reporting.grassroots_units(session, campaign)):
        officer = session.exec(select(OfficerRole).where(OfficerRole.unit_id == unit.id)).first()
        reporter = session.get(Member, officer.member_id) if officer else None
        if reporter is None or (reporter.onboarded_at is None and officer is None):
            continue
        for c in made:
            frequency = Frequency(c.frequency)
            for m, period in enumerate(periods(frequency, campaign.starts_on, campaign.ends_on)):
                if period.end >= today:
                    break
                base, other, step = FIGURES[c.position]
                value = max(Decimal(0), (base if n == 0 else other) + step * (m % 2))
                item = reporting.Item(c, period, unit.id, None)  # type: ignore[arg-type]
                moment = datetime.combine(period.end, time(16), ZoneInfo(timezone))
                reporting.record(
                    session, item=item, value=value, by=reporter, today=period.end, now=moment
                )
                count += 1
    return count


def _block_and_evaluations(
    session: Session,
    campaign: Campaign,
    role: OfficerRole,
    t: Translator,
    today: date,
    now: datetime,
) -> tuple[int, int]:
    """The zone's block of its enterprise unions, a criterion the zone scores (culture and
    sports, monthly), and the zone officer's evaluations of every month already over: the
    points given, the first union's output verified and the other's defect rate adjusted
    with a reason. Returns (criteria added, evaluations)."""
    actor = Actor.officer(role.member_id)
    units = [u.id for u in reporting.grassroots_units(session, campaign)]
    scored = criteria.add(
        session,
        actor=actor,
        campaign_id=campaign.id,  # type: ignore[arg-type]
        data=CriterionInput(
            name=t.gettext("Culture, sports and union activities"),
            kind=Kind.SCORE,
            points=Decimal(10),
            reporter=Reporter.EVALUATOR,
            frequency=Frequency.MONTHLY,
        ),
        now=now,
    )
    block = blocks.create(
        session,
        actor=actor,
        data=blocks.BlockInput(
            owner_unit_id=campaign.unit_id,
            name=t.gettext("Enterprises of the Bình Dương industrial zones"),
            kind=BlockKind.INDUSTRIAL_ZONE,
            campaign_id=campaign.id,
            unit_ids=units,
        ),
        now=now,
    )
    by_position = {c.position: c for c in criteria.active(session, campaign_id=campaign.id)}  # type: ignore[arg-type]
    months = [
        p for p in periods(Frequency.MONTHLY, campaign.starts_on, campaign.ends_on) if p.end < today
    ]
    count = 0
    for m, period in enumerate(months):
        wanted: list[tuple[int, EmulationCriterion, Decimal, str]] = [
            (unit, scored, Decimal(8 + (n + m) % 3), "") for n, unit in enumerate(units)
        ]
        if period is months[-1] and len(units) > 1:
            wanted.append((units[0], by_position[1], Decimal(-1), ""))  # verified as reported
            wanted.append(
                (
                    units[1],
                    by_position[2],
                    Decimal("2.1"),
                    t.gettext("The quality department's log for the month shows 2.1 %."),
                )
            )
        for unit, criterion, value, reason in wanted:
            saved = _evaluate(
                session, actor, block, (campaign, period, unit), criterion, (value, reason), now
            )
            count += int(saved)
    return 1, count


def _evaluate(
    session: Session,
    actor: Actor,
    block: EmulationBlock,
    where: tuple[Campaign, Period, int],
    criterion: EmulationCriterion,
    given: tuple[Decimal, str],
    now: datetime,
) -> bool:
    """The zone officer's evaluation of one figure, two days after its period (a value below
    0: the union's own figure verified); False when there is none to verify."""
    (campaign, period, unit), (value, reason) = where, given
    cell = block_ranking.cell(session, block_ranking.Due(criterion, period), unit)
    if value < 0:
        if cell.self_value is None:
            return False
        value = cell.self_value
    moment = datetime.combine(period.end + timedelta(days=2), time(9), now.tzinfo)
    evaluation.evaluate(
        session,
        actor=actor,
        block_id=block.id,  # type: ignore[arg-type]
        data=evaluation.EvaluationInput(
            campaign_id=campaign.id,  # type: ignore[arg-type]
            due_on=period.end,
            unit_id=unit,
            criterion_id=criterion.id,  # type: ignore[arg-type]
            value=value,
            reason=reason,
            version=cell.version,
        ),
        now=min(moment, now),
    )
    return True
