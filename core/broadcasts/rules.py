"""Pure rules of broadcasting: which messenger reaches a member, quiet hours, finish time."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.broadcasts.models import Reach, SkipReason
from core.chat.traits import ChannelTraits
from core.delivery_policy import DeliveryPolicy

ANNOUNCEMENT_MAX = 4000  # longer announcements are refused: nobody reads more in a chat


@dataclass(frozen=True)
class Contact:
    """One messenger account of a member, as far as reaching them is concerned."""

    identity_id: int
    platform: str
    last_inbound_at: datetime | None
    blocked: bool


@dataclass(frozen=True)
class Choice:
    contact: Contact | None
    reach: Reach
    skip: SkipReason | None = None


def reach_of(contact: Contact, policy: DeliveryPolicy, now: datetime) -> Reach:
    if contact.blocked:
        return Reach.UNREACHABLE
    window = policy.window(contact.platform)
    if window is None:
        return Reach.NOW
    if contact.last_inbound_at is not None and now - contact.last_inbound_at <= window:
        return Reach.NOW
    if policy.reaches_with_template(contact.platform):
        return Reach.TEMPLATE
    return Reach.NEXT_MESSAGE


_ORDER = {Reach.NOW: 0, Reach.TEMPLATE: 1, Reach.NEXT_MESSAGE: 2}


def choose_contact(
    contacts: Sequence[Contact],
    *,
    preferred: str | None,
    consented: bool,
    policy: DeliveryPolicy,
    now: datetime,
) -> Choice:
    """One messenger per member: the preferred one if it reaches them now, else another that
    reaches them now, else the best of template / next message; never a blocked one."""
    if not contacts:
        return Choice(None, Reach.UNREACHABLE, SkipReason.NO_MESSENGER)
    if not consented:
        return Choice(None, Reach.UNREACHABLE, SkipReason.NO_CONSENT)
    usable = [(reach_of(c, policy, now), c) for c in contacts]
    usable = [(r, c) for r, c in usable if r != Reach.UNREACHABLE]
    if not usable:
        return Choice(None, Reach.UNREACHABLE, SkipReason.BLOCKED)

    def rank(item: tuple[Reach, Contact]) -> tuple[int, int, float]:
        reach, contact = item
        seen = contact.last_inbound_at.timestamp() if contact.last_inbound_at else 0.0
        return (_ORDER[reach], 0 if contact.platform == preferred else 1, -seen)

    reach, contact = min(usable, key=rank)
    return Choice(contact, reach)


def estimated_finish(counts: Mapping[str, int], policy: DeliveryPolicy, now: datetime) -> datetime:
    """When the last message that can go now should have gone: platforms send in parallel,
    each at its rate, starting when the quiet hours end."""
    start = policy.quiet_ends_after(now)
    seconds = 0.0
    for platform, count in counts.items():
        rate = policy.rate(platform)
        if rate > 0 and count:
            seconds = max(seconds, count / rate)
    return start + timedelta(seconds=math.ceil(seconds))


def announcement_problem(text: str) -> str | None:
    if not text.strip():
        return "announcement_empty"
    if len(text) > ANNOUNCEMENT_MAX:
        return "announcement_too_long"
    return None


def parts_per_platform(
    text: str, platforms: Sequence[str], traits: Mapping[str, ChannelTraits]
) -> dict[str, int]:
    """How many messages the announcement becomes on each platform: the adapters split it as
    their traits say, which is what `ChannelTraits.split` does."""
    return {p: len(traits[p].split(text)) if p in traits else 1 for p in platforms}


@dataclass
class PlanCounts:
    """Per platform and reach, how many members; plus skipped members by reason."""

    by_platform: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, choice: Choice) -> None:
        if choice.contact is None:
            reason = str(choice.skip or SkipReason.NO_MESSENGER)
            self.skipped[reason] = self.skipped.get(reason, 0) + 1
            return
        row = self.by_platform.setdefault(choice.contact.platform, {})
        row[str(choice.reach)] = row.get(str(choice.reach), 0) + 1

    @property
    def total(self) -> int:
        return sum(sum(r.values()) for r in self.by_platform.values()) + sum(self.skipped.values())

    def count(self, reach: Reach) -> int:
        return sum(r.get(str(reach), 0) for r in self.by_platform.values())

    def sendable(self) -> dict[str, int]:
        return {
            p: r.get(Reach.NOW, 0) + r.get(Reach.TEMPLATE, 0) for p, r in self.by_platform.items()
        }
