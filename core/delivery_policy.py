"""What the composition root tells the core about delivering messages: rates, messaging
windows (from the messengers' traits), quiet hours, leases. Plain values and pure rules, read
by the dispatcher's configuration, broadcasts, reminders and digests alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.chat.traits import ChannelTraits, OutsideWindow


@dataclass(frozen=True)
class DeliveryPolicy:
    """What the composition root tells the core about delivery, as plain values from settings.

    `traits` are the messengers' own declarations (adapters/<platform>/traits.py, narrowed
    by settings): each one's send rate, messaging window and text limit. A platform without
    traits has no window and no rate of ours. `template_platforms` have an approved template
    configured, so a member beyond the window is reached with it when the platform allows.
    """

    traits: Mapping[str, ChannelTraits] = field(default_factory=dict, hash=False)
    template_platforms: frozenset[str] = frozenset()
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    timezone: str = "Asia/Ho_Chi_Minh"
    reminder_days: int = 3
    lease_seconds: int = 3
    fanout_batch: int = 1000
    inline_fanout: int = 2000  # audiences up to this size are queued in the confirming transaction

    def rate(self, platform: str) -> float:
        traits = self.traits.get(platform)
        return 0.0 if traits is None else traits.send_rate

    def window(self, platform: str) -> timedelta | None:
        traits = self.traits.get(platform)
        return None if traits is None else traits.window

    def reaches_with_template(self, platform: str) -> bool:
        traits = self.traits.get(platform)
        return (
            platform in self.template_platforms
            and traits is not None
            and traits.outside_window is OutsideWindow.TEMPLATE
        )

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    def in_quiet_hours(self, now: datetime) -> bool:
        return in_quiet_hours(now, self.quiet_start, self.quiet_end, self.timezone)

    def quiet_ends_after(self, now: datetime) -> datetime:
        """The next instant proactive sends may go (now, if not in quiet hours)."""
        if not self.in_quiet_hours(now):
            return now
        tz = ZoneInfo(self.timezone)
        local = now.astimezone(tz)
        end = local.replace(
            hour=self.quiet_end.hour, minute=self.quiet_end.minute, second=0, microsecond=0
        )
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(now.tzinfo)


# A person who wrote to the bot this recently is awake: a personal message about what they
# are doing (their initiative received, accepted) is a reply, not held by quiet hours.
AWAKE_WINDOW = timedelta(minutes=30)


def recently_active(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now - last_inbound_at <= AWAKE_WINDOW


def in_quiet_hours(now: datetime, start: time, end: time, timezone: str) -> bool:
    if start == end:
        return False
    local = now.astimezone(ZoneInfo(timezone)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 21:00–07:00


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """ "21:00-07:00" -> (21:00, 07:00). Raises ValueError with a readable message."""
    try:
        first, second = (part.strip() for part in text.split("-"))
        return time.fromisoformat(first), time.fromisoformat(second)
    except ValueError as exc:
        raise ValueError(f"quiet hours must look like 21:00-07:00, not {text!r}") from exc
