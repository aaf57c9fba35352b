"""The terminal chat's channel (`thidua chat`, bots/terminal_chat.py) and what it carries."""

from __future__ import annotations

import uuid
from typing import TextIO

from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit
from core.errors import SendResult, Sent
from core.messages import Button, OutgoingMessage, Recipient

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

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.buttons: list[Button] = []

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        parts = self.traits.split(message.text) or [message.text]
        for part in parts:
            self.out.write("\nthidua> " + part.replace("\n", "\n        ") + "\n")
        choices = [*message.buttons, *message.quick_replies]
        if choices:
            self.buttons = choices
            for number, button in enumerate(choices, 1):
                self.out.write(f"        [{number}] {button.label}\n")
        self.out.flush()
        return Sent(tuple(uuid.uuid4().hex for _ in parts))
