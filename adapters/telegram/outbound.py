"""The Telegram `Channel`: core messages out through python-telegram-bot's `Bot`."""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram.ratelimit import RateLimiter
from adapters.telegram.traits import CAPTION_LIMIT, TRAITS
from core.chat.traits import ChannelTraits
from core.errors import DeliveryErrorKind, DeliveryFailure, SendResult, Sent
from core.messages import Attachment, OutgoingMessage, Recipient
from core.ports import AttachmentTooLarge, AttachmentUnavailable, ChannelHealth, PayloadStore

log = logging.getLogger(__name__)

PLATFORM = TRAITS.platform
PROGRESS_MEMORY = 10_000
KEY_MEMORY = 10_000


def chat_id_of(user_id: str) -> int | str:
    try:
        return int(user_id)
    except ValueError:
        return user_id  # @channelusername


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: TelegramError) -> DeliveryFailure:
    """A Bot API error as a typed delivery outcome (platforms.md §1.9)."""
    detail = str(exc)[:500]
    if isinstance(exc, RetryAfter):
        return DeliveryFailure(DeliveryErrorKind.RATE_LIMITED, detail, retry_seconds(exc))
    if isinstance(exc, ChatMigrated):
        return DeliveryFailure(DeliveryErrorKind.TRANSIENT, detail, migrate_to=str(exc.new_chat_id))
    if isinstance(exc, Forbidden):  # blocked, deactivated, kicked, never started the bot
        return DeliveryFailure(DeliveryErrorKind.BLOCKED, detail)
    if isinstance(exc, InvalidToken):
        return DeliveryFailure(DeliveryErrorKind.AUTH, detail)
    if isinstance(exc, BadRequest | Conflict):  # chat not found, too long, bad buttons
        return DeliveryFailure(DeliveryErrorKind.PERMANENT, detail)
    if isinstance(exc, TimedOut):  # no answer in time: Telegram may have delivered it
        return DeliveryFailure(DeliveryErrorKind.TRANSIENT, detail, maybe_delivered=True)
    if isinstance(exc, NetworkError):  # 5xx, connection errors
        return DeliveryFailure(DeliveryErrorKind.TRANSIENT, detail)
    return DeliveryFailure(DeliveryErrorKind.TRANSIENT, detail)  # e.g. an unreadable answer


@dataclass(frozen=True)
class _Step:
    text: str
    photo: str | None = None


# Sends at once (the delivery loop's slots): 30/s at up to a quarter second a round trip,
# with room for a hung call or two waiting out the Bot's timeout (THIDUA_TELEGRAM_TIMEOUT).
MAX_IN_FLIGHT = 8


class TelegramChannel:
    """Sends with the limits of `RateLimiter` (waiting, not failing).

    A long message goes as several Telegram messages. When one part fails, the parts already
    delivered are remembered (in this process) so that the retry sends only the rest.
    """

    platform = PLATFORM
    max_in_flight = MAX_IN_FLIGHT

    def __init__(
        self,
        bot: Bot,
        payloads: PayloadStore,
        limiter: RateLimiter,
        *,
        health: ChannelHealth | None = None,
        paid_broadcast: bool = False,
        traits: ChannelTraits = TRAITS,
    ) -> None:
        self.bot = bot
        self.traits = traits
        self.payloads = payloads
        self.limiter = limiter
        self.health = health
        self.paid_broadcast = paid_broadcast
        self._progress: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
        self._keys: OrderedDict[str, str] = OrderedDict()  # payload -> key, never changes
        self._auth_flagged = False

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        steps = self._steps(message)
        if not steps:
            return DeliveryFailure(DeliveryErrorKind.PERMANENT, "empty message: no text, no image")
        try:
            keyboard = await self._keyboard(message)
        except ValueError as exc:
            return DeliveryFailure(DeliveryErrorKind.PERMANENT, str(exc))
        chat_id = chat_id_of(recipient.user_id)
        key = (recipient.user_id, hashlib.sha256(message.to_json().encode()).hexdigest())
        sent = self._progress.pop(key, [])
        paid = self.paid_broadcast and proactive
        for index, step in enumerate(steps):
            if index < len(sent):
                continue
            markup = keyboard if index == len(steps) - 1 else None
            try:
                async with self.limiter.slot(chat_id, paid=paid):
                    result = await self._call(chat_id, step, markup, paid)
            except TelegramError as exc:
                if sent:
                    self._remember(key, sent)
                return await self._failed(chat_id, exc)
            sent.append(str(result.message_id))
        if self._auth_flagged and self.health is not None:
            self._auth_flagged = False
            await self.health.clear(PLATFORM)
        return Sent(tuple(sent))

    async def _call(
        self, chat_id: int | str, step: _Step, markup: InlineKeyboardMarkup | None, paid: bool
    ) -> Message:
        extra = {"allow_paid_broadcast": True} if paid else {}
        if step.photo is not None:
            return await self.bot.send_photo(
                chat_id, step.photo, caption=step.text or None, reply_markup=markup, **extra
            )
        return await self.bot.send_message(chat_id, step.text, reply_markup=markup, **extra)

    def _steps(self, message: OutgoingMessage) -> list[_Step]:
        parts = self.traits.split(message.text) if message.text else []
        if message.image_url is None:
            return [_Step(p) for p in parts]
        if len(parts) == 1 and self.traits.length(parts[0]) <= CAPTION_LIMIT:
            return [_Step(parts[0], photo=message.image_url)]
        return [_Step("", photo=message.image_url), *(_Step(p) for p in parts)]

    async def _keyboard(self, message: OutgoingMessage) -> InlineKeyboardMarkup | None:
        buttons = (*message.buttons, *message.quick_replies)
        if not buttons:
            return None
        limit = self.traits.payload_max_bytes
        rows = []
        for button in buttons:
            data = await self._key_for(button.payload)
            if not data or (limit is not None and len(data.encode()) > limit):
                raise ValueError(f"callback_data key {data!r} is not 1-{limit} bytes")
            rows.append([InlineKeyboardButton(button.label, callback_data=data)])
        return InlineKeyboardMarkup(rows)

    async def _key_for(self, payload: str) -> str:
        """The store gives one payload one key for good, so keys are remembered here: the same
        buttons go to everyone, and a database round trip per button would queue behind (and
        in front of) the webhook's own stores."""
        key = self._keys.get(payload)
        if key is None:
            key = self._keys[payload] = await self.payloads.key_for(payload)
            while len(self._keys) > KEY_MEMORY:
                self._keys.popitem(last=False)
        else:
            self._keys.move_to_end(payload)
        return key

    async def _failed(self, chat_id: int | str, exc: TelegramError) -> DeliveryFailure:
        failure = classify(exc)
        if failure.kind == DeliveryErrorKind.RATE_LIMITED and failure.retry_after:
            self.limiter.flooded(chat_id, failure.retry_after)
        if failure.kind == DeliveryErrorKind.AUTH and self.health is not None:
            self._auth_flagged = True
            await self.health.flag(PLATFORM, "the Bot API rejected the bot token")
        log.info("telegram send to %s failed: %s", chat_id, failure.kind)
        return failure

    def _remember(self, key: tuple[str, str], sent: list[str]) -> None:
        self._progress[key] = sent
        self._progress.move_to_end(key)
        while len(self._progress) > PROGRESS_MEMORY:
            self._progress.popitem(last=False)

    async def fetch_file(self, file_id: str, *, max_bytes: int = 20_000_000) -> bytes:
        """The bytes of a file a person sent (an attachment's `ref`), through getFile.

        Raises ValueError when the file is larger than `max_bytes` (Bot API downloads stop at
        20 MB anyway) and TelegramError when Telegram refuses."""
        file = await self.bot.get_file(file_id)
        if file.file_size is not None and file.file_size > max_bytes:
            raise ValueError(f"the file has {file.file_size} bytes, more than {max_bytes}")
        data = bytes(await file.download_as_bytearray())
        if len(data) > max_bytes:
            raise ValueError(f"the file has {len(data)} bytes, more than {max_bytes}")
        return data

    async def fetch(self, attachment: Attachment, *, max_bytes: int) -> bytes:
        """The `AttachmentFetcher` port: a file a person sent, by its file_id."""
        try:
            return await self.fetch_file(attachment.ref, max_bytes=max_bytes)
        except ValueError as exc:
            raise AttachmentTooLarge(str(exc)) from exc
        except BadRequest as exc:  # "invalid file_id", "file is too big": not coming back
            raise AttachmentUnavailable(exc.message) from exc
