"""How a messenger whose groups are served names its bot and links to it (given by the
composition root from the settings; the core never spells a platform's URL itself)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupLinks:
    """`mention` is how a group names the bot ("@thidua_bot"); `private` and `add` are
    links with a `{payload}` placeholder: a private chat that starts with the payload, and
    adding the bot to a group that then receives the payload (Telegram's ?start= and
    ?startgroup=, platforms.md §1.7)."""

    mention: str
    private: str
    add: str
    command: str  # the link command as the group must send it ("/linkgroup@thidua_bot")

    def private_chat(self, payload: str | None) -> str:
        if not payload:
            return self.private.split("?", 1)[0]
        return self.private.format(payload=payload)

    def add_to_group(self, payload: str) -> str:
        return self.add.format(payload=payload)
