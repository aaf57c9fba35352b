"""What a messenger can carry, declared once by its adapter and read by the core.

The adapter is the authority on its platform (platforms.md); the core's planner, delivery
policy and renderer read these values from the channel instead of keeping copies of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TextUnit(StrEnum):
    """How a platform counts a text's length against its limit."""

    CHARS = "chars"  # Unicode code points (Messenger, Zalo)
    UTF16 = "utf16"  # UTF-16 code units (Telegram: an emoji outside the BMP counts as two)


class OutsideWindow(StrEnum):
    """What a proactive send may do once the messaging window has closed."""

    NOTHING = "nothing"  # held until the person writes again
    TEMPLATE = "template"  # an approved template message (Zalo OA ZNS, Messenger utility tags)


@dataclass(frozen=True, slots=True)
class ChannelTraits:
    platform: str
    text_limit: int  # per message, in `text_unit`
    text_unit: TextUnit = TextUnit.CHARS
    buttons: bool = True  # False: choices go as a numbered list to be answered by typing
    max_buttons: int = 10  # per message; more choices than this go as a numbered list
    button_label_max: int = 20  # characters a button label may have before it is shortened
    payload_max_bytes: int | None = None  # None: no limit the core needs to respect
    window_hours: float | None = None  # None: no messaging window
    outside_window: OutsideWindow = OutsideWindow.NOTHING
    send_rate: float = 0.0  # messages per second for one bot/page/app; 0: no limit of ours

    def length(self, text: str) -> int:
        if self.text_unit is TextUnit.UTF16:
            return len(text.encode("utf-16-le")) // 2
        return len(text)
