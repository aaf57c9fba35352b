"""Personal messages to a member (status of their initiative, a review to do), written to the
outbox in the caller's transaction, in the member's language, on one of their messengers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session, col, select

from core import outbox
from core.broadcasts.rules import Contact, choose_contact
from core.delivery_policy import recently_active
from core.i18n import Catalogs, Translator
from core.members.models import Identity, Member
from core.messages import OutgoingMessage
from core.storage.models import OutboxMessage

if TYPE_CHECKING:
    from core.dispatch import ChatConfig, Context

Compose = Callable[[Translator], list[OutgoingMessage]]


class Teller(Protocol):
    """What a service needs to tell one member something personal (Notifier below): queue the
    composed message in their language, and a translator for a locale."""

    def tell(
        self, session: Session, *, member_id: int, compose: Compose, key: str, now: datetime
    ) -> bool: ...

    def translator(self, locale: str | None) -> Translator: ...


@dataclass(frozen=True)
class Notifier:
    catalogs: Catalogs
    config: ChatConfig

    def translator(self, locale: str | None) -> Translator:
        return self.catalogs.translator(locale, self.config.timezone)

    def tell(
        self, session: Session, *, member_id: int, compose: Compose, key: str, now: datetime
    ) -> bool:
        """Queue the message on the messenger that reaches the member best now (held for
        their next message where a window forbids writing first). False when they have no
        messenger that can reach them."""
        member = session.get(Member, member_id)
        if member is None:
            return False
        identities = list(
            session.exec(
                select(Identity).where(Identity.member_id == member_id).order_by(col(Identity.id))
            )
        )
        contacts = [
            Contact(
                identity_id=i.id,  # type: ignore[arg-type]
                platform=i.platform,
                last_inbound_at=i.last_inbound_at,
                blocked=i.blocked_at is not None,
            )
            for i in identities
        ]
        # A personal status message is part of the service the member asked for, not an
        # announcement: the announcements consent does not apply.
        choice = choose_contact(
            contacts,
            preferred=member.preferred_platform,
            consented=True,
            policy=self.config.delivery,
            now=now,
        )
        if choice.contact is None:
            return False
        identity = next(i for i in identities if i.id == choice.contact.identity_id)
        messages = compose(self.translator(member.locale))
        if session.exec(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == f"{key}:0")
        ).first():
            return True  # already queued by an earlier run of the same decision
        outbox.enqueue(
            session,
            identity=identity,
            messages=messages,
            dedupe_prefix=key,
            now=now,
            # held by quiet hours, unless the person is in the middle of a conversation
            proactive=not recently_active(choice.contact.last_inbound_at, now),
        )
        return True


def notifier(ctx: Context) -> Notifier:
    """The notifier of the chat's own catalogs and settings (for a service called from chat)."""
    return Notifier(ctx.catalogs, ctx.config)
