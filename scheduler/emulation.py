"""Emulation's due work: each running campaign's call to pledge and its reminder (see
core/emulation/pledges.py), as personal messages that delivery holds through quiet hours."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from core.delivery_policy import DeliveryPolicy
from core.dispatch import ChatConfig
from core.emulation import calls
from core.i18n import Catalogs
from core.initiatives.notify import Notifier
from core.ports import Clock
from core.storage.uow import unit_of_work


def pledge_calls(engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs) -> int:
    notifier = Notifier(
        catalogs,
        ChatConfig(
            default_locale=catalogs.default_locale, timezone=policy.timezone, delivery=policy
        ),
    )
    with unit_of_work(engine) as session:
        return calls.send_due(session, teller=notifier, now=clock.now(), timezone=policy.timezone)
