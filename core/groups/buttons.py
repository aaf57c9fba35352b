"""The group chats feature's buttons. The only place their payloads are spelt."""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.buttons import CallbackData


@dataclass(frozen=True, slots=True)
class LinkGroupFor(CallbackData, prefix="gl_unit"):
    """An officer chose the unit (of their subtree) a group chat is to be linked to."""

    unit: int
