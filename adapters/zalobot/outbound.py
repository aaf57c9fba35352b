"""The Zalo Bot Platform `Channel`: sendMessage and sendPhoto (zalo-bot.md §2).

- No buttons: the dispatcher renders a reply's choices as a numbered list (TRAITS.buttons is
  False); a message that still carries buttons (one queued outside a conversation) shows
  them as a numbered list after its text.
- Text over 2,000 characters goes as several messages, cut on word boundaries, in order. An
  image goes first, with the text as its caption when the text fits in one message.
- No window is documented: a proactive send goes like a reply.
- The rate is ours (Zalo publishes none): calls are paced at TRAITS.send_rate, and a 429
  ("Quota exceeded") pauses the whole bot, 1 s at first and doubling while 429s continue up
  to a minute; meanwhile sends answer RATE_LIMITED without calling the API.
- A message cut in parts that failed half-way is resumed where it stopped on the next try.
- A refused token (401) flags the channel for the operator; the message waits, nothing lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from adapters.zalobot.client import QUOTA, UNAUTHORIZED, ApiError, ZaloBotApi, classify
from adapters.zalobot.traits import PLATFORM, TRAITS
from core.chat.render import choices_of, numbered
from core.chat.traits import ChannelTraits
from core.errors import DeliveryErrorKind, DeliveryFailure, SendResult, Sent
from core.messages import OutgoingMessage, Recipient
from core.pacing import AnswerKeyedWindow
from core.ports import ChannelHealth

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 8  # the delivery loop's slots for this platform
FIRST_PAUSE = 1.0  # seconds after a first 429
LONGEST_PAUSE = 60.0
REMEMBERED = 1000  # half-sent messages whose progress is kept


class BotRateLimiter(AnswerKeyedWindow):
    """At most `per_second` calls in any second, and the pause after a 429."""

    def __init__(
        self,
        per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        if per_second < 1:
            super().__init__(1, 1.0 / per_second, monotonic=monotonic, sleep=sleep)
        else:
            super().__init__(int(per_second), 1.0, monotonic=monotonic, sleep=sleep)
        self._paused_until = 0.0
        self._backoff: float | None = None

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._monotonic())

    def pause(self) -> float:
        """After a 429: FIRST_PAUSE, doubling while 429s continue, at most LONGEST_PAUSE."""
        previous = self._backoff
        self._backoff = FIRST_PAUSE if previous is None else min(previous * 2, LONGEST_PAUSE)
        self._paused_until = max(self._paused_until, self._monotonic() + self._backoff)
        return self._backoff

    def succeeded(self) -> None:
        self._backoff = None


@dataclass(frozen=True, slots=True)
class _Step:
    text: str
    photo: str | None = None


class ZaloBotChannel:
    platform = PLATFORM
    max_in_flight = MAX_IN_FLIGHT

    def __init__(
        self,
        api: ZaloBotApi,
        *,
        limiter: BotRateLimiter,
        health: ChannelHealth | None = None,
        traits: ChannelTraits = TRAITS,
    ) -> None:
        self.api = api
        self.limiter = limiter
        self.health = health
        self.traits = traits
        self._progress: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._auth_flagged = False

    def steps(self, message: OutgoingMessage) -> list[_Step]:
        text = unicodedata.normalize("NFC", message.text)
        offered = choices_of(message)
        if offered:  # the dispatcher renders replies; anything else still shows its choices
            text = f"{text}\n\n{numbered(offered)}"
        parts = self.traits.split(text) if text.strip() else []
        if not message.image_url:
            return [_Step(part) for part in parts]
        if len(parts) <= 1:
            return [_Step(parts[0] if parts else "", photo=message.image_url)]
        return [_Step("", photo=message.image_url), *(_Step(part) for part in parts)]

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        waiting = self.limiter.paused_for()
        if waiting > 0:
            return DeliveryFailure(
                DeliveryErrorKind.RATE_LIMITED, "zalo bot quota pause", retry_after=waiting
            )
        key = (recipient.user_id, message.to_json())
        sent = self._progress.pop(key, [])
        steps = self.steps(message)
        try:
            for step in steps[len(sent) :]:
                sent.append(await self._call(recipient.user_id, step))
        except ApiError as exc:
            if sent:
                self._remember(key, sent)
            return await self._failed(recipient, exc)
        self.limiter.succeeded()
        if self._auth_flagged and self.health is not None:
            self._auth_flagged = False
            await self.health.clear(PLATFORM)
        return Sent(tuple(sent))

    async def _call(self, chat_id: str, step: _Step) -> str:
        async with self._in_flight, self.limiter.slot():
            if step.photo is not None:
                return await self.api.send_photo(chat_id, step.photo, step.text or None)
            return await self.api.send_message(chat_id, step.text)

    async def _failed(self, recipient: Recipient, exc: ApiError) -> DeliveryFailure:
        retry_after = self.limiter.pause() if exc.code == QUOTA else None
        failure = classify(exc, retry_after=retry_after).as_failure()
        if exc.code == UNAUTHORIZED and self.health is not None:
            self._auth_flagged = True
            await self.health.flag(PLATFORM, "the Zalo Bot Platform refused the bot token")
        log.info("zalobot send to %s failed: %s (%s)", recipient.identity_id, failure.kind, exc)
        return failure

    def _remember(self, key: tuple[str, str], sent: list[str]) -> None:
        self._progress[key] = sent
        self._progress.move_to_end(key)
        while len(self._progress) > REMEMBERED:
            self._progress.popitem(last=False)
