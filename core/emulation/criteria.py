"""A campaign's criteria: listed, added (one by one or from a template), edited, removed, by
officers whose scope covers the campaign. Once the campaign is launched an edit keeps the old
version (retired) and adds the next, so what was pledged and reported under it stays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, func, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.emulation import scoring
from core.emulation.models import EmulationCriterion
from core.emulation.rules import CriterionInput, criterion_problem
from core.emulation.templates import TEMPLATES, CampaignTemplate, Frequency, Reporter
from core.errors import DomainError, InvalidInput, NotFound
from core.i18n import Translator


def active(session: Session, *, campaign_id: int) -> list[EmulationCriterion]:
    """The campaign's criteria in force, in their order."""
    return list(
        session.exec(
            select(EmulationCriterion)
            .where(
                EmulationCriterion.campaign_id == campaign_id,
                col(EmulationCriterion.retired_at).is_(None),
            )
            .order_by(col(EmulationCriterion.position), col(EmulationCriterion.id))
        )
    )


def of_campaign(
    session: Session, *, actor: Actor, campaign_id: int
) -> tuple[Campaign, list[EmulationCriterion]]:
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    return campaign, active(session, campaign_id=campaign_id)


def _editable(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("campaign_closed")
    return campaign


def _checked(data: CriterionInput) -> CriterionInput:
    data = replace(data, name=data.name.strip(), measure=data.measure.strip())
    problem = criterion_problem(data)
    if problem:
        raise InvalidInput(problem)
    return data


def _fill(row: EmulationCriterion, data: CriterionInput) -> EmulationCriterion:
    row.name, row.kind, row.points = data.name, data.kind.value, data.points
    row.reporter, row.frequency = data.reporter.value, data.frequency.value
    row.measure, row.target, row.evidence = data.measure, data.target, data.evidence
    row.per_member, row.lower_is_better = data.per_member, data.lower_is_better
    return row


def _next_position(session: Session, campaign_id: int) -> int:
    highest = session.exec(
        select(func.max(EmulationCriterion.position)).where(
            EmulationCriterion.campaign_id == campaign_id
        )
    ).one()
    return (highest or 0) + 1


def add(
    session: Session, *, actor: Actor, campaign_id: int, data: CriterionInput, now: datetime
) -> EmulationCriterion:
    _editable(session, actor, campaign_id)
    row = EmulationCriterion(
        campaign_id=campaign_id, position=_next_position(session, campaign_id), created_at=now
    )
    session.add(_fill(row, _checked(data)))
    session.flush()
    return row


def template(key: str) -> CampaignTemplate:
    for found in TEMPLATES:
        if found.key == key:
            return found
    raise NotFound("template_unknown")


def template_inputs(found: CampaignTemplate, t: Translator) -> list[CriterionInput]:
    """The template's criteria in the officer's language, ready to keep or change."""
    return [
        CriterionInput(
            name=t.gettext(c.name),
            kind=c.kind,
            points=c.points,
            reporter=c.reporter,
            frequency=c.frequency,
            measure=t.gettext(c.measure) if c.measure else "",
            target=c.target,
            per_member=c.per_member,
            lower_is_better=c.lower_is_better,
            evidence=c.evidence,
        )
        for c in found.criteria
    ]


def from_template(
    session: Session, *, actor: Actor, campaign_id: int, key: str, t: Translator, now: datetime
) -> list[EmulationCriterion]:
    """The template's criteria copied onto a campaign that has none yet."""
    _editable(session, actor, campaign_id)
    found = template(key)
    if active(session, campaign_id=campaign_id):
        raise DomainError("criteria_exist")
    return [
        add(session, actor=actor, campaign_id=campaign_id, data=data, now=now)
        for data in template_inputs(found, t)
    ]


def criterion_of(session: Session, *, actor: Actor, criterion_id: int) -> EmulationCriterion:
    row = session.get(EmulationCriterion, criterion_id)
    if row is None or row.retired_at is not None:
        raise NotFound("criterion_unknown")
    campaigns.get(session, actor=actor, campaign_id=row.campaign_id)
    return row


def edit(
    session: Session, *, actor: Actor, criterion_id: int, data: CriterionInput, now: datetime
) -> EmulationCriterion:
    """The criterion changed in place while its campaign is a draft; after the launch, its
    next version replaces it (the old one is kept, retired)."""
    row = criterion_of(session, actor=actor, criterion_id=criterion_id)
    campaign = _editable(session, actor, row.campaign_id)
    data = _checked(data)
    if campaign.status == CampaignStatus.DRAFT:
        _fill(row, data)
        session.flush()
        return row
    row.retired_at = now
    following = EmulationCriterion(
        campaign_id=row.campaign_id,
        position=row.position,
        version=row.version + 1,
        replaces_id=row.id,
        created_at=now,
    )
    session.add(_fill(following, data))
    session.flush()
    return following


def remove(session: Session, *, actor: Actor, criterion_id: int, now: datetime) -> None:
    """Gone from a draft; retired (kept for what was reported under it) after the launch."""
    row = criterion_of(session, actor=actor, criterion_id=criterion_id)
    campaign = _editable(session, actor, row.campaign_id)
    if campaign.status == CampaignStatus.DRAFT:
        session.delete(row)
    else:
        row.retired_at = now
    session.flush()


def input_of(row: EmulationCriterion) -> CriterionInput:
    return CriterionInput(
        name=row.name,
        kind=scoring.Kind(row.kind),
        points=row.points,
        reporter=Reporter(row.reporter),
        frequency=Frequency(row.frequency),
        measure=row.measure,
        target=row.target,
        per_member=row.per_member,
        lower_is_better=row.lower_is_better,
        evidence=row.evidence,
    )


def as_scored(row: EmulationCriterion, target: Decimal | None) -> scoring.Criterion:
    """The criterion as the pure scoring rules read it, against the target given (the
    campaign's own, or a member's pledged one)."""
    return scoring.Criterion(
        id=row.id,  # type: ignore[arg-type]
        kind=scoring.Kind(row.kind),
        points=row.points,
        target=target,
        per_member=row.per_member,
        lower_is_better=row.lower_is_better,
    )


def for_scoring(rows: Sequence[EmulationCriterion]) -> list[scoring.Criterion]:
    return [as_scored(row, row.target) for row in rows]


def most_points(rows: Sequence[EmulationCriterion]) -> Decimal:
    return scoring.most_points(for_scoring(rows))
