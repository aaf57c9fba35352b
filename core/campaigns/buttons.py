"""The campaigns feature's buttons: the member view, the officers' cards and lists, and the
steps of creating, editing, announcing and closing. The only place their payloads are spelt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.chat.buttons import CallbackData
from core.members.models import WorkerGroup


class Listing(StrEnum):
    RUNNING = "running"  # a member's view: the running campaigns of their union
    MINE = "mine"  # an officer's view: the campaigns of their units


@dataclass(frozen=True, slots=True)
class CampaignList(CallbackData, prefix="camp_ls"):
    listing: Listing


@dataclass(frozen=True, slots=True)
class ViewCampaign(CallbackData, prefix="camp_v"):
    """A member opens a running campaign."""

    campaign: int


class CardAction(StrEnum):
    OPEN = "open"
    LAUNCH = "launch"
    EDIT = "edit"
    ANNOUNCE = "msg"
    REPORT = "report"
    CLOSE = "close"
    CLOSE_CONFIRMED = "closeok"


@dataclass(frozen=True, slots=True)
class OnCampaign(CallbackData, prefix="camp"):
    """What an officer does with one campaign (its card's buttons, and confirming a close)."""

    action: CardAction
    campaign: int


@dataclass(frozen=True, slots=True)
class NewCampaign(CallbackData, prefix="camp_new"):
    pass


@dataclass(frozen=True, slots=True)
class Cancel(CallbackData, prefix="camp_cancel"):
    """Leave a campaign flow, changing nothing."""


@dataclass(frozen=True, slots=True)
class SkipCriteria(CallbackData, prefix="camp_skip"):
    pass


@dataclass(frozen=True, slots=True)
class PickUnit(CallbackData, prefix="camp_unit"):
    """The unit that launches a new campaign."""

    unit: int


@dataclass(frozen=True, slots=True)
class PickSubtree(CallbackData, prefix="camp_sub"):
    subtree: bool


@dataclass(frozen=True, slots=True)
class ToggleGroup(CallbackData, prefix="camp_grp"):
    group: WorkerGroup


@dataclass(frozen=True, slots=True)
class GroupsDone(CallbackData, prefix="camp_grp_ok"):
    pass


@dataclass(frozen=True, slots=True)
class SaveDraft(CallbackData, prefix="camp_save"):
    pass


class Field(StrEnum):
    TITLE = "title"
    DESCRIPTION = "description"
    CRITERIA = "criteria"
    DATES = "dates"


@dataclass(frozen=True, slots=True)
class EditField(CallbackData, prefix="camp_ef"):
    field: Field


@dataclass(frozen=True, slots=True)
class AnnounceTo(CallbackData, prefix="camp_bu"):
    """The unit (and the units below it) an announcement without a campaign goes to."""

    unit: int


@dataclass(frozen=True, slots=True)
class CampaignText(CallbackData, prefix="camp_deftext"):
    """Launch with the announcement written from the campaign itself."""


@dataclass(frozen=True, slots=True)
class SendLater(CallbackData, prefix="camp_when"):
    pass


@dataclass(frozen=True, slots=True)
class ConfirmSend(CallbackData, prefix="camp_go"):
    pass


@dataclass(frozen=True, slots=True)
class DeliveryReport(CallbackData, prefix="camp_rep"):
    broadcast: int
