"""Telegram group and supergroup chats (platforms.md §1.3, §1.7, §1.9), read from the JSON.

What concerns the bot becomes an `IncomingMessage` with `group_id`:
- `my_chat_member` in a group: the bot added (`member`/`administrator`/`restricted` after
  `left`/`kicked`) is GROUP_JOINED; the bot gone (`left`/`kicked`) is GROUP_LEFT;
- a service message with `migrate_to_chat_id` (in the old group) or `migrate_from_chat_id`
  (in the new supergroup) is GROUP_MOVED, from the old id to the new one;
- a message addressed to the bot: a command to it (`/cmd@<bot username>`), a mention of it,
  or a reply to one of its messages.
Everything else said in a group (another member's words, a bare `/cmd` meant for any bot,
an edit, a message from a bot) is ignored, and the webhook does not even store it
(`concerns_bot`). The person who wrote is passed on as `author_id`, only for processing to
check whether they are an officer; nothing else of theirs is read. An admin writing as the
group ("Remain anonymous") has no id to pass on: `author_anonymous`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from core.messages import InboundKind, IncomingMessage

PLATFORM = "telegram"
GROUP_TYPES = frozenset({"group", "supergroup"})
PRESENT = frozenset({"member", "administrator", "restricted", "creator"})
GONE = frozenset({"left", "kicked"})
_COMMAND = re.compile(r"^/\w{1,32}@(\w+)")


def group_chat(message: Any) -> dict[str, Any] | None:
    """The chat of a message or membership change when it is a group or supergroup."""
    chat = message.get("chat") if isinstance(message, dict) else None
    if isinstance(chat, dict) and chat.get("type") in GROUP_TYPES:
        return chat
    return None


def _text(message: dict[str, Any]) -> str:
    text = message.get("text") or message.get("caption") or ""
    return text if isinstance(text, str) else ""


def addressed(message: dict[str, Any], username: str | None, bot_id: int | None) -> bool:
    """A command to the bot by name, a mention of it, or a reply to one of its messages."""
    replied = message.get("reply_to_message")
    if isinstance(replied, dict) and bot_id is not None:
        author = replied.get("from")
        if isinstance(author, dict) and author.get("id") == bot_id:
            return True
    if not username:
        return False
    text = _text(message)
    command = _COMMAND.match(text)
    if command is not None:
        return command.group(1).lower() == username.lower()
    return re.search(rf"(?<!\w)@{re.escape(username)}(?!\w)", text, re.IGNORECASE) is not None


def concerns_bot(data: dict[str, Any], username: str | None, bot_id: int | None) -> bool | None:
    """For the webhook: None when the update is not from a group chat (read as usual), else
    whether it is worth storing at all."""
    if "edited_message" in data and group_chat(data["edited_message"]) is not None:
        return False
    message = data.get("message")
    if group_chat(message) is None:
        return True if group_chat(data.get("my_chat_member")) is not None else None
    if "migrate_to_chat_id" in message or "migrate_from_chat_id" in message:
        return True
    author = message.get("from")
    if not isinstance(author, dict) or (author.get("is_bot") and not anonymous_admin(message)):
        return False
    return addressed(message, username, bot_id)


def anonymous_admin(message: dict[str, Any]) -> bool:
    """An admin of the group writing as the group itself ("Remain anonymous"): Telegram sends
    it from @GroupAnonymousBot with the group as `sender_chat`, so who wrote is unknown."""
    sender_chat, chat = message.get("sender_chat"), message.get("chat")
    return (
        isinstance(sender_chat, dict)
        and isinstance(chat, dict)
        and sender_chat.get("id") == chat.get("id")
    )


def _when(value: Any) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC) if isinstance(value, int) else datetime.now(UTC)


def parse_group(
    data: dict[str, Any], username: str | None, bot_id: int | None
) -> tuple[bool, IncomingMessage | None]:
    """(False, None) when the update is not from a group chat; else (True, what it means,
    or None when it is ignored)."""
    wanted = concerns_bot(data, username, bot_id)
    if wanted is None:
        return False, None
    if not wanted:
        return True, None
    external_id = str(data["update_id"])
    if "my_chat_member" in data:
        return True, _membership(data["my_chat_member"], external_id)
    message = data["message"]
    chat = message["chat"]
    base = IncomingMessage(
        platform=PLATFORM,
        external_id=external_id,
        sender_id=str(chat["id"]),
        received_at=_when(message.get("date")),
        group_id=str(chat["id"]),
        group_title=str(chat.get("title") or ""),
    )
    if "migrate_to_chat_id" in message:
        return True, _moved(base, str(chat["id"]), str(message["migrate_to_chat_id"]))
    if "migrate_from_chat_id" in message:
        return True, _moved(base, str(message["migrate_from_chat_id"]), str(chat["id"]))
    anonymous = anonymous_admin(message)
    return True, IncomingMessage(
        platform=PLATFORM,
        external_id=external_id,
        sender_id=base.sender_id,
        received_at=base.received_at,
        text=_text(message),
        group_id=base.group_id,
        group_title=base.group_title,
        author_id=None if anonymous else str(message["from"]["id"]),
        author_anonymous=anonymous,
    )


def _moved(base: IncomingMessage, old: str, new: str) -> IncomingMessage:
    return IncomingMessage(
        platform=PLATFORM,
        external_id=base.external_id,
        sender_id=old,
        received_at=base.received_at,
        kind=InboundKind.GROUP_MOVED,
        group_id=old,
        group_title=base.group_title,
        moved_to=new,
    )


def _membership(change: dict[str, Any], external_id: str) -> IncomingMessage | None:
    old = (change.get("old_chat_member") or {}).get("status")
    new = (change.get("new_chat_member") or {}).get("status")
    if new in GONE and old not in GONE:
        kind = InboundKind.GROUP_LEFT
    elif new in PRESENT and (old in GONE or old is None):
        kind = InboundKind.GROUP_JOINED
    else:
        return None  # promoted, restricted: nothing changes for us
    chat = change["chat"]
    return IncomingMessage(
        platform=PLATFORM,
        external_id=external_id,
        sender_id=str(chat["id"]),
        received_at=_when(change.get("date")),
        kind=kind,
        group_id=str(chat["id"]),
        group_title=str(chat.get("title") or ""),
    )
