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


def listed(buttons: tuple[Button, ...]) -> str:
    return "\n".join(f"• {b.label}" for b in buttons)


def render(
    message: OutgoingMessage, traits: ChannelTraits | None, hint: str, *, by_number: bool = True
) -> OutgoingMessage:
    """The message as `traits` can carry it; `hint` tells how to answer the list. Where the
    person is asked to type an answer of their own (`by_number` False: a number typed there is
    that answer), the choices are listed by name, to be typed as they read."""
    offered = choices_of(message)
    if traits is None or not offered:
        return message
    if traits.buttons and len(offered) <= traits.max_buttons:
        return message
    choices = numbered(offered) if by_number else listed(offered)
    text = f"{message.text}\n\n{choices}\n{hint}"
    if traits.buttons:  # too many for one message: the list, and the first ones as buttons
        return replace(message, text=text)
    return replace(message, text=text, buttons=(), quick_replies=())
