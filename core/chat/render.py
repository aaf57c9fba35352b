"""How offered choices look on a channel: buttons where it has them, a numbered list where it
has none or where there are more choices than one message may carry."""

from __future__ import annotations

from dataclasses import replace

from core.chat.traits import ChannelTraits
from core.messages import Button, OutgoingMessage


def choices_of(message: OutgoingMessage) -> tuple[Button, ...]:
    return message.buttons + message.quick_replies


def numbered(buttons: tuple[Button, ...]) -> str:
    return "\n".join(f"{n}. {b.label}" for n, b in enumerate(buttons, start=1))


def render(message: OutgoingMessage, traits: ChannelTraits | None, hint: str) -> OutgoingMessage:
    """The message as `traits` can carry it; `hint` tells how to answer a numbered list."""
    offered = choices_of(message)
    if traits is None or not offered:
        return message
    if traits.buttons and len(offered) <= traits.max_buttons:
        return message
    text = f"{message.text}\n\n{numbered(offered)}\n{hint}"
    if traits.buttons:  # too many for one message: the list, and the first ones as buttons
        return replace(message, text=text)
    return replace(message, text=text, buttons=(), quick_replies=())
