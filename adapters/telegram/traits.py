"""What Telegram carries (platforms.md §1), declared once: the channel, the core's planner and
the renderer read these values."""

from __future__ import annotations

from dataclasses import replace

from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit

CAPTION_LIMIT = 1024  # §1.5: captions 1-1024 characters, counted like the text
GROUP_PER_MINUTE = 20.0  # §1.8: at most 20 messages a minute to one group
PAID_BROADCAST_RATE = 1000.0  # §1.8: allow_paid_broadcast, 0.1 Star per message

TRAITS = ChannelTraits(
    platform="telegram",
    text_limit=4096,  # §1.5: text 1-4096 characters after entity parsing...
    text_unit=TextUnit.UTF16,  # ...counted as Telegram counts entity offsets: UTF-16 units
    buttons=True,  # §1.5: inline keyboards with callback_data
    max_buttons=100,  # §1.5: 100 buttons per message (PTB marks it undocumented; UNVERIFIED)
    button_label_max=100,  # not in platforms.md; a poll option's 1-100 characters (§1.6)
    payload_max_bytes=64,  # §1.5: callback_data 1-64 bytes, else 400 BUTTON_DATA_INVALID
    window_hours=None,  # §1: a bot may write to anyone who started it, at any time
    outside_window=OutsideWindow.NOTHING,
    send_rate=30.0,  # §1.8: about 30 messages a second in total
    chat_send_rate=1.0,  # §1.8: avoid more than one message a second to one chat
)


def configured(*, overall_rate: float | None = None, paid_broadcast: bool = False) -> ChannelTraits:
    """TRAITS narrowed by settings: a lower overall rate, or paid broadcasts at 1000/s."""
    if overall_rate is not None and overall_rate > TRAITS.send_rate:
        raise ValueError(f"Telegram allows at most {TRAITS.send_rate:g} messages a second")
    if paid_broadcast:
        return replace(TRAITS, send_rate=PAID_BROADCAST_RATE)
    if overall_rate is not None:
        return replace(TRAITS, send_rate=overall_rate)
    return TRAITS
