"""Telling a quiz's audience that it is open: an announcement an officer reads and confirms, with
the button that starts the quiz. It goes as every announcement does (core/broadcasts): to the
members of the quiz's unit and the units below it (a campaign's quiz: the campaign's audience)
who accept announcements, held in quiet hours; a quiz that opens later is announced when it
opens. One announcement per quiz."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.delivery_policy import DeliveryPolicy
from core.errors import DomainError, NotFound
from core.i18n import Translator
from core.members.models import UnionUnit
from core.messages import Button
from core.quizzes import rules
from core.quizzes.buttons import Start
from core.quizzes.models import Quiz


def key_of(quiz_id: int) -> str:
    return f"quiz:{quiz_id}"


def default_text(t: Translator, quiz: Quiz, now: datetime) -> str:
    """The announcement as first offered to the officer, in the members' language."""
    if quiz.opens_at > now:
        return t.gettext(
            "A new quiz: «{title}», open from {start} to {end}. Tap «Take the quiz» below, or "
            "send /quiz.",
            title=quiz.title,
            start=t.datetime(quiz.opens_at),
            end=t.datetime(quiz.closes_at),
        )
    return t.gettext(
        "The quiz «{title}» is open until {end}. Tap «Take the quiz» below, or send /quiz.",
        title=quiz.title,
        end=t.datetime(quiz.closes_at),
    )


def audience_of(session: Session, quiz: Quiz) -> broadcasts.Audience:
    if quiz.campaign_id is not None:
        campaign = session.get(Campaign, quiz.campaign_id)
        if campaign is not None:
            return campaigns.audience(session, campaign)
    unit = session.get(UnionUnit, quiz.unit_id)
    if unit is None:
        raise NotFound("unit_unknown")
    return broadcasts.Audience(unit, include_subtree=True)


def announcement_of(session: Session, quiz_id: int) -> Broadcast | None:
    return session.exec(select(Broadcast).where(Broadcast.key == key_of(quiz_id))).first()


def announce(
    session: Session,
    *,
    actor: Actor,
    quiz: Quiz,
    text: str,
    t: Translator,
    policy: DeliveryPolicy,
    now: datetime,
) -> Broadcast:
    """The quiz's announcement, created once (a second confirm finds the first). `t` labels the
    button in the announcement's language."""
    actor.require_unit(session, quiz.unit_id)
    state = rules.availability(
        opens_at=quiz.opens_at,
        closes_at=quiz.closes_at,
        published=quiz.published_at is not None,
        now=now,
    )
    if state in ("not_published", "closed"):
        raise DomainError(state)
    found, _created = broadcasts.create(
        session,
        key=key_of(quiz.id),  # type: ignore[arg-type]
        kind=BroadcastKind.QUIZ,
        audience=audience_of(session, quiz),
        text=text.strip(),
        now=now,
        policy=policy,
        created_by=actor.member_id,
        scheduled_at=quiz.opens_at if state == "not_yet" else None,
        buttons=(Button(t.gettext("Take the quiz"), Start(quiz.id).pack()),),  # type: ignore[arg-type]
    )
    return found
