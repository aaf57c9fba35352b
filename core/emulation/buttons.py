"""The emulation feature's buttons (pledging); the only place their payloads are spelt."""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.buttons import CallbackData
from core.emulation.titles import Title


@dataclass(frozen=True, slots=True)
class StartPledge(CallbackData, prefix="emu_pl"):
    """Register (đăng ký thi đua) in a campaign: from its invitation or its card."""

    campaign: int


@dataclass(frozen=True, slots=True)
class PledgeTitle(CallbackData, prefix="emu_title"):
    title: Title


@dataclass(frozen=True, slots=True)
class KeepTarget(CallbackData, prefix="emu_keep"):
    """Take the campaign's own target on the criterion asked."""


@dataclass(frozen=True, slots=True)
class ConfirmPledge(CallbackData, prefix="emu_ok"):
    pass


@dataclass(frozen=True, slots=True)
class CancelPledge(CallbackData, prefix="emu_cancel"):
    """Leave the pledge, saving nothing."""
