"""Zalo Bot Platform updates (zalo-bot.md §3): the secret header and the parsing of one update.

The same parser reads webhook bodies and getUpdates results. Sources disagree on the shape, so
both are read: `{"ok": true, "result": {"event_name", "message"}}` (the docs) and the flat
`{"event_name", "message"}` (a live capture); the image as `photo` (docs) or `photo_url`
(integrations), the name as `display_name` (docs) or `first_name` (a getUpdates sample).
There is no update id: `message.message_id` is the dedupe key.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core.messages import Attachment, IncomingMessage

PLATFORM = "zalobot"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_ID = 128

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"  # protected users, documents: no content
VOICE = "message.voice.received"
EVENTS = (TEXT, IMAGE, STICKER, UNSUPPORTED, VOICE)
IMAGE_FIELDS = ("photo", "photo_url", "url")


class MalformedUpdate(ValueError):
    """A body that is not a Zalo Bot update we can read; the message says what is wrong."""


def secret_matches(given: str | None, secret: str | None) -> bool:
    """Constant-time comparison of the header with our secret; no secret refuses all."""
    if not given or not secret:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8"))


def load(raw: bytes | str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedUpdate("the body is not JSON") from exc
    if not isinstance(data, dict):
        raise MalformedUpdate("the body is not a JSON object")
    return data


def unwrap(data: dict[str, Any]) -> dict[str, Any]:
    """The update itself, from the wrapped `{ok, result}` shape or the flat one."""
    result = data.get("result")
    if isinstance(result, dict) and "message" not in data:
        return result
    return data


def message_id_of(data: dict[str, Any]) -> str | None:
    """The dedupe key, read without parsing the rest (None: the update has no message)."""
    message = unwrap(data).get("message")
    if not isinstance(message, dict):
        return None
    return _id(message.get("message_id"), "message.message_id")


def _id(value: Any, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        value = value.strip()
        if value and len(value) <= MAX_ID and not any(c.isspace() for c in value):
            return value
    raise MalformedUpdate(f"'{where}' must be an id")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _sent_at(value: Any, fallback: datetime) -> datetime:
    """`message.date` is epoch milliseconds; anything unreadable is the time of receipt."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return fallback
    return fallback


def _image(message: dict[str, Any]) -> str:
    for key in IMAGE_FIELDS:
        value = _text(message.get(key)).strip()
        if value:
            return value[:2000]
    return ""


def _event_of(update: dict[str, Any], message: dict[str, Any]) -> str:
    event = update.get("event_name")
    if isinstance(event, str) and event:
        return event
    if _image(message):  # getUpdates samples without an event name
        return IMAGE
    if message.get("sticker"):
        return STICKER
    return TEXT if isinstance(message.get("text"), str) else UNSUPPORTED


def _content(event: str, message: dict[str, Any]) -> tuple[str, tuple[Attachment, ...]]:
    """(text, attachments) of a message; an unsupported one carries an `other` attachment, so
    that the conversation answers it (with the choices again where a choice is expected)."""
    if event == TEXT:
        return _text(message.get("text")), ()
    if event == IMAGE:
        url = _image(message)
        caption = _text(message.get("caption")) or _text(message.get("text"))
        return caption, (Attachment(kind="image", ref=url, mime="image/jpeg"),) if url else ()
    if event == STICKER:
        ref = _text(message.get("url")) or _text(message.get("sticker"))
        return "", (Attachment(kind="sticker", ref=ref[:2000] or "sticker"),)
    if event == VOICE:
        ref = _text(message.get("voice_url")) or _text(message.get("url"))
        return "", (Attachment(kind="audio", ref=ref[:2000] or "voice"),)
    return "", (Attachment(kind="other", ref="unsupported"),)


def parse_update(
    data: dict[str, Any], *, received_at: datetime, bot_id: str | None = None
) -> IncomingMessage | None:
    """One update to one message; None for what is acknowledged and ignored: no `message`,
    an event we do not know, a group chat (not open to Bot Platform bots yet), the bot's own
    messages coming back."""
    update = unwrap(data)
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    event = _event_of(update, message)
    if event not in EVENTS:
        return None
    sender = message.get("from")
    if not isinstance(sender, dict):
        raise MalformedUpdate("'message.from' must be an object")
    sender_id = _id(sender.get("id"), "message.from.id")
    if sender.get("is_bot") is True or (bot_id is not None and sender_id == bot_id):
        return None
    chat = message.get("chat")
    if isinstance(chat, dict) and str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE":
        return None
    text, attachments = _content(event, message)
    name = _text(sender.get("display_name")) or _text(sender.get("first_name"))
    return IncomingMessage(
        platform=PLATFORM,
        external_id=_id(message.get("message_id"), "message.message_id"),
        sender_id=sender_id,
        received_at=_sent_at(message.get("date"), received_at),
        text=text,
        attachments=attachments,
        sender_name=name.strip()[:100] or None,
    )


class ZaloBotDecoder:
    """The `InboundDecoder` of the Zalo Bot Platform: the webhook stores each update as it
    came (checked and parsed once there), and processing reads it again here."""

    platform = PLATFORM

    def __init__(self, *, now: Callable[[], datetime], bot_id: str | None = None) -> None:
        self.now = now
        self.bot_id = bot_id

    def decode(self, body: str) -> IncomingMessage | None:
        try:
            return parse_update(load(body), received_at=self.now(), bot_id=self.bot_id)
        except MalformedUpdate as exc:
            raise ValueError(f"not a Zalo Bot update ({exc})") from exc
