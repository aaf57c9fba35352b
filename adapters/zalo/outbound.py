"""The Zalo OA `Channel`: consultation messages (`/v3.0/oa/message/cs`), the messaging
windows, and the announcement template (`/v3.0/oa/message/template`) beyond them.

Windows, from the person's last interaction (`Recipient.last_inbound_at`):
- up to 48 h: consultation messages are free;
- 48 h to 7 days: still allowed but billed; replies go, proactive sends go only when
  `billable_proactive` is set (otherwise the template, or OUTSIDE_WINDOW);
- beyond 7 days: Zalo refuses (-230/-232), so the API is not called: the template when one is
  configured, otherwise OUTSIDE_WINDOW (the core holds the message until the person writes).

Zalo answers errors with HTTP 200 and a negative `error`; only `error == 0` is a success.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from adapters.transport import went_out
from adapters.zalo import buttons as button_codec
from adapters.zalo.ratelimit import SlidingWindowLimiter
from adapters.zalo.tokens import ZaloTokens
from adapters.zalo.traits import TRAITS, configured
from core.chat.traits import ChannelTraits
from core.errors import DeliveryError, DeliveryErrorKind, DeliveryFailure, SendResult, Sent
from core.messages import Button, OutgoingMessage, Recipient
from core.ports import Clock, PayloadStore

log = logging.getLogger(__name__)

CS_PATH = "/v3.0/oa/message/cs"
TEMPLATE_PATH = "/v3.0/oa/message/template"
MAX_TEMPLATE_PARAM = 400  # ZBS template parameters are short; the whole text is in the chat

OUTSIDE_WINDOW_CODES = {-230, -232, -218}  # -218: the person's quota; it resets when they write
BLOCKED_CODES = {-213, -217, -227}  # not a follower, blocked the OA, banned or inactive
TOKEN_CODES = {-216, -220}
RATE_LIMIT_CODE = -32
QUOTA_CODE = -211
NIGHT_CODE = -234
CONFIG_CODES = {-204, -205, -209, -212, -221, -224, -240, -242}
# OA API calls at once, and the HTTP connections kept for them, one per call at once
# (adapters/transport.py::ConnectionPerCall: httpcore's shared pool checks every connection it
# holds on each call); fewer would open and close a connection per call.
MAX_IN_FLIGHT = 8
# Seconds before a call with no answer is given up (a TRANSIENT failure, retried): Zalo
# answers in well under a second, so a hung call holds its slot no longer than this.
CALL_TIMEOUT = 3.0


class Route(Enum):
    FREE = "free"
    BILLABLE = "billable"
    TEMPLATE = "template"


@dataclass(frozen=True)
class ChannelConfig:
    announcement_template_id: str | None = None
    template_param: str = "content"
    billable_proactive: bool = False
    timezone: str = "Asia/Ho_Chi_Minh"

    @property
    def free_window(self) -> timedelta:
        assert TRAITS.window is not None
        return TRAITS.window

    @property
    def cs_window(self) -> timedelta:
        assert TRAITS.paid_window is not None
        return TRAITS.paid_window


def choose_route(
    config: ChannelConfig, recipient: Recipient, *, proactive: bool, now: datetime
) -> Route | None:
    """How to reach this person now; None means outside every window we may use."""
    last = recipient.last_inbound_at
    age = now - last if last is not None else None
    template = Route.TEMPLATE if config.announcement_template_id else None
    if age is not None and age <= config.free_window:
        return Route.FREE
    if age is not None and age <= config.cs_window:
        if not proactive or config.billable_proactive:
            return Route.BILLABLE
        return template
    return template


def _seconds_until_morning(now: datetime, timezone: str) -> float:
    local = now.astimezone(ZoneInfo(timezone))
    morning = local.replace(hour=6, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return (morning - local).total_seconds()


def classify(code: int, text: str, *, now: datetime, timezone: str) -> DeliveryError:
    detail = f"zalo error {code}: {text}"[:300]
    if code in OUTSIDE_WINDOW_CODES:
        return DeliveryError(DeliveryErrorKind.OUTSIDE_WINDOW, detail)
    if code in BLOCKED_CODES:
        return DeliveryError(DeliveryErrorKind.BLOCKED, detail)
    if code == RATE_LIMIT_CODE:
        return DeliveryError(DeliveryErrorKind.RATE_LIMITED, detail, retry_after=60.0)
    if code == QUOTA_CODE:
        return DeliveryError(DeliveryErrorKind.TRANSIENT, detail, retry_after=3600.0)
    if code == NIGHT_CODE:
        wait = _seconds_until_morning(now, timezone)
        return DeliveryError(DeliveryErrorKind.TRANSIENT, detail, retry_after=wait)
    if code in TOKEN_CODES or code in CONFIG_CODES:
        return DeliveryError(DeliveryErrorKind.AUTH, detail)
    return DeliveryError(DeliveryErrorKind.PERMANENT, detail)


def _error_code(body: dict[str, Any]) -> int | None:
    value = body.get("error")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def _excerpt(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip() + "…"


class ZaloChannel:
    platform = TRAITS.platform
    max_in_flight = MAX_IN_FLIGHT  # the delivery loop's slots for this platform

    def __init__(
        self,
        config: ChannelConfig,
        *,
        api: httpx.AsyncClient,
        tokens: ZaloTokens,
        limiter: SlidingWindowLimiter,
        payloads: PayloadStore,
        clock: Clock,
        traits: ChannelTraits | None = None,
        call_timeout: float = CALL_TIMEOUT,
    ) -> None:
        """`traits` as the core plans with them; by default TRAITS with this config's window."""
        self.traits = traits or configured(billable_proactive=config.billable_proactive)
        self.config = config
        self.api = api
        self.tokens = tokens
        self.limiter = limiter
        self.payloads = payloads
        self.clock = clock
        self.call_timeout = call_timeout
        self.billable_sent = 0  # consultation messages sent between 48 h and 7 days
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        route = choose_route(self.config, recipient, proactive=proactive, now=self.clock.now())
        if route is None:
            return DeliveryFailure(
                DeliveryErrorKind.OUTSIDE_WINDOW,
                "outside Zalo's free window and no announcement template is configured",
            )
        try:
            if route is Route.TEMPLATE:
                ids = [await self._call(TEMPLATE_PATH, self._template_body(recipient, message))]
            else:
                ids = []
                for body in await self._cs_bodies(recipient, message):
                    ids.append(await self._call(CS_PATH, body))
                    if route is Route.BILLABLE:
                        self.billable_sent += 1
        except DeliveryError as exc:
            return exc.as_failure()
        if route is Route.BILLABLE:
            log.info("zalo: %d billable consultation message(s) sent", len(ids))
        return Sent(tuple(ids))

    def _template_body(self, recipient: Recipient, message: OutgoingMessage) -> dict[str, Any]:
        text = unicodedata.normalize("NFC", message.text)
        return {
            "user_id": recipient.user_id,
            "template_id": self.config.announcement_template_id,
            "template_data": {self.config.template_param: _excerpt(text, MAX_TEMPLATE_PARAM)},
        }

    async def _button(self, button: Button) -> dict[str, Any]:
        key = None
        if len(button.payload) > button_codec.MAX_INLINE_PAYLOAD:
            key = await self.payloads.key_for(button.payload)
        title = unicodedata.normalize("NFC", button.label)
        return {
            "title": _excerpt(title, self.traits.button_label_max),
            "type": "oa.query.hide",
            "payload": button_codec.encode(button.payload, key),
        }

    async def _cs_bodies(
        self, recipient: Recipient, message: OutgoingMessage
    ) -> list[dict[str, Any]]:
        to = {"user_id": recipient.user_id}
        bodies: list[dict[str, Any]] = []
        if message.image_url:
            media = {"media_type": "image", "url": message.image_url}
            attachment = {
                "type": "template",
                "payload": {"template_type": "media", "elements": [media]},
            }
            bodies.append({"recipient": to, "message": {"attachment": attachment}})
        text = unicodedata.normalize("NFC", message.text)
        parts = self.traits.split(text) if text else []
        all_buttons = [*message.buttons, *message.quick_replies]
        for index, part in enumerate(parts):
            body: dict[str, Any] = {"text": part}
            if all_buttons and index == len(parts) - 1:
                body["attachment"] = {
                    "type": "template",
                    "payload": {"buttons": [await self._button(b) for b in all_buttons]},
                }
            bodies.append({"recipient": to, "message": body})
        return bodies

    async def _call(self, path: str, body: dict[str, Any]) -> str:
        """POST one message; returns its id. A refused token is refreshed once, then the
        message is sent again."""
        for attempt in range(2):
            await self.tokens.current()  # waits while a refresh runs
            async with self._in_flight, self.limiter.slot():
                # Read again at the last moment: a refresh may have started while this call
                # waited for its turn, and the dead token goes only with calls already out.
                credential = await self.tokens.current()
                try:
                    response = await self.api.post(
                        path,
                        json=body,
                        headers={"access_token": credential.access_token or ""},
                        timeout=self.call_timeout,
                    )
                except httpx.HTTPError as exc:
                    raise DeliveryError(
                        DeliveryErrorKind.TRANSIENT,
                        f"zalo unreachable: {type(exc).__name__}",
                        maybe_delivered=went_out(exc),
                    ) from exc
            try:
                answer: Any = response.json()
            except ValueError:
                answer = None
            code = _error_code(answer) if isinstance(answer, dict) else None
            if code is None:  # no envelope: only then does the HTTP status say anything
                if response.status_code == 429:
                    raise DeliveryError(
                        DeliveryErrorKind.RATE_LIMITED, "zalo HTTP 429", retry_after=60.0
                    )
                raise DeliveryError(
                    DeliveryErrorKind.TRANSIENT,
                    f"zalo answered HTTP {response.status_code} without an error code",
                )
            if code == 0:
                data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
                return str(data.get("message_id") or data.get("msg_id") or "")
            if code in TOKEN_CODES and attempt == 0:
                await self.tokens.refresh(credential.version)
                continue
            raise classify(
                code,
                str(answer.get("message", "")),
                now=self.clock.now(),
                timezone=self.config.timezone,
            )
        raise AssertionError("unreachable")  # the loop returns or raises
