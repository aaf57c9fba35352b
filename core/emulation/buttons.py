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


@dataclass(frozen=True, slots=True)
class StartReport(CallbackData, prefix="emu_rep"):
    """Report a campaign's figures for its periods ending on `due` (yyyymmdd)."""

    campaign: int
    due: int


@dataclass(frozen=True, slots=True)
class ReportAnswer(CallbackData, prefix="emu_yn"):
    """Yes (1) or no (0) on a yes/no criterion."""

    value: int


@dataclass(frozen=True, slots=True)
class ReportSkip(CallbackData, prefix="emu_skip"):
    """Leave this criterion for now (it stays missing)."""


@dataclass(frozen=True, slots=True)
class ReportSame(CallbackData, prefix="emu_same"):
    """Keep the figure reported earlier."""


@dataclass(frozen=True, slots=True)
class ReportUnusual(CallbackData, prefix="emu_big"):
    """A figure far above its target: keep it (1) or type it again (0)."""

    keep: int


@dataclass(frozen=True, slots=True)
class ReportStop(CallbackData, prefix="emu_stop"):
    """Stop reporting here; what was answered is kept."""
