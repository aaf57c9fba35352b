"""Telegram updates in: stored as they came, then read into at most one `IncomingMessage`.

The webhook only checks, stores and answers (`TelegramInbound`); PTB's `Update.de_json`,
which costs more than the rest of the webhook together, runs in processing
(`TelegramDecoder`, the core's `InboundDecoder` for Telegram).

Served: private chats, and in group chats only what concerns the bot (added, removed, moved,
addressed: adapters/telegram/groups.py). Other group and channel traffic, messages from bots
(the bot never answers itself or another bot), service messages and update types the core
has no use for are acknowledged and ignored. Nothing here sends a reply: the core does,
through the outbox. The one call made from here is `answerCallbackQuery`, which only stops
the button's spinner (the webhook answers it in its response instead, which costs no
request).
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from telegram import Bot, CallbackQuery, ChatMemberUpdated, Message, PollAnswer, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from adapters.telegram.groups import concerns_bot, parse_group
from core.group_commit import GroupCommit
from core.messages import Attachment, InboundKind, IncomingMessage, RawUpdate
from core.ports import InboundSink

log = logging.getLogger(__name__)

PLATFORM = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member", "poll_answer")
_DEEP_LINK = re.compile(r"^/start(?:@\w+)?\s+([A-Za-z0-9_-]{1,64})\s*$")
POLL_PAYLOAD_PREFIX = "poll"  # payload of a poll answer: "poll:<poll_id>:<option ids, comma>"


def secret_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of the webhook secret header; fails closed."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("latin-1", "replace"), expected.encode("latin-1"))


@dataclass(frozen=True, slots=True)
class Parsed:
    """What one update means for us. `message` None: acknowledged and ignored (`ignored` says
    why). A callback query carries its opaque key; the payload is looked up afterwards."""

    message: IncomingMessage | None
    ignored: str = ""
    callback_query_id: str | None = None
    callback_key: str | None = None


def _ignored(reason: str, callback_query_id: str | None = None) -> Parsed:
    return Parsed(None, reason, callback_query_id)


def _when(date: datetime | None) -> datetime:
    if date is None:
        return datetime.now(UTC)
    return date if date.tzinfo else date.replace(tzinfo=UTC)


def parse_update(update: Update, *, bot_id: int | None = None) -> Parsed:
    external_id = str(update.update_id)
    if update.message is not None:
        return _parse_message(update.message, external_id, bot_id)
    if update.edited_message is not None:  # a correction counts as what the person now says
        return _parse_message(update.edited_message, external_id, bot_id)
    if update.callback_query is not None:
        return _parse_callback(update.callback_query, external_id)
    if update.my_chat_member is not None:
        return _parse_member_change(update.my_chat_member, external_id)
    if update.poll_answer is not None:
        return _parse_poll_answer(update.poll_answer, external_id)
    return _ignored("update type not used")


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.photo:
        largest = message.photo[-1]
        found.append(Attachment("image", largest.file_id, size=largest.file_size))
    if message.document is not None:
        doc = message.document
        found.append(Attachment("file", doc.file_id, doc.file_name, doc.mime_type, doc.file_size))
    for kind, media in (
        ("audio", message.voice),
        ("audio", message.audio),
        ("video", message.video),
        ("video", message.video_note),
        ("sticker", message.sticker),
    ):
        if media is not None:
            found.append(
                Attachment(
                    kind,
                    media.file_id,
                    mime=getattr(media, "mime_type", None),
                    size=media.file_size,
                )
            )
    if message.location is not None:
        loc = message.location
        found.append(Attachment("location", f"{loc.latitude},{loc.longitude}"))
    return tuple(found)


def _parse_message(message: Message, external_id: str, bot_id: int | None) -> Parsed:
    if message.chat.type != ChatType.PRIVATE:
        return _ignored("not a private chat")
    person = message.from_user
    if person is None or person.is_bot or (bot_id is not None and person.id == bot_id):
        return _ignored("sent by a bot")
    text = message.text or message.caption or ""
    base = IncomingMessage(
        platform=PLATFORM,
        external_id=external_id,
        sender_id=str(message.chat.id),
        received_at=_when(message.edit_date or message.date),
        text=text,
        sender_name=person.full_name or None,
        locale_hint=person.language_code,
    )
    if message.contact is not None:
        own = message.contact.user_id == person.id
        if own:
            return Parsed(
                dataclasses.replace(
                    base, kind=InboundKind.CONTACT, phone=message.contact.phone_number
                )
            )
        return Parsed(dataclasses.replace(base, attachments=(Attachment("other", "contact"),)))
    attachments = _attachments(message)
    if not text and not attachments:
        return _ignored("service message")
    link = _DEEP_LINK.match(text)
    return Parsed(
        dataclasses.replace(base, attachments=attachments, referral=link.group(1) if link else None)
    )


def _button_label(query: CallbackQuery) -> str:
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return ""
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return ""


def _parse_callback(query: CallbackQuery, external_id: str) -> Parsed:
    chat = query.message.chat if query.message is not None else None
    if chat is not None and chat.type != ChatType.PRIVATE:
        return _ignored("button in a group", query.id)
    if not isinstance(query.data, str) or not query.data:
        return _ignored("no callback data (game or inline button)", query.id)
    person = query.from_user
    message = IncomingMessage(
        platform=PLATFORM,
        external_id=external_id,
        sender_id=str(chat.id if chat is not None else person.id),
        received_at=datetime.now(UTC),
        text=_button_label(query),
        payload="",  # replaced by the payload the key stands for
        sender_name=person.full_name or None,
        locale_hint=person.language_code,
    )
    return Parsed(message, callback_query_id=query.id, callback_key=query.data)


def _parse_member_change(change: ChatMemberUpdated, external_id: str) -> Parsed:
    if change.chat.type != ChatType.PRIVATE:
        return _ignored("membership change in a group")
    old, new = change.old_chat_member.status, change.new_chat_member.status
    if new == ChatMemberStatus.BANNED:
        kind = InboundKind.UNFOLLOW
    elif old == ChatMemberStatus.BANNED and new == ChatMemberStatus.MEMBER:
        kind = InboundKind.UNBLOCKED
    else:
        return _ignored("membership change without effect")
    return Parsed(
        IncomingMessage(
            platform=PLATFORM,
            external_id=external_id,
            sender_id=str(change.chat.id),
            received_at=_when(change.date),
            kind=kind,
        )
    )


def _parse_poll_answer(answer: PollAnswer, external_id: str) -> Parsed:
    if answer.user is None:
        return _ignored("poll answered on behalf of a chat")
    if not answer.option_ids:
        return _ignored("poll vote retracted")
    options = ",".join(str(i) for i in answer.option_ids)
    return Parsed(
        IncomingMessage(
            platform=PLATFORM,
            external_id=external_id,
            sender_id=str(answer.user.id),
            received_at=datetime.now(UTC),
            payload=f"{POLL_PAYLOAD_PREFIX}:{answer.poll_id}:{options}",
            sender_name=answer.user.full_name or None,
            locale_hint=answer.user.language_code,
        )
    )


def callback_query_id(data: dict[str, Any]) -> str | None:
    """The id of a callback query in a raw update, without parsing the rest of it."""
    query = data.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("id"), str):
        return query["id"]
    return None


@dataclass(frozen=True, slots=True)
class Outcome:
    """After `receive` returns, the update is stored (the unique key dropped it if it was a
    redelivery) unless `ignored` says why it was not worth storing."""

    ignored: str = ""
    callback_query_id: str | None = None


class TelegramInbound:
    """Shared by the webhook route and the long-polling command. What an update means is
    read later, in processing (`TelegramDecoder`): here it is only stored, so that the
    webhook answers Telegram at once."""

    def __init__(
        self,
        sink: InboundSink,
        bot: Bot,
        *,
        username: str | None = None,
        bot_id: int | None = None,
    ) -> None:
        self.bot = bot
        self.username, self.bot_id = username, bot_id
        self._group: GroupCommit[RawUpdate] = GroupCommit(sink.accept_raw)

    async def receive(self, data: dict[str, Any], body: str) -> Outcome:
        """Store one update, `data` being `body` read as JSON with an integer `update_id`.
        Raises StoreUnavailable when it could not be stored (the webhook answers 503 and
        Telegram delivers it again)."""
        query_id = callback_query_id(data)
        if not any(kind in data for kind in ALLOWED_UPDATES):
            log.debug("telegram update %s ignored: update type not used", data["update_id"])
            return Outcome("update type not used", query_id)
        if concerns_bot(data, self.username, self.bot_id) is False:  # never stored
            return Outcome("group message not addressed to the bot", query_id)
        await self._group.add(RawUpdate(PLATFORM, str(data["update_id"]), body))
        return Outcome("", query_id)

    async def answer_callback(self, query_id: str) -> None:
        """Stop the spinner on the person's button. Failing is harmless (the query is too
        old, or it was answered on an earlier delivery), so it is logged, not raised."""
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as exc:
            log.info("answerCallbackQuery %s failed: %s", query_id, exc)


# The two shapes nearly every update has: a line of text in a private chat, and a button
# tapped under one of our messages. `fast_parse` reads them straight from the JSON (PTB's
# `Update.de_json` builds a dozen objects per update: 10 % of a quiz answer's processing) and
# answers exactly as `parse_update` would; any other key, type or value goes to PTB.
_PLAIN_MESSAGE_KEYS = frozenset({"message_id", "from", "chat", "date", "text", "entities"})
_PLAIN_QUERY_KEYS = frozenset({"id", "from", "message", "chat_instance", "data"})


def _is_int(value: Any) -> bool:
    return type(value) is int


def _person(person: Any, bot_id: int | None) -> tuple[str | None, str | None] | None:
    """(full name, language) of a person who is not a bot, or None (read it with PTB)."""
    if not isinstance(person, dict) or person.get("is_bot") is not False:
        return None
    first, last, language = (person.get(k) for k in ("first_name", "last_name", "language_code"))
    if not _is_int(person.get("id")) or person["id"] == bot_id or not isinstance(first, str):
        return None
    if not isinstance(last, str | None) or not isinstance(language, str | None):
        return None
    name = f"{first} {last}" if first and last else first
    return name or None, language


def _private_chat_id(chat: Any) -> int | None:
    if isinstance(chat, dict) and chat.get("type") == "private" and _is_int(chat.get("id")):
        return int(chat["id"])
    return None


def fast_parse(data: Any, bot_id: int | None = None) -> Parsed | None:
    """`parse_update` of a plain text message or a button tap in a private chat, read from
    the JSON; None for anything else."""
    if not isinstance(data, dict) or len(data) != 2 or not _is_int(data.get("update_id")):
        return None
    if "message" in data:
        return _fast_message(data["message"], str(data["update_id"]), bot_id)
    if "callback_query" in data:
        return _fast_callback(data["callback_query"], str(data["update_id"]), bot_id)
    return None


def _fast_message(message: Any, external_id: str, bot_id: int | None) -> Parsed | None:
    if not isinstance(message, dict) or not message.keys() <= _PLAIN_MESSAGE_KEYS:
        return None
    text, date, chat_id = (
        message.get("text"),
        message.get("date"),
        _private_chat_id(message.get("chat")),
    )
    person = _person(message.get("from"), bot_id)
    if chat_id is None or person is None or not isinstance(text, str) or not text:
        return None
    if not _is_int(date) or not _is_int(message.get("message_id")):
        return None
    if not _plain_entities(message.get("entities", [])):
        return None
    link = _DEEP_LINK.match(text)
    return Parsed(
        IncomingMessage(
            platform=PLATFORM,
            external_id=external_id,
            sender_id=str(chat_id),
            received_at=datetime.fromtimestamp(date, tz=UTC),
            text=text,
            sender_name=person[0],
            locale_hint=person[1],
            referral=link.group(1) if link else None,
        )
    )


def _plain_entities(entities: Any) -> bool:
    return isinstance(entities, list) and all(
        isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and _is_int(e.get("offset"))
        and _is_int(e.get("length"))
        for e in entities
    )


def _fast_callback(query: Any, external_id: str, bot_id: int | None) -> Parsed | None:
    if not isinstance(query, dict) or not query.keys() <= _PLAIN_QUERY_KEYS:
        return None
    message, key, query_id = query.get("message"), query.get("data"), query.get("id")
    person = _person(query.get("from"), None)
    if not isinstance(message, dict) or not isinstance(key, str) or not key:
        return None
    chat_id = _private_chat_id(message.get("chat"))
    date = message.get("date")
    if chat_id is None or person is None or not isinstance(query_id, str):
        return None
    if not _is_int(date) or not date:  # 0: an inaccessible message (PTB's own class)
        return None
    label = _fast_label(message.get("reply_markup"), key)
    if label is None:
        return None
    incoming = IncomingMessage(
        platform=PLATFORM,
        external_id=external_id,
        sender_id=str(chat_id),
        received_at=datetime.now(UTC),
        text=label,
        payload="",
        sender_name=person[0],
        locale_hint=person[1],
    )
    return Parsed(incoming, callback_query_id=query_id, callback_key=key)


def _fast_label(markup: Any, key: str) -> str | None:
    """The label of the tapped button ("" when not shown), None when the keyboard is not the
    plain shape."""
    if markup is None:
        return ""
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        return None
    label = None
    for row in markup["inline_keyboard"]:
        if not isinstance(row, list):
            return None
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                return None
            if label is None and button.get("callback_data") == key:
                label = button["text"]
    return label or ""


class TelegramDecoder:
    """The `InboundDecoder` of Telegram: `fast_parse`, or PTB's `Update.de_json` then
    `parse_update`."""

    platform = PLATFORM

    def __init__(
        self, bot: Bot | None, *, bot_id: int | None = None, username: str | None = None
    ) -> None:
        self.bot = bot
        self.bot_id = bot_id
        self.username = username

    def decode(self, body: str) -> IncomingMessage | None:
        try:
            data = json.loads(body)
            from_group, message = parse_group(data, self.username, self.bot_id)
            if from_group:
                return message
            parsed = fast_parse(data, self.bot_id)
            if parsed is None:
                parsed = parse_update(Update.de_json(data, self.bot), bot_id=self.bot_id)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a Telegram update ({type(exc).__name__}: {exc})") from exc
        if parsed.message is None:
            log.debug("telegram update %s ignored: %s", data.get("update_id"), parsed.ignored)
            return None
        if parsed.callback_key is not None:
            return dataclasses.replace(parsed.message, button_key=parsed.callback_key)
        return parsed.message
