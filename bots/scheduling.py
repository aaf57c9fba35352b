"""The delivery policy the core plans and delivers with, from the same settings the adapters
use for their own limits and windows (so the reach planner and the adapters agree), and the
scheduler's due-work job of a runtime."""

from __future__ import annotations

import asyncio

from bots.services import Services
from bots.settings import Settings
from core.broadcasts.rules import FACEBOOK_WINDOW_HOURS, DeliveryPolicy, parse_quiet_hours
from scheduler.jobs import Ticker


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    quiet_start, quiet_end = parse_quiet_hours(settings.quiet_hours)
    # The adapters' own settings (issues 3-5); their defaults are the platforms' documented limits.
    paid = getattr(settings, "telegram_paid_broadcast", False)
    telegram_rate = 1000.0 if paid else getattr(settings, "telegram_overall_rate", 30.0)
    facebook_rate = getattr(settings, "facebook_send_rate", 300.0)
    zalo_per_minute = getattr(settings, "zalo_rate_limit_per_minute", 4000)
    billable = getattr(settings, "zalo_billable_proactive", False)
    zalo_window = 24.0 * 7 if billable else 48.0
    return DeliveryPolicy(
        rates=(
            ("telegram", telegram_rate),
            ("facebook", facebook_rate),
            ("zalo", zalo_per_minute / 60.0),
        ),
        windows=(("facebook", FACEBOOK_WINDOW_HOURS), ("zalo", zalo_window)),
        template_platforms=frozenset({"zalo"} if settings.zalo_announcement_template_id else ()),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        timezone=settings.timezone,
        reminder_days=settings.campaign_reminder_days,
        lease_seconds=settings.delivery_lease_seconds,
        fanout_batch=settings.broadcast_batch,
        inline_fanout=max(settings.broadcast_batch * 2, 2000),
    )


def make_ticker(runtime: Services, loop: asyncio.AbstractEventLoop) -> Ticker:
    """The scheduler's due-work job for this runtime; it wakes this instance's delivery loop."""
    return Ticker(
        engine=runtime.engine,
        clock=runtime.clock,
        policy=runtime.processor.config.delivery,
        catalogs=runtime.catalogs,
        platforms=sorted(runtime.channels),
        on_outbox=lambda: loop.call_soon_threadsafe(runtime.outbox_ready.set),
    )
