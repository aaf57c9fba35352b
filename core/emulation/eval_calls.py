"""The call to evaluators (issue #17): when a period of a running campaign's criteria scored by
the level above opens (with the call to report, core/emulation/periods.py), each evaluator of
the blocks ranking the campaign gets one short personal message listing the units awaiting
their evaluation, with a button per block; once per period, claimed FOR UPDATE SKIP LOCKED.
Delivery holds it through quiet hours, like the calls to report."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.dispatch import button, reply
from core.emulation import block_ranking, blocks, eval_queue
from core.emulation import eval_texts as words
from core.emulation.block_models import EvaluationCall
from core.emulation.buttons import EvalPeriod
from core.emulation.models import EmulationCriterion
from core.emulation.periods import periods
from core.emulation.pledges import Compose, Teller, local_today
from core.emulation.templates import Frequency, Reporter
from core.i18n import Translator
from core.members.models import Member, OfficerRole
from core.messages import OutgoingMessage

BUTTONS = 3


def _scored_campaigns(session: Session, limit: int) -> list[Campaign]:
    scored = select(EmulationCriterion.campaign_id).where(
        col(EmulationCriterion.retired_at).is_(None),
        EmulationCriterion.reporter == Reporter.EVALUATOR,
    )
    return list(
        session.exec(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.RUNNING, col(Campaign.id).in_(scored))
            .order_by(col(Campaign.id))
            .limit(limit)
        )
    )


def _open_today(session: Session, campaign: Campaign, today: date) -> list[date]:
    """The ends of the scored criteria's periods open today."""
    frequencies = {
        Frequency(c.frequency)
        for c in block_ranking.unit_criteria(session, campaign)
        if c.reporter == Reporter.EVALUATOR
    }
    return sorted(
        {
            p.end
            for f in frequencies
            for p in periods(f, campaign.starts_on, campaign.ends_on)
            if p.open_on(today)
        }
    )


def _claim(session: Session, campaign_id: int, due_on: date) -> EvaluationCall | None:
    if session.get(EvaluationCall, (campaign_id, due_on)) is None:
        session.add(EvaluationCall(campaign_id=campaign_id, due_on=due_on))
        session.flush()
    return session.exec(
        select(EvaluationCall)
        .where(EvaluationCall.campaign_id == campaign_id, EvaluationCall.due_on == due_on)
        .with_for_update(skip_locked=True)
    ).first()


def _compose(found: list[eval_queue.Waiting]) -> Compose:
    def compose(t: Translator) -> list[OutgoingMessage]:
        options = [
            button(
                t.gettext("Evaluate «{block}»", block=w.block.name)[:60],
                EvalPeriod(w.block.id, w.campaign.id, int(f"{w.due_on:%Y%m%d}")),  # type: ignore[arg-type]
            )
            for w in found[:BUTTONS]
        ]
        return [reply(words.call(t, found), *options)]

    return compose


def _tell(session: Session, teller: Teller, campaign: Campaign, due_on: date, now: datetime) -> int:
    by_member: dict[int, list[eval_queue.Waiting]] = {}
    for block in blocks.of_campaign(session, Actor.admin(), campaign):
        found = eval_queue.waiting_in(session, block, campaign, due_on)
        if found is None:
            continue
        held = session.exec(
            select(OfficerRole.member_id).where(OfficerRole.unit_id == block.owner_unit_id)
        ).all()
        for member_id in sorted(set(held)):
            by_member.setdefault(member_id, []).append(found)
    told = 0
    for member_id, found in by_member.items():
        member = session.get(Member, member_id)
        if member is None or member.forgotten_at is not None:
            continue
        key = f"eval_call:{campaign.id}:{due_on:%Y%m%d}:{member_id}"
        compose = _compose(found)
        if teller.tell(session, member_id=member_id, compose=compose, key=key, now=now):
            told += 1
    return told


def send_due(
    session: Session, *, teller: Teller, now: datetime, timezone: str, limit: int = 100
) -> int:
    """For each running campaign with criteria the level above scores and each of their
    periods open today: the call, once, to the evaluators with units awaiting. Returns the
    messages queued."""
    today, sent = local_today(now, timezone), 0
    for campaign in _scored_campaigns(session, limit):
        for due_on in _open_today(session, campaign, today):
            call = _claim(session, campaign.id, due_on)  # type: ignore[arg-type]
            if call is None or call.called_at is not None:
                continue
            call.called_at = now
            sent += _tell(session, teller, campaign, due_on, now)
    session.flush()
    return sent
