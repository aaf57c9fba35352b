"""Platform-neutral message values that cross the adapter boundary.

Adapters parse webhooks into `IncomingMessage` and send `OutgoingMessage`; the core never sees
a platform's JSON. Both are frozen so a value read from the inbound table cannot be changed
by a handler on its way through the dispatcher.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Platform(StrEnum):
    WEBCHAT = "webchat"
    TERMINAL = "terminal"
    TELEGRAM = "telegram"
    FACEBOOK = "facebook"
    ZALO = "zalo"
    ZALOBOT = "zalobot"


class InboundKind(StrEnum):
    """What the person did. Most updates are MESSAGE (text, a button tap or an attachment)."""

    MESSAGE = "message"
    FOLLOW = "follow"  # followed the OA / opened the conversation for the first time
    UNFOLLOW = "unfollow"  # unfollowed or blocked the bot: nothing can be sent any more
    UNBLOCKED = "unblocked"  # allowed the bot to write again (Telegram my_chat_member)
    CONTACT = "contact"  # shared contact details (Zalo user_submit_info)
    # Group chats (`group_id` set; core/groups): the bot was added to a group, removed from it
    # (left or kicked), or the group moved to a new id (`moved_to`: a Telegram supergroup).
    GROUP_JOINED = "group_joined"
    GROUP_LEFT = "group_left"
    GROUP_MOVED = "group_moved"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A reference to a file kept by the platform; the bytes are fetched only when needed."""

    kind: str  # image, file, audio, video, sticker, location, link, other
    ref: str  # platform file id or URL
    name: str | None = None
    mime: str | None = None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    platform: str
    external_id: str  # the platform's id of this update: the dedupe key with `platform`
    sender_id: str  # the platform's id of the person (chat id, PSID, Zalo user id ...)
    received_at: datetime
    text: str = ""
    payload: str | None = None  # the payload of a tapped button or quick reply
    attachments: tuple[Attachment, ...] = ()
    kind: InboundKind = InboundKind.MESSAGE
    referral: str | None = None  # an invite code carried by a deep link (t.me ?start=, m.me ?ref=)
    sender_name: str | None = None  # display name the platform gave, never stored before consent
    locale_hint: str | None = None  # the person's app language, if the platform tells it
    phone: str | None = None  # only with InboundKind.CONTACT
    button_key: str | None = None  # an opaque button id whose payload the core looks up
    # In a group chat: the group's id (then `sender_id` is the group too, so that nothing of
    # the person is kept once processed), who wrote (`author_id`, read only while processing;
    # None with `author_anonymous` when an admin writes as the group itself), the group's
    # title, and the id it moved to (GROUP_MOVED). None in a private chat.
    group_id: str | None = None
    author_id: str | None = None
    author_anonymous: bool = False
    group_title: str | None = None
    moved_to: str | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> IncomingMessage:
        data: dict[str, Any] = json.loads(raw)
        data["received_at"] = datetime.fromisoformat(data["received_at"])
        data["attachments"] = tuple(Attachment(**a) for a in data.get("attachments", ()))
        data["kind"] = InboundKind(data.get("kind", InboundKind.MESSAGE))
        return cls(**data)


@dataclass(frozen=True, slots=True)
class RawUpdate:
    """An update stored as the platform sent it, when reading it costs more than the webhook's
    answer may wait: the platform's `InboundDecoder` reads it when it is processed."""

    platform: str
    external_id: str  # the dedupe key with `platform`, read cheaply from the raw body
    body: str


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One reply or announcement. Adapters decide how buttons look on their platform.

    `buttons` belong to the message (inline keyboard, Zalo buttons, Messenger quick replies);
    `quick_replies` are suggested answers where the platform distinguishes them.
    """

    text: str
    buttons: tuple[Button, ...] = field(default=())
    quick_replies: tuple[Button, ...] = field(default=())
    image_url: str | None = None

    def to_json(self) -> str:
        # by hand: dataclasses.asdict deep-copies every field and cost more than the insert
        return json.dumps(
            {
                "text": self.text,
                "buttons": [{"label": b.label, "payload": b.payload} for b in self.buttons],
                "quick_replies": [
                    {"label": b.label, "payload": b.payload} for b in self.quick_replies
                ],
                "image_url": self.image_url,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> OutgoingMessage:
        data: dict[str, Any] = json.loads(raw)
        return cls(
            text=data["text"],
            buttons=tuple(Button(**b) for b in data.get("buttons", ())),
            quick_replies=tuple(Button(**b) for b in data.get("quick_replies", ())),
            image_url=data.get("image_url"),
        )


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who an outgoing message goes to, with what an adapter needs for its window policy."""

    platform: str
    user_id: str
    identity_id: int
    last_inbound_at: datetime | None = None
    locale: str = "vi"
