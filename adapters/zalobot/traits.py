"""What a Zalo Bot Platform bot carries (../shared/reference/zalo-bot.md), declared once: the
channel, the core's planner and the renderer of choices read these values.

The Bot Platform has no buttons, no quick replies and no keyboards (§5): every choice goes as
a numbered list that the person answers by typing. It documents no messaging window (§1) and
no rate: its only signal is error 429 "Quota exceeded" (§4), so the send rate is our own
assumption, lowered or raised with THIDUA_ZALOBOT_SEND_RATE, and a 429 pauses the bot.
"""

from __future__ import annotations

from dataclasses import replace

from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit

PLATFORM = "zalobot"
TEXT_LIMIT = 2000  # §2 sendMessage: text 1-2000 characters; sendPhoto's caption the same
DEFAULT_SEND_RATE = 10.0  # UNCONFIRMED: Zalo publishes no quota; 429s pause the bot (§4)
MAX_SEND_RATE = 1000.0  # a setting above this is a typo

TRAITS = ChannelTraits(
    platform=PLATFORM,
    text_limit=TEXT_LIMIT,
    text_unit=TextUnit.CHARS,
    buttons=False,  # §5: no inline keyboards, callbacks or quick replies
    max_buttons=0,
    button_label_max=TEXT_LIMIT,  # labels only appear inside the numbered text
    payload_max_bytes=None,
    window_hours=None,  # §1: no window documented; a known chat_id is written to later
    outside_window=OutsideWindow.NOTHING,
    send_rate=DEFAULT_SEND_RATE,
)


def configured(*, send_rate: float | None = None) -> ChannelTraits:
    """TRAITS narrowed by settings: the bot's send rate (Zalo publishes none)."""
    if send_rate is None:
        return TRAITS
    if not 0 < send_rate <= MAX_SEND_RATE:
        raise ValueError(f"the Zalo Bot send rate must be in (0, {MAX_SEND_RATE:g}] a second")
    return replace(TRAITS, send_rate=send_rate)
