"""Messenger webhooks: the signature check on the raw bytes, and every event of a batch parsed
into `IncomingMessage` values.

Meta batches: one POST can hold several `entry[]`, each with several `messaging[]` events
(up to 1000 in all). Every one of them is parsed; echoes of our own sends, delivery and read
receipts are dropped. Events are returned in timestamp order because Meta does not guarantee
the order of a batch.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.messages import Attachment, InboundKind, IncomingMessage, Platform

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="
GET_STARTED_PAYLOAD = "GET_STARTED"  # what docs/facebook.md tells operators to configure
MAX_REF = 2083  # m.me ?ref= may be this long


class BadSignature(Exception):
    """The body was not signed with our app secret (or not signed at all)."""


class BadPayload(Exception):
    """The body is signed but is not a Messenger webhook we can read."""


def signature_for(body: bytes, app_secret: str) -> str:
    """The header value Meta sends: `sha256=` + lowercase hex HMAC-SHA256 of the raw body."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify_signature(body: bytes, header: str | None, app_secret: str) -> None:
    """Raise `BadSignature` unless `header` is the HMAC of exactly these bytes.

    Checked before any JSON parsing: Meta signs the escaped-unicode form it sent, so a
    re-serialised body would not match.
    """
    if not header or not app_secret:
        raise BadSignature("missing X-Hub-Signature-256 header")
    expected = signature_for(body, app_secret)
    given = header.strip().lower().encode("ascii", "replace")
    if not hmac.compare_digest(expected.encode("ascii"), given):
        raise BadSignature("X-Hub-Signature-256 does not match the body")


@dataclass
class ParsedBatch:
    messages: list[IncomingMessage] = field(default_factory=list)
    ignored: int = 0  # echoes, receipts, reactions, standby and unreadable events


def parse_body(body: bytes) -> ParsedBatch:
    """Parse a verified webhook body. Raises `BadPayload` when it is not a page webhook."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadPayload("the body is not JSON") from exc
    if not isinstance(data, dict):
        raise BadPayload("the body must be a JSON object")
    if data.get("object") != "page":
        raise BadPayload("only 'page' webhooks are handled here")
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise BadPayload("'entry' must be a list")
    batch = ParsedBatch()
    for event in _events(entries, batch):
        try:
            message = parse_event(event)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("unreadable Messenger event skipped: %s", exc)
            message = None
        if message is None:
            batch.ignored += 1
        else:
            batch.messages.append(message)
    batch.messages.sort(key=lambda m: m.received_at)  # stable: equal times keep batch order
    return batch


def _events(entries: list[Any], batch: ParsedBatch) -> Iterator[dict[str, Any]]:
    for entry in entries:
        if not isinstance(entry, dict):
            batch.ignored += 1
            continue
        # `standby` holds events of threads another app controls (handover protocol):
        # that app answers them, so we do not.
        standby = entry.get("standby")
        if isinstance(standby, list):
            batch.ignored += len(standby)
        for event in entry.get("messaging") or ():
            if isinstance(event, dict):
                yield event
            else:
                batch.ignored += 1


def parse_event(event: dict[str, Any]) -> IncomingMessage | None:
    """One `messaging[]` item; None for what is not a person's action (echo, receipt ...)."""
    sender = _psid(event["sender"]["id"])
    timestamp = event.get("timestamp")
    received_at = _time(timestamp)
    message = event.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        return _message(sender, received_at, message)
    postback = event.get("postback")
    if isinstance(postback, dict):
        return _postback(sender, received_at, timestamp, postback)
    referral = event.get("referral")
    if isinstance(referral, dict):
        ref = _ref(referral)
        if ref is None:
            return None
        return IncomingMessage(
            platform=Platform.FACEBOOK,
            external_id=_bounded(f"ref:{sender}:{_stamp(timestamp)}"),
            sender_id=sender,
            received_at=received_at,
            referral=ref,
        )
    return None  # delivery, read, reaction, optin, policy enforcement, handover ...


def _message(sender: str, received_at: datetime, message: dict[str, Any]) -> IncomingMessage:
    mid = message["mid"]
    if not isinstance(mid, str) or not mid.strip():
        raise ValueError("message.mid is missing")
    text = message.get("text")
    quick_reply = message.get("quick_reply")
    payload = quick_reply.get("payload") if isinstance(quick_reply, dict) else None
    attachments = tuple(
        a for a in (_attachment(raw) for raw in message.get("attachments") or ()) if a
    )
    return IncomingMessage(
        platform=Platform.FACEBOOK,
        external_id=_bounded(mid),
        sender_id=sender,
        received_at=received_at,
        text=text if isinstance(text, str) else "",
        payload=payload if isinstance(payload, str) and payload else None,
        attachments=attachments,
    )


def _postback(
    sender: str, received_at: datetime, timestamp: Any, postback: dict[str, Any]
) -> IncomingMessage:
    payload = postback.get("payload")
    payload = payload if isinstance(payload, str) and payload else None
    mid = postback.get("mid")
    # Before Graph v11 postbacks had no mid: sender, time and payload identify a retry.
    if isinstance(mid, str) and mid.strip():
        external_id = _bounded(mid)
    else:
        digest = hashlib.sha256((payload or "").encode()).hexdigest()[:16]
        external_id = _bounded(f"pb:{sender}:{_stamp(timestamp)}:{digest}")
    referral = postback.get("referral")
    ref = _ref(referral) if isinstance(referral, dict) else None
    if payload == GET_STARTED_PAYLOAD:
        # The first tap in a new thread. With an m.me ref it carries the invite code, and the
        # core starts onboarding with it; without one it is the platform's "follow".
        if ref is not None:
            return IncomingMessage(
                platform=Platform.FACEBOOK,
                external_id=external_id,
                sender_id=sender,
                received_at=received_at,
                referral=ref,
            )
        return IncomingMessage(
            platform=Platform.FACEBOOK,
            external_id=external_id,
            sender_id=sender,
            received_at=received_at,
            kind=InboundKind.FOLLOW,
        )
    title = postback.get("title")
    return IncomingMessage(
        platform=Platform.FACEBOOK,
        external_id=external_id,
        sender_id=sender,
        received_at=received_at,
        text=title if isinstance(title, str) else "",
        payload=payload,
        referral=ref,
    )


MAX_ID = 128  # the width of inbound_update.external_id and identity.platform_user_id


def _psid(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ValueError("sender.id must be a string")
    psid = str(raw).strip()
    if not psid or len(psid) > MAX_ID or not psid.isprintable():
        raise ValueError("sender.id is empty, too long or not printable")
    return psid


def _bounded(mid: str) -> str:
    """Meta's mids fit easily; one that does not (or holds control characters, which
    PostgreSQL refuses) is replaced by its digest, which still deduplicates retries."""
    if len(mid) <= MAX_ID and mid.isprintable():
        return mid
    return "mh:" + hashlib.sha256(mid.encode("utf-8")).hexdigest()


def _ref(referral: dict[str, Any]) -> str | None:
    ref = referral.get("ref")
    if not isinstance(ref, str) or not ref.strip():
        return None
    return ref.strip()[:MAX_REF]


_ATTACHMENT_KINDS = {"image", "video", "audio", "file", "sticker", "location"}


def _attachment(raw: Any) -> Attachment | None:
    """Keep a reference (the platform's URL, sticker id or coordinates), never the bytes."""
    if not isinstance(raw, dict):
        return None
    kind = str(raw.get("type") or "other")
    payload = raw.get("payload") if isinstance(raw.get("payload"), dict) else {}
    if payload.get("sticker_id") is not None:
        # Until 2026-08-30 a sticker also arrives as an `image` with a sticker_id.
        return Attachment(kind="sticker", ref=str(payload["sticker_id"]))
    if kind == "location":
        coords = payload.get("coordinates") or {}
        ref = f"geo:{coords.get('lat')},{coords.get('long')}"
        return Attachment(kind="location", ref=ref)
    url = payload.get("url") or raw.get("url")
    if kind == "fallback":  # a shared link
        return Attachment(kind="link", ref=str(url or ""), name=raw.get("title"))
    if not url:
        return None
    return Attachment(
        kind=kind if kind in _ATTACHMENT_KINDS else "other",
        ref=str(url),
        name=payload.get("title") or raw.get("title"),
    )


def _time(timestamp: Any) -> datetime:
    if isinstance(timestamp, int | float) and timestamp > 0:
        return datetime.fromtimestamp(timestamp / 1000, UTC)
    return datetime.now(UTC)


def _stamp(timestamp: Any) -> str:
    if isinstance(timestamp, int | float) and timestamp > 0:
        return str(int(timestamp))
    raise ValueError("an event without mid needs a timestamp to be deduplicated")
