"""`thidua chat`: talk to the bot in a terminal, through the same path as every messenger."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit
from core.errors import SendResult, Sent
from core.messages import Button, IncomingMessage, OutgoingMessage, Recipient

if TYPE_CHECKING:
    from bots.bootstrap import Runtime

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


async def run(
    runtime: Runtime,
    user: str,
    read_line: Callable[[], str],
    out: TextIO = sys.stdout,
) -> None:
    channel = TerminalChannel(out)
    runtime.channels["terminal"] = channel
    out.write("thidua chat: type a message, a button's number, or /quit to leave.\n")
    first = "/start"
    while True:
        line = first if first else await asyncio.to_thread(read_line)
        first = ""
        if line is None or line.strip() in ("/quit", "/exit"):
            return
        text, payload = line, None
        if line.strip().isdigit() and 1 <= int(line.strip()) <= len(channel.buttons):
            chosen = channel.buttons[int(line.strip()) - 1]
            text, payload = chosen.label, chosen.payload
        await runtime.accept(
            [
                IncomingMessage(
                    platform="terminal",
                    external_id=uuid.uuid4().hex,
                    sender_id=user,
                    received_at=runtime.clock.now(),
                    text=text,
                    payload=payload,
                )
            ]
        )
        await runtime.drain()
