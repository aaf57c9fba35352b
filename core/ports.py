"""The ports the core offers to adapters and needs from the outside. Contracts are here."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from core.chat.traits import ChannelTraits
from core.errors import SendResult
from core.messages import Attachment, IncomingMessage, OutgoingMessage, RawUpdate, Recipient


@runtime_checkable
class Channel(Protocol):
    """Sends core messages through one platform.

    Contract:
    - `send` never raises for a platform answer: every outcome is a `Sent` or a
      `DeliveryFailure` of a `DeliveryErrorKind`. Raising means our bug (the worker logs it
      and does not retry).
    - `proactive` is False for a reply to something the person just did, True for
      announcements, reminders and digests; a platform with a messaging window answers
      `OUTSIDE_WINDOW` without calling the API when a proactive send is not allowed.
    - A text longer than the platform allows is split by the adapter, in order.
    - The adapter respects its platform's rate limits itself (it may wait before sending).
    - `traits` says what the platform carries (text limit and unit, buttons, window, rates),
      as the adapter declares it in `adapters/<platform>/traits.py`; the channel behaves by
      them (tests/e2e/test_channel_traits.py holds each one against the platform's fake).
    """

    platform: str
    traits: ChannelTraits

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult: ...


class InboundSink(Protocol):
    """Where a webhook puts the messages it parsed.

    `accept` stores them durably (dropping duplicates of `(platform, external_id)`) and
    returns how many were new. It raises `StoreUnavailable` when nothing could be stored:
    the webhook then answers 503 so that the platform delivers again.
    """

    async def accept(self, messages: Sequence[IncomingMessage]) -> int: ...

    async def accept_raw(self, updates: Sequence[RawUpdate]) -> None:
        """Store updates as they came (same dedupe, same `StoreUnavailable`); the platform's
        `InboundDecoder` reads each one when it is processed."""
        ...


class InboundDecoder(Protocol):
    """Reads one platform's `RawUpdate` bodies into what they mean, inside processing.

    `decode` returns None for an update that is acknowledged and ignored (another update
    type, a bot, a group message not addressed to the bot). It raises `ValueError` for a body
    it cannot read: the update is then marked failed, kept for inspection and never retried.

    Group chats (the port core/groups serves, whichever the messenger): an update from a
    group carries `group_id` (the group's chat id, which is also its `sender_id`, so that
    nothing of the person is kept), `group_title`, and one of: InboundKind.GROUP_JOINED (the
    bot was added), GROUP_LEFT (removed, or it left), GROUP_MOVED (`moved_to`: the group's new
    id), or a MESSAGE addressed to the bot with `author_id` (who wrote, read only to check
    an officer's link code). Anything else said in a group is never passed on, and its
    webhook should not store it. Posts in a group go through the same `Channel.send`, to the
    group's chat id; the channel keeps to the platform's per-group rate. How a group names
    the bot and links to it is given to the core as `core.chat.links.GroupLinks`.
    """

    platform: str

    def decode(self, body: str) -> IncomingMessage | None: ...


class PayloadStore(Protocol):
    """Maps a long button payload to a short opaque key and back (Telegram's 64 bytes)."""

    async def key_for(self, payload: str) -> str: ...

    async def payload_for(self, key: str) -> str | None: ...


class Mailbox(Protocol):
    """The web chat's delivered messages, kept until the browser reads them."""

    async def put(self, session_id: str, message: OutgoingMessage) -> int: ...

    async def read_after(
        self, session_id: str, after_id: int
    ) -> list[tuple[int, OutgoingMessage]]: ...

    async def wait(
        self, session_id: str, after_id: int, timeout: float
    ) -> list[tuple[int, OutgoingMessage]]:
        """Like `read_after`, but waits up to `timeout` seconds for something to arrive."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class ChannelHealth(Protocol):
    """Where an adapter reports that its platform access is broken (token revoked, OA not
    authorised any more). `flag` records it once and tells the officers of the top units on
    their other messengers; `clear` records that the channel works again."""

    async def flag(self, platform: str, reason: str) -> None: ...

    async def clear(self, platform: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Credential:
    """A platform's stored token pair. `version` grows by one with every rotation."""

    platform: str
    access_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    access_expires_at: datetime | None = None
    version: int = 0


class CredentialRotation(Protocol):
    """The stored pair, read under the rotation lock; `save` writes the new pair and commits
    (compare-and-swap on `current.version`), so it is durable before anyone uses it."""

    current: Credential | None

    async def save(
        self, *, access_token: str, refresh_token: str, access_expires_at: datetime | None
    ) -> Credential: ...


class CredentialStore(Protocol):
    """Rotating platform tokens (Zalo's single-use refresh token).

    Contract:
    - `load` returns the stored pair, or None when no pair was ever stored.
    - `seed` stores a first pair only when none is stored; it returns what is stored after.
    - `rotation` holds a lock across processes for as long as the context is open (a row lock
      on PostgreSQL, the write lock on SQLite): a second rotation of the same platform waits,
      then reads the pair the first one saved. Leaving the context without `save` changes
      nothing. `save` raises `ConcurrencyConflict` when the version moved meanwhile.
    """

    async def load(self, platform: str) -> Credential | None: ...

    async def seed(
        self,
        platform: str,
        *,
        access_token: str | None,
        refresh_token: str,
        access_expires_at: datetime | None,
    ) -> Credential: ...

    def rotation(self, platform: str) -> AbstractAsyncContextManager[CredentialRotation]: ...


class AttachmentTooLarge(Exception):
    """The file is larger than the limit the caller gave (declared or while reading)."""


class AttachmentUnavailable(Exception):
    """The platform will not give the file (expired, deleted, refused); trying again won't help."""


@runtime_checkable
class AttachmentFetcher(Protocol):
    """Fetches the bytes of a file a person sent, from the platform that keeps it.

    Contract:
    - `fetch(attachment, max_bytes=N)` returns the bytes of `attachment.ref` (a platform file
      id or URL, as the adapter's parser put it) and never holds more than N bytes: it raises
      `AttachmentTooLarge` as soon as the platform declares or sends more.
    - It raises `AttachmentUnavailable` when the platform refuses or no longer has the file.
    - Anything else raised (a network error) is transient: the caller tries again later.
    """

    platform: str

    async def fetch(self, attachment: Attachment, *, max_bytes: int) -> bytes: ...
