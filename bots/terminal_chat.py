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


async def _deliver_later(runtime: Runtime, lock: asyncio.Lock, every: float) -> None:
    """While the person is typing, what arrives later (a reply to their initiative, an
    announcement) is delivered too, not only after their next line."""
    while True:
        await asyncio.sleep(every)
        async with lock:
            await runtime.drain()


async def run(
    runtime: Runtime,
    user: str,
    read_line: Callable[[], str],
    out: TextIO = sys.stdout,
    poll_seconds: float = 2.0,
    width: int | None = None,
) -> None:
    channel = TerminalChannel(out, width)
    runtime.channels["terminal"] = channel
    out.write("thidua chat: type a message, a button's number, or /quit to leave.\n")
    lock = asyncio.Lock()
    later = asyncio.create_task(_deliver_later(runtime, lock, poll_seconds))
    try:
        await _converse(runtime, user, read_line, channel, lock)
    finally:
        later.cancel()


async def _converse(
    runtime: Runtime,
    user: str,
    read_line: Callable[[], str],
    channel: TerminalChannel,
    lock: asyncio.Lock,
) -> None:
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
        async with lock:
            await _send(runtime, user, text, payload)


async def _send(runtime: Runtime, user: str, text: str, payload: str | None) -> None:
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
