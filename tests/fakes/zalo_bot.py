"""A fake Zalo Bot Platform on loopback, written from ../shared/reference/zalo-bot.md.

What the reference confirms, the fake does:
- `POST|GET /bot<TOKEN>/<method>` (method names case-sensitive) with parameters as JSON, form
  or query string; every answer is HTTP 200 with `{"ok": true, "result": ...}` or
  `{"ok": false, "error_code": N, "description": ...}`: 401 Unauthorized for a wrong token,
  400 for an unknown method or an invalid parameter (text 1-2000 characters, a webhook URL
  that is not HTTPS, a secret_token outside 8-256 characters).
- getMe, setWebhook / deleteWebhook / getWebhookInfo, sendMessage, sendPhoto (by URL),
  sendChatAction; getUpdates hands out one update at a time and answers 408 when none came
  within `timeout`; it does not work while a webhook is set.
- Webhook bodies carry `X-Bot-Api-Secret-Token`; `message.date` in milliseconds, hex ids.

What the reference leaves open is a setting of the fake, so the adapter is tested under each:
- `envelope`: "wrapped" `{ok, result}` (the docs) or "flat" (a live capture);
- `image_field`: "photo" (the docs) or "photo_url" (integrations); `name_field`:
  "display_name" (the docs) or "first_name" (a getUpdates sample);
- `quota_per_second`: None (no limit) or the calls a second beyond which it answers 429;
- `redeliveries`: how many more times each webhook is delivered (duplicates);
- `writes_to_strangers`: whether the bot may write to a chat that never wrote to it, and
  `stranger_error`, the error_code it answers when not (404 unless told);
- `blocked`: chats that blocked the bot, answered with `blocked_error` (404 unless told);
- `polling_refused_error`: what getUpdates answers while a webhook is set.
It also serves photos (`host_photo`) at /files/<name>, as Zalo's CDN would.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.fakes.faults import Fault, Faults

TOKEN = "1459232241454765289:fAkE-zalobot-SeCrEt-0123456789"
WEBHOOK_SECRET = "fake-zalobot-webhook-secret"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
METHODS = {
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendPhoto",
    "sendSticker",
    "sendChatAction",
}


class _Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass
class Delivered:
    chat_id: str
    text: str
    photo: str | None
    message_id: str


@dataclass
class FakeZaloBot:
    clock: _Clock
    token: str = TOKEN
    webhook_secret: str = WEBHOOK_SECRET  # what our settings give setWebhook
    envelope: str = "wrapped"
    image_field: str = "photo"
    name_field: str = "display_name"
    quota_per_second: float | None = None
    redeliveries: int = 0
    writes_to_strangers: bool = True
    stranger_error: int = 404
    blocked_error: int = 404
    polling_refused_error: int = 400
    url: str = ""
    webhook_url: str = ""
    webhook_secret_set: str = ""
    known: set[str] = field(default_factory=set)  # chats that wrote to the bot
    blocked: set[str] = field(default_factory=set)
    delivered: list[Delivered] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[str, int]] = field(default_factory=list)  # (method, error_code)
    updates: deque[dict[str, Any]] = field(default_factory=deque)  # for getUpdates
    fail_next: deque[tuple[int, str]] = field(default_factory=deque)
    files: dict[str, bytes] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _window: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- state the tests drive ---------------------------------------------------------
    @property
    def bot_id(self) -> str:
        return self.token.split(":", 1)[0]

    def reset_token(self) -> str:
        """The officer reset the token in Bot Creator: the old one is refused from now on."""
        with self._lock:
            self.token = f"{self.bot_id}:reset-{next(self._ids)}-secret"
            return self.token

    def sent_to(self, chat_id: str) -> list[Delivered]:
        with self._lock:
            return [d for d in self.delivered if d.chat_id == chat_id]

    def methods(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c["params"] for c in self.calls if c["method"] == name]

    def host_photo(self, data: bytes, name: str = "photo.jpg") -> str:
        key = f"{next(self._ids)}-{name}"
        self.files[key] = data
        return f"{self.url}/files/{key}"

    # ---- updates as Zalo sends them ----------------------------------------------------
    def _hex(self, size: int = 20) -> str:
        return hashlib.sha256(f"z{next(self._ids)}".encode()).hexdigest()[:size]

    def update(
        self,
        chat_id: str,
        *,
        text: str | None = None,
        photo: str | None = None,
        sticker: str | None = None,
        event: str | None = None,
        name: str = "Ted",
        message_id: str | None = None,
        chat_type: str = "PRIVATE",
    ) -> dict[str, Any]:
        """One update in the fake's envelope and field names."""
        message: dict[str, Any] = {
            "from": {"id": chat_id, self.name_field: name, "is_bot": False},
            "chat": {"id": chat_id, "chat_type": chat_type},
            "message_id": message_id or self._hex(),
            "date": int(self.clock.now().timestamp() * 1000),
        }
        if photo is not None:
            message[self.image_field] = photo
            if text:
                message["caption"] = text
            event = event or "message.image.received"
        elif sticker is not None:
            message.update(sticker=sticker, url=f"https://zalo-api.zadn.vn/sticker/{sticker}")
            event = event or "message.sticker.received"
        elif text is not None:
            message["text"] = text
        update = {"event_name": event or "message.text.received", "message": message}
        if self.envelope == "flat":
            return update
        return {"ok": True, "result": update}

    def headers(self, secret: str | None = None) -> dict[str, str]:
        given = self.webhook_secret if secret is None else secret
        headers = {"Content-Type": "application/json"}
        if given:
            headers[SECRET_HEADER] = given
        return headers

    def queue_update(self, update: dict[str, Any]) -> None:
        """For getUpdates; the chat then counts as one that wrote."""
        with self._lock:
            self.known.add(_chat_of(update))
            self.updates.append(update)

    # ---- the API -----------------------------------------------------------------------
    def _error(self, method: str, code: int, description: str) -> JSONResponse:
        self.refused.append((method, code))
        return JSONResponse({"ok": False, "error_code": code, "description": description})

    def _over_quota(self) -> bool:
        if self.quota_per_second is None:
            return False
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.quota_per_second:
            return True
        self._window.append(now)
        return False

    def _send(self, method: str, params: dict[str, Any]) -> JSONResponse:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            return self._error(method, 400, "Bad Request: chat_id is required")
        text = params.get("caption" if method == "sendPhoto" else "text")
        text = text if isinstance(text, str) else ""
        photo = params.get("photo") if method == "sendPhoto" else None
        length = len(unicodedata.normalize("NFC", text))
        if method == "sendMessage" and not 1 <= length <= 2000:
            return self._error(method, 400, "Bad Request: text must have 1-2000 characters")
        if method == "sendPhoto" and (not isinstance(photo, str) or length > 2000):
            return self._error(method, 400, "Bad Request: photo is required")
        if chat_id in self.blocked:
            return self._error(method, self.blocked_error, "Not Found")
        if chat_id not in self.known and not self.writes_to_strangers:
            return self._error(method, self.stranger_error, "Not Found")
        message_id = self._hex()
        self.delivered.append(Delivered(chat_id, text, photo, message_id))
        return JSONResponse(
            {"ok": True, "result": {"message_id": message_id, "date": int(time.time() * 1000)}}
        )

    def _webhook(self, method: str, params: dict[str, Any]) -> JSONResponse:
        updated = int(self.clock.now().timestamp() * 1000)
        if method == "setWebhook":
            url, secret = params.get("url"), params.get("secret_token")
            if not isinstance(url, str) or not url.startswith("https://"):
                return self._error(method, 400, "Bad Request: url must be HTTPS")
            if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
                return self._error(method, 400, "Bad Request: secret_token 8-256 characters")
            self.webhook_url, self.webhook_secret_set = url, secret
        elif method == "deleteWebhook":
            self.webhook_url, self.webhook_secret_set = "", ""
        return JSONResponse(
            {"ok": True, "result": {"url": self.webhook_url, "updated_at": updated}}
        )

    def _answer(self, method: str, token: str, params: dict[str, Any]) -> JSONResponse | None:
        """The answer of every method but getUpdates (None for getUpdates)."""
        with self._lock:
            self.calls.append({"method": method, "params": params})
            if token != self.token:
                return self._error(method, 401, "Unauthorized")
            if method not in METHODS:
                return self._error(method, 400, "Bad Request: invalid API name")
            if self._over_quota():
                return self._error(method, 429, "Quota exceeded")
            if self.fail_next and method.startswith("send"):
                code, description = self.fail_next.popleft()
                return self._error(method, code, description)
            if method == "getMe":
                me = {"id": self.bot_id, "account_name": "bot.Fake", "account_type": "BASIC"}
                return JSONResponse({"ok": True, "result": {**me, "can_join_groups": False}})
            if method in ("setWebhook", "deleteWebhook", "getWebhookInfo"):
                return self._webhook(method, params)
            if method in ("sendMessage", "sendPhoto"):
                return self._send(method, params)
            if method in ("sendSticker", "sendChatAction"):
                return JSONResponse({"ok": True, "result": {}})
            if self.webhook_url:
                return self._error(method, self.polling_refused_error, "Webhook is set")
            return None

    async def _get_update(self, params: dict[str, Any]) -> JSONResponse:
        timeout = float(str(params.get("timeout", "30")) or 30)
        deadline = time.monotonic() + min(timeout, 5.0)
        while True:
            with self._lock:
                if self.updates:
                    return JSONResponse({"ok": True, "result": self.updates.popleft()})
            if time.monotonic() >= deadline:
                return JSONResponse({"ok": False, "error_code": 408, "description": "Timeout"})
            await asyncio.sleep(0.01)

    def build_app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/bot{token}/{method}", methods=["GET", "POST"])
        async def api(token: str, method: str, request: Request) -> Response:
            params = await _params(request)
            fault = self.faults.draw() if method.startswith("send") else None
            if fault is Fault.ERROR:
                return JSONResponse({"message": "Bad Gateway"}, status_code=502)
            answer = self._answer(method, token, params)
            if answer is None:
                answer = await self._get_update(params)
            if fault is Fault.HANG:
                await self.faults.hang()
            return answer

        @app.get("/files/{key}")
        async def file(key: str) -> Response:
            data = self.files.get(key)
            if data is None:
                return Response(status_code=404)
            return Response(data, media_type="image/jpeg")

        return app


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    raw = await request.body()
    kind = request.headers.get("content-type", "")
    if raw and kind.startswith("application/json"):
        body = json.loads(raw)
        if isinstance(body, dict):
            params.update(body)
    elif raw and kind.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(raw.decode()))
    return params


def _chat_of(update: dict[str, Any]) -> str:
    body = update.get("result", update)
    return str(body["message"]["chat"]["id"])


class ZaloBotUser:
    """Someone writing to the bot, through our webhook; reads the replies at the fake."""

    def __init__(
        self, client: httpx.AsyncClient, runtime: Any, fake: FakeZaloBot, chat_id: str
    ) -> None:
        self.client = client
        self.runtime = runtime
        self.fake = fake
        self.chat_id = chat_id
        self.seen = 0
        self.last: list[Delivered] = []

    async def post(self, update: dict[str, Any], secret: str | None = None) -> httpx.Response:
        self.fake.known.add(self.chat_id)
        raw = json.dumps(update, ensure_ascii=False).encode()
        response = await self.client.post(
            "/webhooks/zalobot", content=raw, headers=self.fake.headers(secret)
        )
        for _ in range(self.fake.redeliveries):
            again = await self.client.post(
                "/webhooks/zalobot", content=raw, headers=self.fake.headers(secret)
            )
            assert again.status_code == response.status_code, again.text
        return response

    async def replies(self) -> list[Delivered]:
        await self.runtime.drain()
        mine = self.fake.sent_to(self.chat_id)
        self.last, self.seen = mine[self.seen :], len(mine)
        return self.last

    async def send(self, update: dict[str, Any]) -> list[Delivered]:
        response = await self.post(update)
        assert response.status_code == 200, response.text
        return await self.replies()

    async def say(self, text: str) -> list[Delivered]:
        return await self.send(self.fake.update(self.chat_id, text=text))

    async def photo(self, url: str, caption: str | None = None) -> list[Delivered]:
        return await self.send(self.fake.update(self.chat_id, photo=url, text=caption))

    async def sticker(self, sticker: str = "a1b2c3") -> list[Delivered]:
        return await self.send(self.fake.update(self.chat_id, sticker=sticker))

    @staticmethod
    def texts(messages: list[Delivered]) -> str:
        return "\n".join(m.text for m in messages)
