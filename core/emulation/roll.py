"""Who has reported for a campaign's period and who has not (the officers' roll), and whom
the call and the reminder go to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation import periods as timing
from core.emulation.criteria import active
from core.emulation.models import EmulationCriterion, EmulationReport
from core.emulation.periods import Period
from core.emulation.pledges import audience_members
from core.emulation.reporting import Item, grassroots_units, lineage
from core.emulation.templates import Frequency, Reporter
from core.members.models import Member, OfficerRole, UnionUnit


@dataclass
class Line:
    """One reporter of the period: a member (their own figures) or a grassroots union."""

    member: Member | None
    unit: UnionUnit
    items: list[Item]
    done: int = 0
    late: bool = False
    last_at: datetime | None = None
    officers: list[int] = field(default_factory=list)  # who reports a union's figures
    values: dict[str, Decimal] = field(default_factory=dict)  # Item.key -> figure in force
    photos: dict[str, int] = field(default_factory=dict)  # Item.key -> report with its photo kept

    @property
    def complete(self) -> bool:
        return self.done >= len(self.items)

    @property
    def reporters(self) -> list[int]:
        return [self.member.id] if self.member is not None else self.officers  # type: ignore[list-item]


@dataclass(frozen=True)
class Roll:
    campaign: Campaign
    due_on: date
    lines: list[Line]

    @property
    def reported(self) -> list[Line]:
        return [line for line in self.lines if line.complete]

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if not line.complete]


def due_items(
    session: Session, campaign: Campaign, due_on: date
) -> tuple[list[tuple[EmulationCriterion, Period]], list[tuple[EmulationCriterion, Period]]]:
    """The criteria in force due on `due_on`, each with its period: those members report, and
    those grassroots unions report."""
    member_items: list[tuple[EmulationCriterion, Period]] = []
    unit_items: list[tuple[EmulationCriterion, Period]] = []
    for criterion in active(session, campaign_id=campaign.id):  # type: ignore[arg-type]
        period = timing.ending_on(
            Frequency(criterion.frequency), campaign.starts_on, campaign.ends_on, due_on
        )
        if period is None:
            continue
        if criterion.reporter == Reporter.MEMBER:
            member_items.append((criterion, period))
        elif criterion.reporter == Reporter.GRASSROOTS:
            unit_items.append((criterion, period))
    return member_items, unit_items


def _former(session: Session, campaign: Campaign) -> list[Member]:
    """Members who reported in the campaign and used /forget since: their figures stay."""
    reported = select(EmulationReport.member_id).where(EmulationReport.campaign_id == campaign.id)
    return list(
        session.exec(
            select(Member)
            .where(col(Member.id).in_(reported), col(Member.forgotten_at).is_not(None))
            .order_by(col(Member.id))
        )
    )


def _lines(session: Session, campaign: Campaign, due_on: date) -> list[Line]:
    member_items, unit_items = due_items(session, campaign, due_on)
    units = {u.id: u for u in session.exec(select(UnionUnit))} if member_items else {}
    lines: list[Line] = []
    if member_items:
        for m in [*audience_members(session, campaign), *_former(session, campaign)]:
            items = [Item(c, p, m.unit_id, m.id) for c, p in member_items]
            lines.append(Line(m, units[m.unit_id], items))
    for unit in grassroots_units(session, campaign) if unit_items else []:
        officers = session.exec(
            select(OfficerRole.member_id).where(OfficerRole.unit_id == unit.id)
        ).all()
        items = [Item(c, p, unit.id, None) for c, p in unit_items]  # type: ignore[arg-type]
        lines.append(Line(None, unit, items, officers=sorted(set(officers))))
    return lines


def _tally(session: Session, campaign: Campaign, lines: list[Line]) -> None:
    """Each line's figures in force, read in one query of the period's reports only (not the
    whole campaign's: a roll is asked after every report)."""
    keys = {item.period.key for line in lines for item in line.items}
    if not keys:
        return
    rows = session.exec(
        select(EmulationReport).where(
            EmulationReport.campaign_id == campaign.id,
            col(EmulationReport.period).in_(keys),
            col(EmulationReport.superseded_at).is_(None),
        )
    ).all()
    chains: dict[int, set[int]] = {}
    found: dict[tuple[str, int, int, int], EmulationReport] = {}
    for r in rows:
        found[(r.period, r.unit_id, r.member_id or 0, r.criterion_id)] = r
    for line in lines:
        for item in line.items:
            cid = item.criterion.id
            if cid not in chains:
                chains[cid] = set(lineage(session, item.criterion))  # type: ignore[index]
            hit = next(
                (
                    found[k]
                    for k in (
                        (item.period.key, item.unit_id, item.member_id or 0, c)
                        for c in chains[cid]  # type: ignore[index]
                    )
                    if k in found
                ),
                None,
            )
            if hit is not None:
                line.values[item.key] = hit.value
                if hit.evidence_status == "stored":
                    line.photos[item.key] = hit.id  # type: ignore[assignment]
                line.done += 1
                line.late = line.late or hit.late
                line.last_at = max(filter(None, (line.last_at, hit.created_at)))


def roll_of(session: Session, campaign: Campaign, due_on: date) -> Roll:
    lines = _lines(session, campaign, due_on)
    _tally(session, campaign, lines)
    return Roll(campaign, due_on, lines)


def roll(session: Session, *, actor: Actor, campaign_id: int, due_on: date) -> Roll:
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    return roll_of(session, campaign, due_on)


def due_dates(campaign: Campaign, session: Session) -> list[date]:
    """Every period end of the campaign's reported criteria, in order."""
    frequencies = {
        Frequency(c.frequency)
        for c in active(session, campaign_id=campaign.id)  # type: ignore[arg-type]
        if c.reporter != Reporter.EVALUATOR
    }
    return sorted(
        {
            p.end
            for f in frequencies
            for p in timing.periods(f, campaign.starts_on, campaign.ends_on)
        }
    )


def missing_by_reporter(found: Roll) -> dict[int, list[Item]]:
    """Who is to be told what: each reporter with the figures still missing (a member their
    own; a grassroots union's officers the union's), from the roll, in one pass."""
    missing: dict[int, list[Item]] = {}
    for line in found.missing:
        items = [i for i in line.items if i.key not in line.values]
        for reporter in line.reporters:
            missing.setdefault(reporter, []).extend(items)
    return missing


def chosen_due(
    campaign: Campaign, session: Session, today: date, asked: date | None
) -> date | None:
    """The period the officers' page shows: the one asked for if it is the campaign's, else
    the latest that has opened (the first one before any has)."""
    every = due_dates(campaign, session)
    if asked in every:
        return asked
    opened = [d for d in every if d - timedelta(timing.OPEN_DAYS) <= today]
    return opened[-1] if opened else (every[0] if every else None)
