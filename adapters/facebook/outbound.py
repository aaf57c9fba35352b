"""The Messenger `Channel`: the Graph Send API over an `httpx.AsyncClient`.

Window policy: Meta lets a Page write to a person only within 24 hours of that person's last
action (message, postback, m.me link). Automated messages outside it are not allowed at all
since the message tags other than HUMAN_AGENT were retired (April 2026), and HUMAN_AGENT is
for words a human wrote. So a proactive message to someone silent for 24 hours is not sent:
it is answered OUTSIDE_WINDOW without calling the API, and the core keeps it for the person's
next visit. A reply goes as RESPONSE, a proactive message inside the window as UPDATE.

A text over 2,000 characters goes as several messages, in order; when one of them fails, the
next try of the message resumes at that part instead of sending the earlier ones again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from typing import Any

import httpx

from adapters.facebook.graph_errors import (
    RATE_LIMIT_BACKOFF,
    RATE_LIMIT_BACKOFF_CAP,
    classify,
    parse_error,
)
from adapters.facebook.rate_limit import PageRateLimiter
from adapters.facebook.render import MAX_PAYLOAD, render
from adapters.facebook.traits import TRAITS
from adapters.transport import went_out
from core.chat.traits import ChannelTraits
from core.errors import DeliveryErrorKind, DeliveryFailure, SendResult, Sent
from core.messages import Button, OutgoingMessage, Recipient
from core.ports import ChannelHealth, Clock, PayloadStore

log = logging.getLogger(__name__)

STORED_PAYLOAD_PREFIX = "~fbk:"  # a payload longer than 1000 characters, kept in PayloadStore
# Send API calls at once, and the HTTP connections kept for them: 300/s up to 26 ms a round
# trip. One connection per call at once (adapters/transport.py::ConnectionPerCall: httpcore's
# shared pool checks every connection it holds on each call); fewer would open and close a
# connection per call.
MAX_IN_FLIGHT = 16
# Seconds before a call with no answer is given up (a TRANSIENT failure, retried): the Send
# API answers in a fraction of a second; a hung call holds its slot no longer than this, and
# at 300/s with 1 % of calls hanging about nine of the 16 slots are held at any time.
CALL_TIMEOUT = 3.0
# Messages cut in parts whose sending stopped half-way, remembered with the ids of the parts
# sent, so that the retry sends only the rest (per process: after a restart it starts over).
PROGRESS_MEMORY = 10_000


class FacebookChannel:
    platform = TRAITS.platform
    max_in_flight = MAX_IN_FLIGHT  # the delivery loop's slots for this platform

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        page_token: str,
        clock: Clock,
        health: ChannelHealth,
        payloads: PayloadStore,
        limiter: PageRateLimiter,
        traits: ChannelTraits = TRAITS,
        call_timeout: float = CALL_TIMEOUT,
    ) -> None:
        """`client` has the Graph base URL with its version (e.g. .../v23.0) as base_url."""
        self.traits = traits
        self.client = client
        self._page_token = page_token
        self.clock = clock
        self.health = health
        self.payloads = payloads
        self.limiter = limiter
        self.call_timeout = call_timeout
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._flagged: bool | None = None  # unknown after start: cleared on the first success
        self._progress: OrderedDict[tuple[str, str], list[str]] = OrderedDict()

    def window_open(self, recipient: Recipient) -> bool:
        last, window = recipient.last_inbound_at, self.traits.window
        if window is None:
            return True
        if last is None:
            return False
        return self.clock.now() - last < window

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        if proactive and not self.window_open(recipient):
            return DeliveryFailure(
                DeliveryErrorKind.OUTSIDE_WINDOW,
                "no message from this person in the last 24 hours; Messenger forbids "
                "automated messages outside that window",
            )
        paused = self.limiter.paused_for()
        if paused > 0:
            return DeliveryFailure(
                DeliveryErrorKind.RATE_LIMITED,
                "the Page is throttled by Meta; waiting",
                retry_after=paused,
            )
        parts = render(await self._short_payloads(message))
        messaging_type = "UPDATE" if proactive else "RESPONSE"
        # the parts already sent by an earlier try of this message: resumed after them
        key = (recipient.user_id, hashlib.sha256(message.to_json().encode()).hexdigest())
        ids = self._progress.pop(key, [])
        for index in range(len(ids), len(parts)):
            result = await self._call(
                {
                    "recipient": {"id": recipient.user_id},
                    "messaging_type": messaging_type,
                    "message": parts[index],
                }
            )
            if isinstance(result, DeliveryFailure):
                if index:
                    self._remember(key, ids)
                    detail = (
                        f"{result.detail} (after {index} of {len(parts)} parts were sent; "
                        f"the next try resumes at part {index + 1})"
                    )
                    return DeliveryFailure(
                        result.kind,
                        detail[:500],
                        result.retry_after,
                        maybe_delivered=result.maybe_delivered,
                    )
                return result
            ids.append(result)
        self.limiter.succeeded()
        if self._flagged is not False:
            await self.health.clear(self.platform)
            self._flagged = False
        return Sent(tuple(ids))

    def _remember(self, key: tuple[str, str], sent: list[str]) -> None:
        """The parts of a message sent before one failed (the newest PROGRESS_MEMORY kept)."""
        self._progress[key] = sent
        self._progress.move_to_end(key)
        while len(self._progress) > PROGRESS_MEMORY:
            self._progress.popitem(last=False)

    async def _short_payloads(self, message: OutgoingMessage) -> OutgoingMessage:
        if all(len(b.payload) <= MAX_PAYLOAD for b in (*message.buttons, *message.quick_replies)):
            return message

        async def short(button: Button) -> Button:
            if len(button.payload) <= MAX_PAYLOAD:
                return button
            key = await self.payloads.key_for(button.payload)
            return Button(button.label, STORED_PAYLOAD_PREFIX + key)

        return OutgoingMessage(
            text=message.text,
            buttons=tuple([await short(b) for b in message.buttons]),
            quick_replies=tuple([await short(b) for b in message.quick_replies]),
            image_url=message.image_url,
        )

    async def _call(self, body: dict[str, Any]) -> str | DeliveryFailure:
        """One Send API call; the message id, or what went wrong."""
        async with self._in_flight, self.limiter.slot():
            paused = self.limiter.paused_for()  # Meta throttled the Page while this one waited
            if paused > 0:
                return DeliveryFailure(
                    DeliveryErrorKind.RATE_LIMITED,
                    "the Page is throttled by Meta; waiting",
                    retry_after=paused,
                )
            try:
                # The token goes in the Authorization header, which Graph accepts like the
                # documented ?access_token=: a query string would end up in httpx's request log.
                response = await self.client.post(
                    "/me/messages",
                    json=body,
                    headers={"Authorization": f"Bearer {self._page_token}"},
                    timeout=self.call_timeout,
                )
            except httpx.TimeoutException as exc:
                return DeliveryFailure(
                    DeliveryErrorKind.TRANSIENT,
                    f"Graph API timed out: {exc!r}",
                    maybe_delivered=went_out(exc),
                )
            except httpx.TransportError as exc:
                return DeliveryFailure(
                    DeliveryErrorKind.TRANSIENT,
                    f"Graph API unreachable: {exc!r}",
                    maybe_delivered=went_out(exc),
                )
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict) and data.get("message_id"):
            return str(data["message_id"])
        error = parse_error(response.status_code, data)
        verdict = classify(error)
        detail = error.describe()
        retry_after: float | None = None
        if verdict.pause_page is not None:
            if verdict.pause_page == RATE_LIMIT_BACKOFF:
                retry_after = self.limiter.pause(RATE_LIMIT_BACKOFF, RATE_LIMIT_BACKOFF_CAP)
            else:
                self.limiter.pause_exactly(verdict.pause_page)
                retry_after = verdict.pause_page
        if verdict.flag_channel:
            log.error("Messenger channel broken: %s", detail)
            await self.health.flag(self.platform, detail)
            self._flagged = True
        elif verdict.kind == DeliveryErrorKind.PERMANENT:
            log.error("Messenger refused a message (our bug?): %s", detail)
        return DeliveryFailure(verdict.kind, detail, retry_after=retry_after)
