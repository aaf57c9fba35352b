"""Progress reports (issue #17): what a person reports for a campaign's period ending on a
given day (their own figures on the criteria members report; their grassroots union's on
those the union reports, when they are one of its officers), and keeping each figure.

A report goes against the criterion's version in force; a correction adds a row and marks the
earlier one superseded, so the history stays. The campaign must be running and the period
open (core/emulation/periods.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, func, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.emulation import periods as timing
from core.emulation.criteria import active
from core.emulation.models import (
    EmulationCriterion,
    EmulationPledge,
    EmulationReport,
    PledgeTarget,
)
from core.emulation.periods import Period
from core.emulation.rules import TARGET_MAX
from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter
from core.errors import DomainError, InvalidInput, NotFound
from core.members.models import Member, OfficerRole, UnionUnit, UnitKind
from core.messages import Attachment

EVIDENCE_FIELDS = (
    "evidence_platform",
    "evidence_ref",
    "evidence_name",
    "evidence_size",
    "evidence_status",
    "evidence_path",
    "evidence_sha256",
    "evidence_problem",
)
UNUSUAL_TIMES = Decimal(10)  # a figure over ten times its target is asked again to confirm


@dataclass(frozen=True)
class Item:
    """One figure due: a criterion (the version in force), its period, and whose figure."""

    criterion: EmulationCriterion
    period: Period
    unit_id: int
    member_id: int | None  # None: the grassroots union's figure

    @property
    def key(self) -> str:
        return f"{self.criterion.id}:{self.unit_id}:{self.member_id or 0}"


def campaign_for_report(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("campaign_unknown")
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("campaign_closed")
    if campaign.status != CampaignStatus.RUNNING:
        raise DomainError("not_running")
    return campaign


def grassroots_units(session: Session, campaign: Campaign) -> list[UnionUnit]:
    """The grassroots unions a campaign covers (its own unit, and those below it if it says so)."""
    unit = session.get(UnionUnit, campaign.unit_id)
    if unit is None:
        return []
    query = select(UnionUnit).where(
        UnionUnit.kind == UnitKind.GRASSROOTS_UNION, col(UnionUnit.closed_at).is_(None)
    )
    if campaign.include_subtree:
        query = query.where(col(UnionUnit.path).startswith(unit.path))
    else:
        query = query.where(col(UnionUnit.id) == unit.id)
    return list(session.exec(query.order_by(col(UnionUnit.id))))


def officer_units(session: Session, campaign: Campaign, member_id: int) -> list[int]:
    """The campaign's grassroots unions of which the person is an officer."""
    held = set(session.exec(select(OfficerRole.unit_id).where(OfficerRole.member_id == member_id)))
    return [u.id for u in grassroots_units(session, campaign) if u.id in held]  # type: ignore[misc]


def in_audience(session: Session, campaign: Campaign, member: Member) -> bool:
    if member.forgotten_at is not None or member.onboarded_at is None:
        return False
    return any(c.id == campaign.id for c in campaigns.running_for_member(session, member=member))


def _dates(campaign: Campaign) -> tuple[date, date]:
    return campaign.starts_on, campaign.ends_on


def items_for(session: Session, campaign: Campaign, member: Member, due_on: date) -> list[Item]:
    """What the person reports for the campaign's periods ending on `due_on`."""
    starts, ends = _dates(campaign)
    mine = in_audience(session, campaign, member)
    units = officer_units(session, campaign, member.id)  # type: ignore[arg-type]
    found: list[Item] = []
    for criterion in active(session, campaign_id=campaign.id):  # type: ignore[arg-type]
        period = timing.ending_on(Frequency(criterion.frequency), starts, ends, due_on)
        if period is None:
            continue
        if criterion.reporter == Reporter.MEMBER and mine:
            found.append(Item(criterion, period, member.unit_id, member.id))
        elif criterion.reporter == Reporter.GRASSROOTS:
            found.extend(Item(criterion, period, unit, None) for unit in units)
    return found


def open_due_dates(campaign: Campaign, criteria: list[EmulationCriterion], day: date) -> list[date]:
    frequencies = {Frequency(c.frequency) for c in criteria if c.reporter != Reporter.EVALUATOR}
    return timing.open_ends(frequencies, *_dates(campaign), day)


def lineage(session: Session, criterion: EmulationCriterion) -> list[int]:
    """The criterion's id and those of the versions it replaced."""
    ids, row = [], criterion
    while row is not None:
        ids.append(row.id)
        row = session.get(EmulationCriterion, row.replaces_id) if row.replaces_id else None
    return ids  # type: ignore[return-value]


def in_force(session: Session, criterion_id: int) -> EmulationCriterion | None:
    """The version in force of a criterion (itself, or the version that replaced it); None
    when it was removed."""
    row = session.get(EmulationCriterion, criterion_id)
    while row is not None and row.retired_at is not None:
        row = session.exec(
            select(EmulationCriterion).where(EmulationCriterion.replaces_id == row.id)
        ).first()
    return row


def current(session: Session, item: Item) -> EmulationReport | None:
    """The figure in force for the item (on any version of its criterion). A member's is read
    by the member's index: SQLite without statistics would otherwise read by (unit, period),
    every figure of the member's unit for the period (5,000 rows at 500 members and 10
    criteria, three times or more per figure typed)."""
    unit = col(EmulationReport.unit_id)
    if item.member_id is None:
        member, same_unit = col(EmulationReport.member_id).is_(None), unit == item.unit_id
    else:
        member, same_unit = EmulationReport.member_id == item.member_id, unit + 0 == item.unit_id
    return session.exec(
        select(EmulationReport).where(
            col(EmulationReport.criterion_id).in_(lineage(session, item.criterion)),
            EmulationReport.period == item.period.key,
            same_unit,
            member,
            col(EmulationReport.superseded_at).is_(None),
        )
    ).first()


def as_reported(item: Item, target: Decimal | None, members: int | None) -> Decimal | None:
    """The target in the figure the reporter types: a per-member target (0.02 initiatives per
    member) becomes the union's own (0.02 × 150 members = 3) for the union's figure, and is
    unknown (None) while the union's size is."""
    if target is None or not _per_member_union(item):
        return target
    return target * members if members else None


def _per_member_union(item: Item) -> bool:
    return item.member_id is None and item.criterion.per_member


def reported_target(session: Session, item: Item) -> Decimal | None:
    """`target_of` as the reporter types the figure: for a per-member criterion, on the union's
    size as the scoring takes it (declared, else its members)."""
    target = target_of(session, item)
    if target is None or not _per_member_union(item):
        return target
    unit = session.get(UnionUnit, item.unit_id)
    size = unit.declared_members if unit else None
    if not size:
        size = session.exec(
            select(func.count())
            .select_from(Member)
            .where(Member.unit_id == item.unit_id, col(Member.forgotten_at).is_(None))
        ).one()
    return as_reported(item, target, size)


def target_of(session: Session, item: Item) -> Decimal | None:
    """What the figure is measured against: the member's pledged target (kept on the version
    they pledged under), else the campaign's."""
    if item.member_id is not None and item.criterion.kind == Kind.NUMBER:
        pledged = session.exec(
            select(PledgeTarget.value)
            .join(EmulationPledge, col(EmulationPledge.id) == PledgeTarget.pledge_id)
            .where(
                EmulationPledge.member_id == item.member_id,
                EmulationPledge.campaign_id == item.criterion.campaign_id,
                col(PledgeTarget.criterion_id).in_(lineage(session, item.criterion)),
            )
        ).first()
        if pledged is not None and pledged > 0:
            return pledged
    return item.criterion.target


def value_problem(value: Decimal) -> str | None:
    if value < 0:
        return "report_negative"
    if value > TARGET_MAX:
        return "amount_too_large"
    return None


def unusual(value: Decimal, target: Decimal | None) -> bool:
    """A figure to confirm before keeping: over ten times its target."""
    return target is not None and target > 0 and value > target * UNUSUAL_TIMES


def check_open(session: Session, item: Item, today: date) -> Campaign:
    campaign = campaign_for_report(session, item.criterion.campaign_id)
    if not item.period.open_on(today):
        raise DomainError("period_closed" if today >= item.period.closes else "period_not_open")
    return campaign


def record(
    session: Session,
    *,
    item: Item,
    value: Decimal,
    by: Member,
    today: date,
    now: datetime,
    evidence: tuple[str, Attachment] | None = None,
) -> EmulationReport:
    """Keep the figure (on the criterion's version in force), superseding the one before."""
    check_open(session, item, today)
    problem = value_problem(value)
    if problem or (item.criterion.kind == Kind.YES_NO and value not in (0, 1)):
        raise InvalidInput(problem or "bad_choice")
    criterion = in_force(session, item.criterion.id)  # type: ignore[arg-type]
    if criterion is None:
        raise DomainError("criterion_unknown")
    earlier = current(session, item)
    row = EmulationReport(
        campaign_id=criterion.campaign_id,
        criterion_id=criterion.id,  # type: ignore[arg-type]
        period=item.period.key,
        unit_id=item.unit_id,
        member_id=item.member_id,
        reported_by=by.id,  # type: ignore[arg-type]
        value=value,
        late=item.period.late_on(today),
        created_at=now,
    )
    if evidence is not None:
        platform, photo = evidence
        row.evidence_platform, row.evidence_ref = platform, photo.ref
        row.evidence_name, row.evidence_size = photo.name, photo.size
        row.evidence_status = "pending"
    elif earlier is not None and earlier.evidence_ref:  # the photo stays with the correction
        for name in EVIDENCE_FIELDS:
            setattr(row, name, getattr(earlier, name))
    session.add(row)
    session.flush()
    if earlier is not None:
        earlier.superseded_at, earlier.superseded_by = now, row.id
        session.flush()
    return row


def evidence_problem(photo: Attachment, max_bytes: int) -> str | None:
    """Why a file cannot be a criterion's evidence: only a photo, within the attachment limit
    (THIDUA_ATTACHMENT_MAX_MB)."""
    if photo.kind != "image" or (photo.mime and not photo.mime.lower().startswith("image/")):
        return "evidence_not_a_photo"
    if photo.size is not None and photo.size > max_bytes:
        return "attachment_too_large"
    return None


def attach_evidence(
    session: Session,
    *,
    item: Item,
    platform: str,
    photo: Attachment,
    max_bytes: int,
    today: date,
    by: Member,
    now: datetime,
) -> EmulationReport:
    """The photo kept with the figure in force for the item (reported just before). A photo
    that replaces one sent earlier comes on a new row (the same figure, as late as it was)
    that supersedes the earlier: the earlier photo stays in the history with its row."""
    check_open(session, item, today)
    problem = evidence_problem(photo, max_bytes)
    if problem:
        raise InvalidInput(problem)
    row = current(session, item)
    if row is None:
        raise DomainError("report_first")
    if row.evidence_ref:
        name = (photo.name or "")[:200] or None
        sent = Attachment(photo.kind, photo.ref[:2000], name, photo.mime, photo.size)
        again = record(
            session,
            item=item,
            value=row.value,
            by=by,
            today=today,
            now=now,
            evidence=(platform, sent),
        )
        again.late = row.late
        session.flush()
        return again
    row.evidence_platform, row.evidence_ref = platform, photo.ref[:2000]
    row.evidence_name, row.evidence_size = (photo.name or "")[:200] or None, photo.size
    row.evidence_status, row.evidence_path, row.evidence_problem = "pending", None, None
    session.flush()
    return row


def reporting_campaigns(session: Session, member: Member) -> list[Campaign]:
    """Running campaigns the person may report in: as a member of their audience, or as an
    officer of a grassroots union they cover."""
    found = {c.id: c for c in campaigns.running_for_member(session, member=member)}
    held = select(OfficerRole.unit_id).where(OfficerRole.member_id == member.id)
    for unit in session.exec(select(UnionUnit).where(col(UnionUnit.id).in_(held))):
        ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
        for campaign in session.exec(
            select(Campaign).where(
                Campaign.status == CampaignStatus.RUNNING,
                (col(Campaign.unit_id) == unit.id)
                | (col(Campaign.unit_id).in_(ancestors) & col(Campaign.include_subtree)),
            )
        ):
            found.setdefault(campaign.id, campaign)
    return [found[k] for k in sorted(found)]  # type: ignore[index]
