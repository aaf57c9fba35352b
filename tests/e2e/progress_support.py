"""Shared set-up of the progress report tests: a running campaign of the Minh Phát union from
1 November 2026 to 31 January 2027 with monthly criteria members report (hours of training
with a target, rules kept yes/no, initiatives with a photo as evidence) and one the union
reports (output against plan), the scheduler's calls, and the report rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.emulation import criteria
from core.emulation.models import EmulationReport
from core.emulation.rules import CriterionInput
from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter
from core.members.models import Member
from scheduler.emulation import progress_calls
from tests.e2e.campaign_support import MINH_PHAT

HOURS = CriterionInput(
    name="Giờ học tập",
    kind=Kind.NUMBER,
    points=Decimal(40),
    reporter=Reporter.MEMBER,
    frequency=Frequency.MONTHLY,
    measure="giờ",
    target=Decimal(10),
)
RULES = CriterionInput(
    name="Chấp hành nội quy",
    kind=Kind.YES_NO,
    points=Decimal(30),
    reporter=Reporter.MEMBER,
    frequency=Frequency.MONTHLY,
)
INITIATIVES = CriterionInput(
    name="Sáng kiến",
    kind=Kind.NUMBER,
    points=Decimal(30),
    reporter=Reporter.MEMBER,
    frequency=Frequency.MONTHLY,
    measure="sáng kiến",
    target=Decimal(1),
    evidence=True,
)
OUTPUT = CriterionInput(
    name="Sản lượng so với kế hoạch",
    kind=Kind.NUMBER,
    points=Decimal(50),
    reporter=Reporter.GRASSROOTS,
    frequency=Frequency.MONTHLY,
    measure="%",
    target=Decimal(100),
)


def running_campaign(
    runtime: Runtime, officer: int, rows: tuple[CriterionInput, ...] = (HOURS, RULES, INITIATIVES)
) -> tuple[int, list[int]]:
    """The campaign, launched, with its criteria (their ids in order)."""
    actor, now = Actor.officer(officer), runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        data = campaigns.CampaignInput(
            unit_id=MINH_PHAT,
            title="Thi đua quý cuối năm",
            starts_on=date(2026, 11, 1),
            ends_on=date(2027, 1, 31),
        )
        campaign = campaigns.create(session, actor=actor, data=data, now=now)
        made = [
            criteria.add(session, actor=actor, campaign_id=campaign.id, data=row, now=now)  # type: ignore[arg-type]
            for row in rows
        ]
        campaigns.launch(
            session,
            actor=actor,
            campaign_id=campaign.id,  # type: ignore[arg-type]
            text="Phát động thi đua quý cuối năm!",
            now=now,
            policy=runtime.processor.config.delivery,
        )
        return campaign.id, [c.id for c in made]  # type: ignore[return-value]


def calls(runtime: Runtime) -> int:
    policy = runtime.processor.config.delivery
    return progress_calls(runtime.engine, runtime.clock, policy, runtime.catalogs)


def report_rows(runtime: Runtime, name: str | None = None) -> list[EmulationReport]:
    """Every report row (superseded ones too) of the named member, or of units, by id."""
    with Session(runtime.engine) as session:
        query = select(EmulationReport).order_by(col(EmulationReport.id))
        if name is None:
            query = query.where(col(EmulationReport.member_id).is_(None))
        else:
            person = session.exec(select(Member.id).where(Member.full_name == name)).one()
            query = query.where(EmulationReport.member_id == person)
        return list(session.exec(query))


def current(rows: list[EmulationReport]) -> dict[tuple[int, str], Decimal]:
    """(criterion id, period) -> the figure in force."""
    return {(r.criterion_id, r.period): r.value for r in rows if r.superseded_at is None}
