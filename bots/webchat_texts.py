"""The web chat page's own texts, taken from the catalogs (the adapter keeps none)."""

from __future__ import annotations

from collections.abc import Callable


def webchat_page_texts(_: Callable[..., str], max_mb: int) -> dict[str, str]:
    return {
        "title": _("thidua – chat"),
        "subtitle": _("Emulation and commendation of the trade union"),
        "messages": _("Messages"),
        "message": _("Message"),
        "placeholder": _("Type a message… (send /start to begin)"),
        "send": _("Send"),
        "not_sent": _("The message was not sent. Please try again."),
        "reconnecting": _("Connection lost, reconnecting…"),
        "attach": _("Attach a photo or file"),
        "attach_hint": _("Photo"),
        "too_large": _("This file is larger than {limit} MB: choose a smaller one.", limit=max_mb),
    }
