"""Zalo OA webhooks: the `X-ZEvent-Signature` check and the parsing of one event.

The signature is a plain SHA-256 (not an HMAC) over app id + the raw body bytes + the
`timestamp` field of that body + the secret, sent as `mac=<hex>`. The timestamp has to be read
from the JSON, so the body is parsed once (numbers kept as strings: Zalo ids are 64-bit) and
the digest is taken over the bytes exactly as received.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.zalo import buttons
from core.messages import Attachment, InboundKind, IncomingMessage, Platform

PLATFORM = Platform.ZALO.value
SIGNATURE_HEADER = "X-ZEvent-Signature"
TIMESTAMP_HEADER = "X-ZEvent-Timestamp"  # some senders; the body field is preferred
ECHO_PREFIX = "oa_send_"
MAX_ID = 64

ATTACHMENT_EVENTS = {
    "user_send_image": "image",
    "user_send_gif": "image",
    "user_send_file": "file",
    "user_send_audio": "audio",
    "user_send_video": "video",
    "user_send_sticker": "sticker",
    "user_send_location": "location",
    "user_send_link": "link",
    "user_send_business_card": "other",
}


class MalformedEvent(ValueError):
    """A signed body that is not a Zalo event we can read; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class SignedBody:
    data: dict[str, Any]
    timestamp: str


def load_body(raw: bytes) -> dict[str, Any]:
    """The JSON object of a webhook, every number kept as its decimal string."""
    try:
        data = json.loads(raw, parse_int=str, parse_float=str)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedEvent("the body is not JSON") from exc
    if not isinstance(data, dict):
        raise MalformedEvent("the body is not a JSON object")
    return data


def expected_mac(app_id: str, raw: bytes, timestamp: str, secret: str) -> str:
    digest = hashlib.sha256()
    digest.update(app_id.encode())
    digest.update(raw)
    digest.update(timestamp.encode())
    digest.update(secret.encode())
    return digest.hexdigest()


def signature_ok(
    header: str | None, *, app_id: str, raw: bytes, timestamp: str, secret: str
) -> bool:
    if not header or not secret or not app_id:
        return False
    value = header.strip()
    if not value.lower().startswith("mac="):
        return False
    given = value[4:].strip().lower()
    return hmac.compare_digest(
        given.encode("ascii", "replace"), expected_mac(app_id, raw, timestamp, secret).encode()
    )


def event_timestamp(data: dict[str, Any], header: str | None) -> str | None:
    value = data.get("timestamp")
    if isinstance(value, str) and value.strip():
        return value.strip()
    if header and header.strip():
        return header.strip()
    return None


def parse_millis(timestamp: str) -> datetime:
    try:
        millis = int(timestamp)
    except ValueError as exc:
        raise MalformedEvent("'timestamp' is not epoch milliseconds") from exc
    try:
        return datetime.fromtimestamp(millis / 1000, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise MalformedEvent("'timestamp' is out of range") from exc


def is_fresh(sent_at: datetime, now: datetime, window: timedelta) -> bool:
    return abs(now - sent_at) <= window


def _id(value: Any, where: str) -> str:
    if isinstance(value, str):
        value = value.strip()
        if value and len(value) <= MAX_ID and not any(c.isspace() for c in value):
            return value
    raise MalformedEvent(f"'{where}' must be a Zalo id")


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise MalformedEvent(f"'{key}' must be an object")
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _attachment(kind: str, item: Any) -> Attachment:
    if not isinstance(item, dict):
        raise MalformedEvent("'message.attachments' must hold objects")
    payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
    kind = {"gif": "image", "sticker": "sticker"}.get(str(item.get("type")), kind)
    ref = _text(payload.get("url")) or _text(payload.get("thumbnail"))
    coordinates = payload.get("coordinates")
    if not ref and isinstance(coordinates, dict):
        lat = coordinates.get("latitude", coordinates.get("lat"))
        lon = coordinates.get("longitude", coordinates.get("long"))
        if lat is not None and lon is not None:
            ref = f"{lat},{lon}"
    if not ref:
        ref = _text(payload.get("id")) or _text(payload.get("description"))
    size = payload.get("size")
    return Attachment(
        kind=kind,
        ref=ref[:2000],
        name=_text(payload.get("name"))[:255] or None,
        mime=_text(payload.get("type"))[:100] or None,
        size=int(size) if isinstance(size, str) and size.isdigit() else None,
    )


def parse_event(data: dict[str, Any], timestamp: str) -> IncomingMessage | None:
    """One webhook body to one message; None for events that carry nothing for the core
    (echoes of what the OA sent, seen/received receipts, reactions ...)."""
    event = data.get("event_name")
    if not isinstance(event, str) or not event:
        raise MalformedEvent("'event_name' is missing")
    received_at = parse_millis(timestamp)
    if event.startswith(ECHO_PREFIX):
        return None

    def keyed(sender: str, msg_id: str | None = None) -> str:
        return msg_id or f"{event}:{sender}:{timestamp}"

    if event in ("follow", "unfollow"):
        sender = _id(_object(data, "follower").get("id"), "follower.id")
        kind = InboundKind.FOLLOW if event == "follow" else InboundKind.UNFOLLOW
        return IncomingMessage(PLATFORM, keyed(sender), sender, received_at, kind=kind)
    if event == "user_click_chatnow":
        sender = _id(data.get("user_id"), "user_id")
        return IncomingMessage(
            PLATFORM, keyed(sender), sender, received_at, kind=InboundKind.FOLLOW
        )
    if event == "user_submit_info":
        sender = _id(_object(data, "sender").get("id"), "sender.id")
        info = _object(data, "info")
        phone = _text(info.get("phone")).strip()[:32] or None
        return IncomingMessage(
            PLATFORM,
            keyed(sender),
            sender,
            received_at,
            kind=InboundKind.CONTACT,
            phone=phone,
            sender_name=_text(info.get("name")).strip()[:100] or None,
        )
    if event == "user_send_text" or event == "user_click_button" or event in ATTACHMENT_EVENTS:
        sender = _id(_object(data, "sender").get("id"), "sender.id")
        message = _object(data, "message")
        msg_id = message.get("msg_id")
        msg_id = msg_id.strip()[:128] if isinstance(msg_id, str) and msg_id.strip() else None
        text = _text(message.get("text"))
        payload, key = buttons.decode(text)
        if event == "user_click_button" and payload is None and key is None:
            payload = text.strip()
        if key is not None:
            payload = buttons.KEY_MARK + key  # resolved by the route through the PayloadStore
        attachments: tuple[Attachment, ...] = ()
        if event in ATTACHMENT_EVENTS:
            items = message.get("attachments") or []
            if not isinstance(items, list):
                raise MalformedEvent("'message.attachments' must be a list")
            attachments = tuple(_attachment(ATTACHMENT_EVENTS[event], item) for item in items)
        return IncomingMessage(
            PLATFORM,
            keyed(sender, msg_id),
            sender,
            received_at,
            text="" if payload is not None else text,
            payload=payload,
            attachments=attachments,
        )
    return None
