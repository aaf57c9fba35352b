"""`thidua chat`: talk to the bot in a terminal, through the same path as every messenger."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from bots.bootstrap import Runtime
from bots.platforms.terminal import TerminalChannel
from core.messages import IncomingMessage


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
