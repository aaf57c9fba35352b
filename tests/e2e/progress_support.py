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


def monthly(
    name: str,
    points: int,
    *,
    kind: Kind = Kind.NUMBER,
    reporter: Reporter = Reporter.MEMBER,
    measure: str = "",
    target: int | None = None,
    evidence: bool = False,
) -> CriterionInput:
    """A criterion reported every month (by members unless said otherwise)."""
    return CriterionInput(
        name=name,
        kind=kind,
        points=Decimal(points),
        reporter=reporter,
        frequency=Frequency.MONTHLY,
        measure=measure,
        target=None if target is None else Decimal(target),
        evidence=evidence,
    )


HOURS = monthly("Giờ học tập", 40, measure="giờ", target=10)
RULES = monthly("Chấp hành nội quy", 30, kind=Kind.YES_NO)
INITIATIVES = monthly("Sáng kiến", 30, measure="sáng kiến", target=1, evidence=True)
OUTPUT = monthly(
    "Sản lượng so với kế hoạch", 50, reporter=Reporter.GRASSROOTS, measure="%", target=100
)


def launched_campaign(
    runtime: Runtime,
    officer: int,
    *,
    title: str,
    dates: tuple[date, date],
    rows: tuple[CriterionInput, ...] | str,
    text: str,
) -> tuple[int, list[int]]:
    """A campaign of the Minh Phát union, launched by its officer with these words, with its
    criteria (given, or a template's by key); returns its id and its criteria's ids in order."""
    with Session(runtime.engine) as session, session.begin():
        return launch(session, runtime, officer, title=title, dates=dates, rows=rows, text=text)


def launch(
    session: Session,
    runtime: Runtime,
    officer: int,
    *,
    title: str,
    dates: tuple[date, date],
    rows: tuple[CriterionInput, ...] | str,
    text: str,
) -> tuple[int, list[int]]:
    """launched_campaign in the caller's transaction (for a test that must add rows before a
    background scheduler sees the campaign)."""
    actor, now = Actor.officer(officer), runtime.clock.now()
    data = campaigns.CampaignInput(
        unit_id=MINH_PHAT, title=title, starts_on=dates[0], ends_on=dates[1]
    )
    campaign = campaigns.create(session, actor=actor, data=data, now=now)
    campaign_id: int = campaign.id  # type: ignore[assignment]
    if isinstance(rows, str):
        t = runtime.catalogs.translator("vi")
        made = criteria.from_template(
            session, actor=actor, campaign_id=campaign_id, key=rows, t=t, now=now
        )
    else:
        made = [
            criteria.add(session, actor=actor, campaign_id=campaign_id, data=row, now=now)
            for row in rows
        ]
    campaigns.launch(
        session,
        actor=actor,
        campaign_id=campaign_id,
        text=text,
        now=now,
        policy=runtime.processor.config.delivery,
    )
    return campaign_id, [c.id for c in made]  # type: ignore[misc]


def running_campaign(
    runtime: Runtime, officer: int, rows: tuple[CriterionInput, ...] = (HOURS, RULES, INITIATIVES)
) -> tuple[int, list[int]]:
    """The quarter's campaign, launched, with its criteria (their ids in order)."""
    return launched_campaign(
        runtime,
        officer,
        title="Thi đua quý cuối năm",
        dates=(date(2026, 11, 1), date(2027, 1, 31)),
        rows=rows,
        text="Phát động thi đua quý cuối năm!",
    )


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
