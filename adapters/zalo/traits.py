"""What a Zalo Official Account carries (platforms.md §3), declared once: the channel, the
core's planner and the renderer of choices read these values."""

from __future__ import annotations

from dataclasses import replace

from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit

REQUESTS_PER_MINUTE = 4000  # §3.2: the OA API allows 4000 requests a minute per app

TRAITS = ChannelTraits(
    platform="zalo",
    text_limit=2000,  # §3.6: text at most 2000 characters, measured after NFC
    text_unit=TextUnit.CHARS,
    buttons=True,  # §3.6: template buttons (oa.query.hide sends the payload back)
    max_buttons=5,  # §3.6: v3 maximum UNVERIFIED; the SDK's MAX_ELEMENT=5 is the only number
    button_label_max=100,  # §3.6: not documented for buttons; titles elsewhere are <= 100
    payload_max_bytes=None,  # not documented; the channel keeps long payloads behind a key
    window_hours=48.0,  # §3.7: consultation messages are free 48 h after the last interaction
    outside_window=OutsideWindow.TEMPLATE,  # §3.6: an approved ZBS template by UID
    paid_window_hours=24.0 * 7,  # §3.7: 48 h-7 days billed; beyond, -230/-232
    send_rate=REQUESTS_PER_MINUTE / 60,  # §3.2
)


def configured(*, billable_proactive: bool = False, per_minute: int | None = None) -> ChannelTraits:
    """TRAITS narrowed by settings: this process's share of the app's rate, and, when
    announcements may use the billed days, a window up to 7 days."""
    traits = TRAITS
    if per_minute is not None:
        if per_minute > REQUESTS_PER_MINUTE:
            raise ValueError(f"Zalo allows at most {REQUESTS_PER_MINUTE} requests a minute")
        traits = replace(traits, send_rate=per_minute / 60)
    if billable_proactive:
        traits = replace(traits, window_hours=traits.paid_window_hours)
    return traits
