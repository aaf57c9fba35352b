"""What Messenger carries (platforms.md §2), declared once: the channel, its renderer, the
core's planner and the renderer of choices read these values."""

from __future__ import annotations

from dataclasses import replace

from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit

WINDOW_MARGIN_HOURS = 1 / 60  # our clock and Meta's differ: do not send at 23:59:59
PAYLOAD_MAX_CHARS = 1000  # §2.5: a quick reply's payload 1000 characters
TEMPLATE_TEXT_MAX = 640  # §2.5: the button template's text
TEMPLATE_BUTTONS = 3  # §2.5: a button template holds 1-3 buttons

TRAITS = ChannelTraits(
    platform="facebook",
    text_limit=1999,  # §2.5: message.text "shorter than 2000 characters"
    text_unit=TextUnit.CHARS,
    buttons=True,  # §2.5: quick replies and postback buttons
    max_buttons=13,  # §2.5: at most 13 quick replies
    button_label_max=20,  # §2.5: a quick reply's title shows 20 characters (longer is cut)
    payload_max_bytes=None,  # 1000 characters (§2.5): the channel keeps longer ones behind a key
    window_hours=24.0 - WINDOW_MARGIN_HOURS,  # §2.6: 24 h after the person's last action
    # §2.6: the tags for automated messages were retired on 2026-04-27; HUMAN_AGENT is for
    # words a human wrote. Nothing automated may go outside the window.
    outside_window=OutsideWindow.NOTHING,
    send_rate=300.0,  # §2.7: Send API 300 calls a second per Page for text
)


def configured(*, send_rate: float | None = None) -> ChannelTraits:
    """TRAITS narrowed by settings: a lower per-Page rate."""
    if send_rate is None:
        return TRAITS
    if send_rate > TRAITS.send_rate:
        raise ValueError(f"Messenger allows at most {TRAITS.send_rate:g} calls a second per Page")
    return replace(TRAITS, send_rate=send_rate)
