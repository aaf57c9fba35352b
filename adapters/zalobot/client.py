"""A thin client of the Zalo Bot Platform API (zalo-bot.md §2), our own.

Every method is `POST {api_base}/bot<TOKEN>/<method>` with a JSON body, and every answer is
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": "..."}`, with
HTTP 200 either way (a live probe got `Unauthorized` in an HTTP 200): `ok` is read on every
answer, never the HTTP status alone. The PyPI packages for this API return None for errors
(zalo-bot.md §8), so none is used.

The token is part of every URL. Nothing here puts a URL in an exception or a log line, and
`mask` takes the token out of any text that came back from the network.
"""

from __future__ import annotations

from typing import Any

import httpx

from core.errors import DeliveryError, DeliveryErrorKind

OFFICIAL_API = "https://bot-api.zaloplatforms.com"
CALL_TIMEOUT = 10.0  # seconds; sendPhoto may fetch the image first, so not much less
POLL_MARGIN = 5.0  # getUpdates waits `timeout` seconds for an update: the HTTP call longer

BAD_REQUEST = 400  # wrong path, unknown method, invalid parameter
UNAUTHORIZED = 401  # the token is invalid or was reset
FORBIDDEN = 403  # documented as "Internal server error" (sic)
NOT_FOUND = 404
NO_UPDATE = 408  # getUpdates: nothing arrived within `timeout`
QUOTA = 429  # "Quota exceeded": no retry_after is documented


class ApiError(Exception):
    """An answer with `ok: false` (`code` is its error_code), or no answer we can read
    (`code` None: the network, a timeout, a body that is not the envelope)."""

    def __init__(self, code: int | None, description: str) -> None:
        super().__init__(f"zalo bot error {code}: {description}" if code else description)
        self.code = code
        self.description = description


def bot_id_of(token: str) -> str:
    """The public part of a token `<bot id>:<secret>`."""
    head, sep, _ = token.partition(":")
    return head if sep and head else "?"


def mask(text: str, token: str) -> str:
    """`text` with the token, and the token's secret alone, replaced by `<bot id>:***`."""
    if not token:
        return text
    masked = f"{bot_id_of(token)}:***"
    text = text.replace(token, masked)
    secret = token.partition(":")[2]
    return text.replace(secret, "***") if len(secret) >= 6 else text


def classify(error: ApiError, *, retry_after: float | None = None) -> DeliveryError:
    """The typed delivery error of an API error (zalo-bot.md §2, error codes).

    404 is taken to mean that the bot cannot reach this chat (it never wrote, or it blocked
    the bot): final for this recipient [INFERRED: the docs say only "Not found"]. 403 is
    documented as an internal server error, so it is retried like a network failure.
    """
    detail = error.description[:300]
    if error.code == UNAUTHORIZED:
        return DeliveryError(DeliveryErrorKind.AUTH, f"the bot token was refused: {detail}")
    if error.code == QUOTA:
        return DeliveryError(DeliveryErrorKind.RATE_LIMITED, detail, retry_after=retry_after)
    if error.code == NOT_FOUND:
        return DeliveryError(DeliveryErrorKind.BLOCKED, detail)
    if error.code == BAD_REQUEST:
        return DeliveryError(DeliveryErrorKind.PERMANENT, detail)
    return DeliveryError(DeliveryErrorKind.TRANSIENT, str(error)[:300])


class ZaloBotApi:
    """One bot's API. `client` is shared by the caller (its pool, its timeouts)."""

    def __init__(
        self, token: str, *, client: httpx.AsyncClient, api_base: str = OFFICIAL_API
    ) -> None:
        self._token = token
        self._base = f"{api_base.rstrip('/')}/bot{token}/"
        self.client = client
        self.bot_id = bot_id_of(token)

    def __repr__(self) -> str:
        return f"ZaloBotApi(bot {self.bot_id})"

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float = CALL_TIMEOUT
    ) -> Any:
        """The `result` of one method; raises ApiError for anything else."""
        try:
            response = await self.client.post(
                self._base + method, json=params or {}, timeout=timeout
            )
        except httpx.TimeoutException:
            raise ApiError(None, f"{method}: no answer within {timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise ApiError(None, f"{method}: unreachable ({type(exc).__name__})") from None
        try:
            answer: Any = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
            code = QUOTA if response.status_code == QUOTA else None
            raise ApiError(code, f"{method}: HTTP {response.status_code} without an answer")
        if answer["ok"]:
            return answer.get("result")
        raw_code = answer.get("error_code")
        code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
        description = mask(str(answer.get("description") or "no description"), self._token)
        raise ApiError(code if code is not None else response.status_code, description)

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, timeout: int) -> dict[str, Any] | None:
        """One update, or None when none came within `timeout` seconds (error 408)."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + POLL_MARGIN
            )
        except ApiError as exc:
            if exc.code == NO_UPDATE:
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return result if isinstance(result, dict) else {}

    async def delete_webhook(self) -> dict[str, Any]:
        result = await self.call("deleteWebhook")
        return result if isinstance(result, dict) else {}

    async def get_webhook_info(self) -> dict[str, Any]:
        result = await self.call("getWebhookInfo")
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> str:
        return _message_id(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo: str, caption: str | None = None) -> str:
        params = {"chat_id": chat_id, "photo": photo}
        if caption:
            params["caption"] = caption
        return _message_id(await self.call("sendPhoto", params))


def _message_id(result: Any) -> str:
    if isinstance(result, dict) and result.get("message_id") is not None:
        return str(result["message_id"])
    return ""
