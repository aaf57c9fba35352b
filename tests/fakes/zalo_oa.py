"""A fake Zalo Official Account platform on loopback, speaking the documented OA API v3.

- Webhooks are signed the real way: `X-ZEvent-Signature: mac=` + plain SHA-256 of
  app id + raw body + the body's `timestamp` + the secret.
- `/v3.0/oa/message/cs` and `/v3.0/oa/message/template` take the bare `access_token` header and
  answer every error with HTTP 200 and a negative `error`: -216 unknown token, -220 expired
  token, -213 not a follower, -230 no interaction in 7 days, -201 invalid field, -32 over the
  per-minute limit.
- `/v4/oa/access_token` checks the `secret_key` header and rotates single-use refresh tokens:
  a spent one is refused.
- Its clock is injected (the tests' FakeClock), so the windows and token lifetimes follow it.
- Every request is recorded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import parse_qsl

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.fakes.faults import Fault, Faults

BUTTON_TYPES = {"oa.open.url", "oa.query.show", "oa.query.hide", "oa.open.sms", "oa.open.phone"}


class _Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass
class Delivered:
    user_id: str
    text: str
    buttons: list[dict[str, Any]]
    message_id: str
    raw: dict[str, Any]


@dataclass
class FakeZaloOA:
    clock: _Clock
    app_id: str = "3608123456789012345"
    app_secret: str = "fake-app-secret"
    webhook_secret: str = "fake-oa-secret-key"
    oa_id: str = "579745863508352884"
    access_lifetime: timedelta = timedelta(hours=25)
    rate_limit_per_minute: int = 4000
    url: str = ""
    access_token: str = ""
    refresh_token: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    delivered: list[Delivered] = field(default_factory=list)
    templates_sent: list[dict[str, Any]] = field(default_factory=list)
    approved_templates: set[str] = field(default_factory=lambda: {"310521"})
    refresh_calls: int = 0
    followers: dict[str, datetime] = field(default_factory=dict)  # user id -> last interaction
    fail_next: deque[tuple[int, str]] = field(default_factory=deque)
    faults: Faults = field(default_factory=Faults)  # random 5xx and hung sends (benchmarks)
    token_uses: dict[str, int] = field(default_factory=dict)  # message calls per access token
    _tokens: dict[str, datetime] = field(default_factory=dict)  # access token -> expiry
    _spent_refresh: set[str] = field(default_factory=set)
    _calls: deque[datetime] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.access_token, self.refresh_token = self._new_pair()

    # ---- state the tests drive -------------------------------------------------------
    def _new_pair(self) -> tuple[str, str]:
        n = next(self._ids)
        access = f"AT-{n}-" + hashlib.sha256(f"a{n}".encode()).hexdigest()[:24]
        refresh = f"RT-{n}-" + hashlib.sha256(f"r{n}".encode()).hexdigest()[:24]
        self._tokens[access] = self.clock.now() + self.access_lifetime
        return access, refresh

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self._tokens:
                self._tokens[token] = self.clock.now() - timedelta(seconds=1)

    def revoke_refresh_token(self) -> None:
        with self._lock:
            self._spent_refresh.add(self.refresh_token)
            self.refresh_token = ""

    def interact(self, user_id: str, at: datetime | None = None) -> None:
        with self._lock:
            self.followers[user_id] = at or self.clock.now()

    def unfollow(self, user_id: str) -> None:
        with self._lock:
            self.followers.pop(user_id, None)

    def sent_to(self, user_id: str) -> list[Delivered]:
        with self._lock:
            return [d for d in self.delivered if d.user_id == user_id]

    def calls(self, path: str) -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.requests if r["path"] == path]

    # ---- webhooks ----------------------------------------------------------------------
    def mac(self, raw: bytes, timestamp: str, secret: str | None = None) -> str:
        secret = self.webhook_secret if secret is None else secret
        digest = hashlib.sha256(self.app_id.encode() + raw + timestamp.encode() + secret.encode())
        return "mac=" + digest.hexdigest()

    def timestamp(self, at: datetime | None = None) -> str:
        return str(int((at or self.clock.now()).timestamp() * 1000))

    def event(self, name: str, user_id: str, **fields: Any) -> dict[str, Any]:
        """A webhook body as Zalo sends it (ids and the timestamp as strings)."""
        body: dict[str, Any] = {
            "app_id": self.app_id,
            "user_id_by_app": "55" + user_id[-10:],
            "event_name": name,
            "timestamp": fields.pop("timestamp", None) or self.timestamp(),
        }
        if name in ("follow", "unfollow"):
            body.update(oa_id=self.oa_id, follower={"id": user_id}, source="oa_profile")
        elif name == "user_click_chatnow":
            body.update(oa_id=self.oa_id, user_id=user_id)
        elif name.startswith("oa_send_"):
            body.update(sender={"id": self.oa_id}, recipient={"id": user_id})
            body["message"] = fields.pop("message", {"text": "", "msg_id": self._msg_id()})
        else:
            body.update(sender={"id": user_id}, recipient={"id": self.oa_id})
            if "info" in fields:
                body["info"] = fields.pop("info")
            else:
                body["message"] = fields.pop("message", {"text": "", "msg_id": self._msg_id()})
        body.update(fields)
        return body

    def text_event(self, user_id: str, text: str, msg_id: str | None = None) -> dict[str, Any]:
        return self.event(
            "user_send_text", user_id, message={"text": text, "msg_id": msg_id or self._msg_id()}
        )

    def _msg_id(self) -> str:
        return hashlib.sha256(str(next(self._ids)).encode()).hexdigest()[:19]

    def signed(
        self, body: dict[str, Any], *, secret: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        raw = json.dumps(body, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "X-ZEvent-Signature": self.mac(raw, str(body.get("timestamp", "")), secret),
        }
        return raw, headers

    # ---- the API -----------------------------------------------------------------------
    def _token_error(self, token: str | None) -> dict[str, Any] | None:
        if not token or token not in self._tokens:
            return {"error": -216, "message": "Access token is invalid"}
        if self.clock.now() >= self._tokens[token]:
            return {"error": -220, "message": "access_token is expired or removed"}
        return None

    def _over_limit(self) -> bool:
        now = self.clock.now()
        while self._calls and self._calls[0] <= now - timedelta(minutes=1):
            self._calls.popleft()
        self._calls.append(now)
        return len(self._calls) > self.rate_limit_per_minute

    def _window_error(self, user_id: Any) -> dict[str, Any] | None:
        if not isinstance(user_id, str) or user_id not in self.followers:
            return {"error": -213, "message": "User has not followed OA"}
        if self.clock.now() - self.followers[user_id] > timedelta(days=7):
            return {
                "error": -230,
                "message": "User has not interacted with the OA in the past 7 days",
            }
        return None

    def _check_cs(self, body: Any) -> tuple[str, str, list[dict[str, Any]]] | dict[str, Any]:
        if not isinstance(body, dict):
            return {"error": -201, "message": "body is invalid!"}
        recipient = body.get("recipient")
        message = body.get("message")
        if not isinstance(recipient, dict) or not isinstance(message, dict):
            return {"error": -201, "message": "recipient is invalid!"}
        user_id = recipient.get("user_id")
        problem = self._window_error(user_id)
        if problem:
            return problem
        text = message.get("text", "")
        attachment = message.get("attachment")
        if not isinstance(text, str) or len(unicodedata.normalize("NFC", text)) > 2000:
            return {"error": -201, "message": "text is invalid!"}
        if not text and not isinstance(attachment, dict):
            return {"error": -201, "message": "message is invalid!"}
        buttons: list[dict[str, Any]] = []
        if isinstance(attachment, dict):
            payload = attachment.get("payload")
            if attachment.get("type") != "template" or not isinstance(payload, dict):
                return {"error": -201, "message": "attachment is invalid!"}
            buttons = payload.get("buttons", [])
            for button in buttons:
                if (
                    not isinstance(button, dict)
                    or button.get("type") not in BUTTON_TYPES
                    or not button.get("title")
                    or not button.get("payload")
                ):
                    return {"error": -201, "message": "buttons is invalid!"}
        return str(user_id), text, buttons

    def build_app(self) -> FastAPI:
        app = FastAPI()

        def answer(body: dict[str, Any]) -> JSONResponse:
            return JSONResponse(body, status_code=200)  # Zalo: errors inside HTTP 200

        def record(request: Request, body: Any) -> None:
            self.requests.append(
                {"path": request.url.path, "headers": dict(request.headers), "body": body}
            )

        async def message_call(request: Request) -> tuple[Any, dict[str, Any] | None]:
            try:
                body = json.loads(await request.body())
            except json.JSONDecodeError:
                body = None
            with self._lock:
                record(request, body)
                token = request.headers.get("access_token") or ""
                self.token_uses[token] = self.token_uses.get(token, 0) + 1
                if self._over_limit():
                    return body, {
                        "error": -32,
                        "message": "Your application/OA reached limit call api",
                    }
                problem = self._token_error(request.headers.get("access_token"))
                if problem:
                    return body, problem
                if self.fail_next:
                    code, text = self.fail_next.popleft()
                    return body, {"error": code, "message": text}
            return body, None

        @app.post("/v3.0/oa/message/cs")
        async def cs(request: Request) -> JSONResponse:
            fault = self.faults.draw()
            if fault is Fault.ERROR:  # the front end fails before the call is counted
                return JSONResponse({"message": "Bad Gateway"}, status_code=502)
            response = await _cs(request)
            if fault is Fault.HANG:
                await self.faults.hang()
            return response

        async def _cs(request: Request) -> JSONResponse:
            body, problem = await message_call(request)
            if problem:
                return answer(problem)
            with self._lock:
                checked = self._check_cs(body)
                if isinstance(checked, dict):
                    return answer(checked)
                user_id, text, buttons = checked
                message_id = hashlib.sha256(f"m{next(self._ids)}".encode()).hexdigest()[:20]
                self.delivered.append(Delivered(user_id, text, buttons, message_id, body))
            return answer(
                {
                    "data": {
                        "message_id": message_id,
                        "user_id": user_id,
                        "sent_time": self.timestamp(),
                    },
                    "error": 0,
                    "message": "Success",
                }
            )

        @app.post("/v3.0/oa/message/template")
        async def template(request: Request) -> JSONResponse:
            body, problem = await message_call(request)
            if problem:
                return answer(problem)
            with self._lock:
                if not isinstance(body, dict) or not isinstance(body.get("template_data"), dict):
                    return answer({"error": -201, "message": "template_data is invalid!"})
                if body.get("template_id") not in self.approved_templates:
                    return answer({"error": -131, "message": "Template has not been approved"})
                if body.get("user_id") not in self.followers:
                    return answer({"error": -213, "message": "User has not followed OA"})
                self.templates_sent.append(body)
                msg_id = hashlib.sha256(f"t{next(self._ids)}".encode()).hexdigest()[:20]
            return answer({"data": {"msg_id": msg_id}, "error": 0, "message": "Success"})

        @app.post("/v4/oa/access_token")
        async def access_token(request: Request) -> JSONResponse:
            form = dict(parse_qsl((await request.body()).decode()))
            if not request.headers.get("content-type", "").startswith(
                "application/x-www-form-urlencoded"
            ):
                form = {}
            with self._lock:
                self.requests.append(
                    {"path": request.url.path, "headers": dict(request.headers), "body": form}
                )
                self.refresh_calls += 1
                if request.headers.get("secret_key") != self.app_secret:
                    return answer({"error": -14002, "error_name": "Invalid secret key"})
                if form.get("app_id") != self.app_id or form.get("grant_type") != ("refresh_token"):
                    return answer({"error": -14001, "error_name": "Invalid parameter"})
                given = form.get("refresh_token")
                if not given or given != self.refresh_token:
                    return answer(
                        {
                            "error": -14014,
                            "error_name": "Invalid refresh token",
                            "error_reason": "refresh token is used or expired",
                        }
                    )
                self._spent_refresh.add(self.refresh_token)
                self.access_token, self.refresh_token = self._new_pair()
                return answer(
                    {
                        "access_token": self.access_token,
                        "refresh_token": self.refresh_token,
                        "expires_in": str(int(self.access_lifetime.total_seconds())),
                    }
                )

        return app


class ZaloUser:
    """A follower of the OA, driven through our webhook; reads the replies at the fake."""

    def __init__(self, client: httpx.AsyncClient, runtime: Any, fake: FakeZaloOA, user_id: str):
        self.client = client
        self.runtime = runtime
        self.fake = fake
        self.user_id = user_id
        self.seen = 0
        self.last: list[Delivered] = []

    async def post(self, body: dict[str, Any]) -> httpx.Response:
        if body["event_name"] != "unfollow" and not body["event_name"].startswith("oa_send_"):
            self.fake.interact(self.user_id)
        raw, headers = self.fake.signed(body)
        return await self.client.post("/webhooks/zalo", content=raw, headers=headers)

    async def replies(self) -> list[Delivered]:
        await self.runtime.drain()
        mine = self.fake.sent_to(self.user_id)
        self.last, self.seen = mine[self.seen :], len(mine)
        return self.last

    async def send(self, body: dict[str, Any]) -> list[Delivered]:
        response = await self.post(body)
        assert response.status_code == 200, response.text
        return await self.replies()

    async def follow(self) -> list[Delivered]:
        return await self.send(self.fake.event("follow", self.user_id))

    async def say(self, text: str) -> list[Delivered]:
        return await self.send(self.fake.text_event(self.user_id, text))

    async def tap(self, label_or_payload: str) -> list[Delivered]:
        """Tap an `oa.query.hide` button: Zalo sends its payload string as a user message."""
        for message in reversed(self.last):
            for button in message.buttons:
                if label_or_payload == button["title"] or button["payload"].endswith(
                    label_or_payload
                ):
                    return await self.say(button["payload"])
        raise AssertionError(f"no button {label_or_payload!r} in {self.last}")

    @staticmethod
    def texts(messages: list[Delivered]) -> str:
        return "\n".join(m.text for m in messages)

    @staticmethod
    def payloads(messages: list[Delivered]) -> list[str]:
        """The core payloads behind the buttons (the `#td:` marker taken off)."""
        return [b["payload"].split(":", 1)[1] for m in messages for b in m.buttons]
