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


@dataclass(frozen=True, slots=True)
class EvalPeriod(CallbackData, prefix="emu_evp"):
    """An evaluator opens a block's units awaiting evaluation for a campaign's period ending
    on `due` (yyyymmdd)."""

    block: int
    campaign: int
    due: int


@dataclass(frozen=True, slots=True)
class EvalUnit(CallbackData, prefix="emu_evu"):
    """Evaluate one unit of the block for the period."""

    block: int
    campaign: int
    due: int
    unit: int


@dataclass(frozen=True, slots=True)
class EvalKeep(CallbackData, prefix="emu_evk"):
    """Confirm the figure in force (the union's own: verified)."""


@dataclass(frozen=True, slots=True)
class EvalSkip(CallbackData, prefix="emu_evs"):
    """Leave this one for now."""


@dataclass(frozen=True, slots=True)
class EvalStop(CallbackData, prefix="emu_evx"):
    """Stop evaluating; what was saved stays."""


@dataclass(frozen=True, slots=True)
class ShowRanking(CallbackData, prefix="emu_rank"):
    """A block's ranking in a campaign, read in chat."""

    block: int
    campaign: int
