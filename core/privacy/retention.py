"""How long personal data is kept, and the purge that enforces it (docs/privacy.md).

Each kind of data has its period (the operator's settings, `Retention`). The purge only
deletes or blanks what is older than its period, so running it twice, or on two instances at
once, changes nothing more: it is safe wherever the scheduler runs (`scheduler/jobs.py`) and
from `thidua privacy purge`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from core.broadcasts.models import Broadcast, BroadcastRecipient
from core.campaigns.models import Campaign, CampaignStatus
from core.initiatives.models import Initiative
from core.initiatives.rules import Status
from core.linking.models import OneTimeCode
from core.quizzes import takers
from core.storage.models import OutboxMessage, OutboxStatus, WebchatMessage
from core.websignin.models import WebSession, WebSigninCode

_DONE = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED)


@dataclass(frozen=True)
class Retention:
    """Days each kind of data is kept (0: not purged)."""

    sent_message_days: int = 30  # the text of messages sent (the row stays for the reports)
    webchat_days: int = 30  # the web chat's history of what the bot wrote
    code_days: int = 1  # sign-in, link and claim codes after they expired or were used
    draft_days: int = 90  # initiatives never sent, counted from their last change


def _before(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


def purge(session: Session, *, policy: Retention, now: datetime) -> dict[str, int]:
    """Everything past its period, in the caller's transaction; how many rows each step
    touched. Files of deleted drafts are swept by the attachments loop afterwards."""
    counts = {
        "message_texts": _blank_sent(session, _before(now, policy.sent_message_days)),
        "webchat": _delete_webchat(session, _before(now, policy.webchat_days)),
        "codes": _delete_codes(session, _before(now, policy.code_days)),
        "desk_sessions": _delete_sessions(session, _before(now, policy.code_days)),
        "drafts": _delete_drafts(session, _before(now, policy.draft_days)),
        "held_of_closed_campaigns": cancel_held_of_closed_campaigns(session),
        "quiz_takers": takers.purge_closed(session, now=now),
    }
    session.flush()
    return counts


def _rows(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _blank_sent(session: Session, before: datetime | None) -> int:
    if before is None:
        return 0
    return _rows(
        session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.status).in_(_DONE),
                col(OutboxMessage.created_at) < before,
                col(OutboxMessage.body) != "",
            )
            .values(body="", last_error=None)
            .execution_options(synchronize_session=False)
        )
    )


def _delete_webchat(session: Session, before: datetime | None) -> int:
    if before is None:
        return 0
    return _rows(
        session.execute(
            delete(WebchatMessage)
            .where(col(WebchatMessage.created_at) < before)
            .execution_options(synchronize_session=False)
        )
    )


def _delete_codes(session: Session, before: datetime | None) -> int:
    if before is None:
        return 0
    total = 0
    for model in (WebSigninCode, OneTimeCode):
        total += _rows(
            session.execute(
                delete(model)
                .where(
                    (col(model.expires_at) < before)
                    | (col(model.used_at).is_not(None) & (col(model.used_at) < before))
                )
                .execution_options(synchronize_session=False)
            )
        )
    return total


def _delete_sessions(session: Session, before: datetime | None) -> int:
    """Desk sessions ended (signed out, revoked) or expired before `before`: nothing is left to
    answer for them (a cookie of an unknown session is simply not signed in)."""
    if before is None:
        return 0
    return _rows(
        session.execute(
            delete(WebSession)
            .where(
                (col(WebSession.expires_at) < before)
                | (col(WebSession.ended_at).is_not(None) & (col(WebSession.ended_at) < before))
            )
            .execution_options(synchronize_session=False)
        )
    )


def _delete_drafts(session: Session, before: datetime | None) -> int:
    if before is None:
        return 0
    return _rows(
        session.execute(
            delete(Initiative)
            .where(
                col(Initiative.status) == Status.DRAFT,
                col(Initiative.status_changed_at) < before,
            )
            .execution_options(synchronize_session=False)
        )
    )


def cancel_held_of_closed_campaigns(session: Session) -> int:
    """Announcements of a campaign that has closed, still held for someone's messaging window:
    they would arrive out of date, so they are cancelled, without their text."""
    closed = (
        select(BroadcastRecipient.dedupe_key)
        .join(Broadcast, col(Broadcast.id) == BroadcastRecipient.broadcast_id)
        .join(Campaign, col(Campaign.id) == Broadcast.campaign_id)
        .where(Campaign.status == CampaignStatus.CLOSED)
    )
    return _rows(
        session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.status) == OutboxStatus.HELD,
                col(OutboxMessage.dedupe_key).in_(closed),
            )
            .values(status=OutboxStatus.CANCELLED, body="")
            .execution_options(synchronize_session=False)
        )
    )
