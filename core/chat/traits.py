"""What a messenger can carry, declared once by its adapter and read by the core.

The adapter is the authority on its platform (platforms.md); the core's planner, delivery
policy and renderer read these values from the channel instead of keeping copies of their own.
Each adapter declares `TRAITS` in `adapters/<platform>/traits.py`; the composition root
applies the settings that narrow them (a lower rate, Zalo's billed window) and hands the core
one mapping platform -> ChannelTraits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from core.text import split_text


class TextUnit(StrEnum):
    """How a platform counts a text's length against its limit."""

    CHARS = "chars"  # Unicode code points (Messenger, Zalo)
    UTF16 = "utf16"  # UTF-16 code units (Telegram: an emoji outside the BMP counts as two)


class OutsideWindow(StrEnum):
    """What a proactive send may do once the messaging window has closed."""

    NOTHING = "nothing"  # held until the person writes again
    TEMPLATE = "template"  # an approved template message (Zalo OA ZNS, Messenger utility tags)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


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
    chat_send_rate: float = 0.0  # messages per second to one conversation; 0: no limit
    # Beyond `window_hours` and up to this, the platform still delivers a reply, but bills it
    # (Zalo OA: 48 h free, up to 7 days billed). None: nothing beyond the window.
    paid_window_hours: float | None = None

    def length(self, text: str) -> int:
        if self.text_unit is TextUnit.UTF16:
            return utf16_length(text)
        return len(text)

    def split(self, text: str) -> list[str]:
        """The messages a text becomes on this platform, each within `text_limit`."""
        return split_text(text, self.text_limit, self.length)

    def parts(self, text: str) -> int:
        return len(self.split(text)) if text.strip() else 0

    @property
    def window(self) -> timedelta | None:
        return None if self.window_hours is None else timedelta(hours=self.window_hours)

    @property
    def paid_window(self) -> timedelta | None:
        hours = self.paid_window_hours
        return None if hours is None else timedelta(hours=hours)
