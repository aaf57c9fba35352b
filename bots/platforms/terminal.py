"""The terminal chat's channel (`thidua chat`, bots/terminal_chat.py) and what it carries."""

from __future__ import annotations

import shutil
import textwrap
import uuid
from typing import TextIO

from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit
from core.errors import SendResult, Sent
from core.messages import Button, OutgoingMessage, Recipient

INDENT = " " * 8  # under "thidua> "

# A terminal prints any text and numbers every choice; typing the number taps it.
TRAITS = ChannelTraits(
    platform="terminal",
    text_limit=100_000,
    text_unit=TextUnit.CHARS,
    buttons=True,
    max_buttons=99,
    button_label_max=200,
    window_hours=None,
    outside_window=OutsideWindow.NOTHING,
    send_rate=0.0,
)


class TerminalChannel:
    platform = TRAITS.platform
    traits = TRAITS

    def __init__(self, out: TextIO, width: int | None = None) -> None:
        self.out = out
        self.buttons: list[Button] = []
        self.width = width or shutil.get_terminal_size((80, 24)).columns

    def _wrapped(self, text: str) -> str:
        """The text cut on word boundaries to the terminal's width, under the prompt."""
        room = max(self.width - len(INDENT), 20)
        lines = [
            "\n".join(textwrap.wrap(line, room, break_long_words=False, break_on_hyphens=False))
            for line in text.split("\n")
        ]
        return "\n".join(lines).replace("\n", "\n" + INDENT)

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        parts = self.traits.split(message.text) or [message.text]
        for part in parts:
            self.out.write("\nthidua> " + self._wrapped(part) + "\n")
        choices = [*message.buttons, *message.quick_replies]
        if choices:
            self.buttons = choices
            for number, button in enumerate(choices, 1):
                self.out.write(f"        [{number}] {button.label}\n")
        self.out.flush()
        return Sent(tuple(uuid.uuid4().hex for _ in parts))
