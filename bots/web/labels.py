"""Words the desk shows for stored values that more than one page lists (messengers, the
state of an invite code)."""

from __future__ import annotations

from core.i18n import Translator

PLATFORM_NAMES = {
    "telegram": "Telegram",
    "facebook": "Messenger",
    "zalo": "Zalo",
    "zalobot": "Zalo Bot",
}


def platform_name(t: Translator, platform: str) -> str:
    if platform == "webchat":
        return t.gettext("the web chat")
    return PLATFORM_NAMES.get(platform, platform)


def invite_state(t: Translator, problem: str | None) -> str:
    _ = t.gettext
    return {
        None: _("can be used"),
        "invite_revoked": _("withdrawn"),
        "invite_expired": _("expired"),
        "invite_used_up": _("used up"),
    }.get(problem, problem or "")
