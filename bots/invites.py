"""The links an invite code opens, one per messenger (`thidua invite`, the members page)."""

from __future__ import annotations

from bots.settings import Settings


def invite_links(settings: Settings, code: str) -> dict[str, str]:
    links = {"webchat": f"{str(settings.public_url).rstrip('/')}/chat"}
    if settings.telegram_bot_username:
        links["telegram"] = f"https://t.me/{settings.telegram_bot_username}?start={code}"
    if settings.facebook_page_username:
        links["facebook"] = f"https://m.me/{settings.facebook_page_username}?ref={code}"
    if settings.zalobot_share_link:  # no start parameter: the poster shows the code to send
        links["zalobot"] = str(settings.zalobot_share_link)
    return links
