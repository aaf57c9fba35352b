"""Emulation campaigns: created, launched and closed by officers within their unit subtree.

Other packages use what `__all__` names, imported from here (``from core.campaigns import
Actor, get``). The names are loaded on first use, so importing this package does not pull in
the campaigns' services and chat before they are needed (and no import cycle can form here).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.campaigns.chat import routers
    from core.campaigns.models import Campaign, CampaignStatus, OfficerToken
    from core.campaigns.reminders import close_ended, send_due_reminders
    from core.campaigns.rules import groups_of, parse_date
    from core.campaigns.scope import Actor
    from core.campaigns.service import (
        CampaignInput,
        actor_for_token,
        audience,
        broadcast_in_scope,
        close,
        create,
        get,
        in_scope,
        issue_token,
        launch,
        member_may_see,
        running_for_member,
        start_scheduled,
        update,
    )
    from core.campaigns.texts import default_announcement, problem

_WHERE = {
    "Actor": "scope",
    "Campaign": "models",
    "CampaignInput": "service",
    "CampaignStatus": "models",
    "OfficerToken": "models",
    "actor_for_token": "service",
    "audience": "service",
    "broadcast_in_scope": "service",
    "close": "service",
    "close_ended": "reminders",
    "create": "service",
    "default_announcement": "texts",
    "get": "service",
    "groups_of": "rules",
    "in_scope": "service",
    "issue_token": "service",
    "launch": "service",
    "member_may_see": "service",
    "parse_date": "rules",
    "problem": "texts",
    "routers": "chat",
    "running_for_member": "service",
    "send_due_reminders": "reminders",
    "start_scheduled": "service",
    "update": "service",
}

__all__ = [
    "Actor",
    "Campaign",
    "CampaignInput",
    "CampaignStatus",
    "OfficerToken",
    "actor_for_token",
    "audience",
    "broadcast_in_scope",
    "close",
    "close_ended",
    "create",
    "default_announcement",
    "get",
    "groups_of",
    "in_scope",
    "issue_token",
    "launch",
    "member_may_see",
    "parse_date",
    "problem",
    "routers",
    "running_for_member",
    "send_due_reminders",
    "start_scheduled",
    "update",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
