"""The typed buttons of the linking feature (the only place its payloads are spelt)."""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.buttons import CallbackData


@dataclass(frozen=True, slots=True)
class PreferMessenger(CallbackData, prefix="prefer"):
    platform: str
