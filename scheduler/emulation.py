"""Emulation's due work: each running campaign's call to pledge and its reminder (see
core/emulation/pledges.py), and at each reporting period the call to report and the reminder
of late reports (core/emulation/report_calls.py), and the call to the evaluators of the level
above (core/emulation/eval_calls.py), as personal messages that delivery holds through quiet
hours; the final review of a campaign closed without one and the reviews' announcements
(core/emulation/review_announce.py)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from core.delivery_policy import DeliveryPolicy
from core.dispatch import ChatConfig
from core.emulation import calls, eval_calls, report_calls, review_announce
from core.i18n import Catalogs
from core.initiatives.notify import Notifier
from core.ports import Clock
from core.storage.uow import unit_of_work


def _notifier(policy: DeliveryPolicy, catalogs: Catalogs) -> Notifier:
    return Notifier(
        catalogs,
        ChatConfig(
            default_locale=catalogs.default_locale, timezone=policy.timezone, delivery=policy
        ),
    )


def pledge_calls(engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs) -> int:
    notifier = _notifier(policy, catalogs)
    with unit_of_work(engine) as session:
        return calls.send_due(session, teller=notifier, now=clock.now(), timezone=policy.timezone)


def progress_calls(engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs) -> int:
    """The calls to report and the reminders of late reports due now."""
    notifier = _notifier(policy, catalogs)
    with unit_of_work(engine) as session:
        return report_calls.send_due(
            session, teller=notifier, now=clock.now(), timezone=policy.timezone
        )


def review_announcements(
    engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs
) -> int:
    """The final review of each campaign closed without one, and the reviews' announcements
    still to send (in the default language, like the campaign's reminders)."""
    t = catalogs.translator(catalogs.default_locale, policy.timezone)
    with unit_of_work(engine) as session:
        return review_announce.run_due(session, now=clock.now(), policy=policy, t=t)


def evaluation_calls(
    engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs
) -> int:
    """The calls to evaluators due now: the units of their blocks awaiting a score."""
    notifier = _notifier(policy, catalogs)
    with unit_of_work(engine) as session:
        return eval_calls.send_due(
            session, teller=notifier, now=clock.now(), timezone=policy.timezone
        )
