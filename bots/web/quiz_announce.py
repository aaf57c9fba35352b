"""The quiz page's announcement card: what the members would read (in their language), whom it
reaches (the reach plan, quiet hours), or the announcement already sent
(core/quizzes/announce.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.delivery_policy import DeliveryPolicy
from core.i18n import Translator
from core.quizzes import announce
from core.quizzes.models import Quiz


@dataclass(frozen=True)
class Announcement:
    sent: Broadcast | None  # the quiz's announcement, once confirmed
    text: str  # the text offered (or as typed, after a refusal)
    plan: broadcasts.Plan | None  # whom it would reach now (None once sent or not possible)
    possible: bool  # published and not closed


def card(
    s: Session,
    quiz: Quiz,
    state: str,
    members_t: Translator,
    policy: DeliveryPolicy,
    now: datetime,
    typed: str | None = None,
) -> Announcement:
    sent = announce.announcement_of(s, quiz.id)  # type: ignore[arg-type]
    possible = state in ("open", "not_yet")
    plan = None
    if sent is None and possible:
        audience = announce.audience_of(s, quiz)
        plan = broadcasts.plan(s, audience=audience, policy=policy, now=now)
    text = typed if typed is not None else announce.default_text(members_t, quiz, now)
    return Announcement(sent, text, plan, possible)
