"""The commendations feature's buttons. The only place their payloads are spelt."""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.buttons import CallbackData


@dataclass(frozen=True, slots=True)
class Pick(CallbackData, prefix="cm_pick"):
    """A colleague found by name, added to the proposal."""

    member: int


@dataclass(frozen=True, slots=True)
class Proceed(CallbackData, prefix="cm_next"):
    """Everyone is picked: on to the team's name or the reason."""


@dataclass(frozen=True, slots=True)
class AdHoc(CallbackData, prefix="cm_adhoc"):
    adhoc: bool


@dataclass(frozen=True, slots=True)
class PickForm(CallbackData, prefix="cm_form"):
    """An officer's direct commendation: its form (core.commendations.forms.Form), or "none"."""

    form: str


@dataclass(frozen=True, slots=True)
class PickLevel(CallbackData, prefix="cm_level"):
    """An officer's direct commendation: the level that issues its form."""

    level: str


@dataclass(frozen=True, slots=True)
class Cancel(CallbackData, prefix="cm_cancel"):
    pass


@dataclass(frozen=True, slots=True)
class Approve(CallbackData, prefix="cm_ok"):
    """Shows what approving gives (points, the union's announcement), to confirm."""

    commendation: int


@dataclass(frozen=True, slots=True)
class ApproveConfirmed(CallbackData, prefix="cm_oky"):
    commendation: int


@dataclass(frozen=True, slots=True)
class Reject(CallbackData, prefix="cm_no"):
    commendation: int


@dataclass(frozen=True, slots=True)
class NameShown(CallbackData, prefix="cm_name"):
    """A person proposed says whether the announcement may name them."""

    show: bool
