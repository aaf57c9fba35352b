"""The channels' traits and the delivery policy the core plans and delivers with: the adapters'
own declarations narrowed by settings, one mapping for the planner and the channels (so they
agree), and the scheduler's due-work job of a runtime."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from adapters.facebook import traits as facebook_traits
from adapters.telegram import traits as telegram_traits
from adapters.webchat import traits as webchat_traits
from adapters.zalo import traits as zalo_traits
from adapters.zalobot import traits as zalobot_traits
from bots.platforms import terminal
from bots.services import Services
from bots.settings import Settings
from core.chat.traits import ChannelTraits
from core.delivery_policy import DeliveryPolicy, parse_quiet_hours
from core.privacy.retention import Retention
from scheduler.jobs import Ticker


def channel_traits(settings: Settings) -> dict[str, ChannelTraits]:
    """What each channel carries: its adapter's declaration (adapters/<platform>/traits.py),
    narrowed by the settings that lower a rate or open Zalo's billed window. The same traits
    serve the core's planner and the channels, configured or not in this process."""
    declared = [
        webchat_traits.TRAITS,
        terminal.TRAITS,
        telegram_traits.configured(
            overall_rate=settings.telegram_overall_rate,
            paid_broadcast=settings.telegram_paid_broadcast,
        ),
        facebook_traits.configured(send_rate=settings.facebook_send_rate),
        zalo_traits.configured(
            billable_proactive=settings.zalo_billable_proactive,
            per_minute=settings.zalo_rate_limit_per_minute,
        ),
        zalobot_traits.configured(send_rate=settings.zalobot_send_rate),
    ]
    return {traits.platform: traits for traits in declared}


def delivery_policy(
    settings: Settings, traits: Mapping[str, ChannelTraits] | None = None
) -> DeliveryPolicy:
    quiet_start, quiet_end = parse_quiet_hours(settings.quiet_hours)
    return DeliveryPolicy(
        traits=channel_traits(settings) if traits is None else traits,
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
        retention=retention_policy(runtime.settings),
    )


def retention_policy(settings: Settings) -> Retention:
    return Retention(
        sent_message_days=settings.retention_sent_message_days,
        webchat_days=settings.retention_webchat_days,
        code_days=settings.retention_code_days,
        draft_days=settings.retention_draft_days,
    )
