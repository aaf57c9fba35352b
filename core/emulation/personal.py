"""A person's own emulation records for /mydata: their pledges (title, targets) and every
figure they reported or that is theirs, corrections included."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.campaigns.models import Campaign
from core.emulation import pledges
from core.emulation.models import EmulationCriterion, EmulationPledge, EmulationReport
from core.emulation.report_texts import period_label
from core.emulation.scoring import Kind
from core.emulation.texts import figure
from core.emulation.titles import title_label
from core.i18n import Translator

LIMIT = 20


def _section(t: Translator, title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    more = len(items) - LIMIT
    tail = [t.gettext("… and {count} more", count=more)] if more > 0 else []
    return ["", title, *(f"• {line}" for line in items[:LIMIT]), *tail]


def pledge_lines(session: Session, t: Translator, member_id: int) -> list[str]:
    rows = session.exec(
        select(EmulationPledge, Campaign)
        .join(Campaign, col(Campaign.id) == EmulationPledge.campaign_id)
        .where(EmulationPledge.member_id == member_id)
        .order_by(col(EmulationPledge.id).desc())
    ).all()
    items = []
    for pledge, campaign in rows:
        targets = pledges.targets_of(session, pledge_id=pledge.id)  # type: ignore[arg-type]
        shown = [
            f"{c.name} {figure(t, c, targets[c.id])}"  # type: ignore[index]
            for c in session.exec(
                select(EmulationCriterion).where(col(EmulationCriterion.id).in_(list(targets)))
            )
        ]
        line = f"{campaign.title}: {title_label(t, pledge.title)}"
        items.append(line + (f" ({'; '.join(shown)})" if shown else ""))
    return _section(t, t.gettext("Your pledges:"), items)


def report_lines(session: Session, t: Translator, member_id: int) -> list[str]:
    rows = session.exec(
        select(EmulationReport, EmulationCriterion, Campaign)
        .join(EmulationCriterion, col(EmulationCriterion.id) == EmulationReport.criterion_id)
        .join(Campaign, col(Campaign.id) == EmulationReport.campaign_id)
        .where(
            (EmulationReport.member_id == member_id) | (EmulationReport.reported_by == member_id)
        )
        .order_by(col(EmulationReport.id).desc())
    ).all()
    items = []
    for report, criterion, campaign in rows:
        if criterion.kind == Kind.YES_NO:
            value = t.gettext("Yes") if report.value >= 1 else t.gettext("No")
        else:
            value = figure(t, criterion, report.value)
        line = t.gettext(
            "{campaign}, {period}, {criterion}: {value} ({when})",
            campaign=campaign.title,
            period=period_label(t, report.period),
            criterion=criterion.name,
            value=value,
            when=t.datetime(report.created_at),
        )
        if report.member_id is None:
            line += " · " + t.gettext("for your union")
        if report.superseded_at is not None:
            line += " · " + t.gettext("corrected later")
        if report.evidence_ref:
            line += " · " + t.gettext("with a photo")
        items.append(line)
    return _section(t, t.gettext("Your progress reports:"), items)
