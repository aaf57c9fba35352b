"""The join requests feature's buttons. The only place their payloads are spelt."""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.buttons import CallbackData
from core.members.models import WorkerGroup


@dataclass(frozen=True, slots=True)
class Approve(CallbackData, prefix="jr_ok"):
    request: int


@dataclass(frozen=True, slots=True)
class Edit(CallbackData, prefix="jr_edit"):
    """Correct the group and the post the person declared, then approve."""

    request: int


@dataclass(frozen=True, slots=True)
class Refuse(CallbackData, prefix="jr_no"):
    request: int


@dataclass(frozen=True, slots=True)
class PickGroup(CallbackData, prefix="jr_group"):
    group: WorkerGroup


@dataclass(frozen=True, slots=True)
class PickPost(CallbackData, prefix="jr_post"):
    leader: bool


@dataclass(frozen=True, slots=True)
class StopEditing(CallbackData, prefix="jr_stop"):
    pass
