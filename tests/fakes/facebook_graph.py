"""A fake Graph API (Messenger Send API) for end-to-end tests, run on a loopback port.

It speaks the documented contract (platforms.md §2), not our adapter's habits:
- `POST /vNN.N/me/messages` and `/vNN.N/{page-id}/messages`, the Page token as
  `?access_token=` or `Authorization: Bearer`; answers `{"recipient_id", "message_id"}`.
- Errors in the real shape `{"error": {"message", "type", "code", "error_subcode",
  "fbtrace_id"}}`: 190 bad token, 10/2018278 outside the 24 h window (by the fake's own
  injectable clock), 551/1545041 person unavailable, 613 over the per-Page call rate, 100 for
  invalid parameters (text of 2000 characters or more, more than 13 quick replies, a payload
  over 1000 characters, a retired message tag, an unknown PSID).
- Quick-reply titles over 20 characters are refused with 100. Meta cuts them silently
  instead; refusing makes a test show that nothing we send would be cut.
- The webhooks it sends are signed `X-Hub-Signature-256` with the app secret, over the
  escaped-unicode JSON Meta sends, and each person's action opens their window.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.fakes.faults import Fault, Faults

WINDOW = timedelta(hours=24)
PAGE_ID = "104729384756102"
TAGS_STILL_ACCEPTED = {"HUMAN_AGENT"}


@dataclass
class SentMessage:
    recipient: str
    messaging_type: str
    message: dict[str, Any]
    message_id: str
    tag: str | None = None

    @property
    def text(self) -> str:
        if "text" in self.message:
            return str(self.message["text"])
        payload = self.message.get("attachment", {}).get("payload", {})
        return str(payload.get("text", ""))

    @property
    def options(self) -> list[dict[str, Any]]:
        """Quick replies and template buttons, each with `title` and `payload`."""
        if "quick_replies" in self.message:
            return list(self.message["quick_replies"])
        payload = self.message.get("attachment", {}).get("payload", {})
        return list(payload.get("buttons", []))


@dataclass
class InjectedError:
    code: int
    subcode: int | None
    message: str
    status: int = 400
    skip: int = 0  # calls answered as usual before this error is


def error_body(code: int, subcode: int | None, message: str, kind: str = "OAuthException"):
    error: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "A" + secrets.token_urlsafe(15),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


class _Refused(Exception):
    def __init__(self, code: int, subcode: int | None, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.subcode, self.message, self.status = code, subcode, message, status


@dataclass
class FakeGraph:
    page_token: str
    app_secret: str
    clock: Any  # anything with now() -> aware datetime: the window is judged by it
    rate_limit: int = 300  # Send API calls per second per Page
    monotonic: Callable[[], float] = time.monotonic  # the rate window is judged by it
    page_id: str = PAGE_ID
    base_url: str = ""  # set by whoever serves `app`
    sent: list[SentMessage] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0
    last_action: dict[str, datetime] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)
    token_revoked: bool = False
    injected: deque[InjectedError] = field(default_factory=deque)
    faults: Faults = field(default_factory=Faults)  # random 5xx and hung sends (benchmarks)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._calls_at: deque[float] = deque()
        self._ids = itertools.count(1)
        self._mids = itertools.count(1)
        self.app = self._build_app()

    # --- what the tests control -------------------------------------------------------
    def fail_next(
        self, code: int, subcode: int | None, message: str, status: int = 400, *, skip: int = 0
    ) -> None:
        """Answer a Send API call with this error, after letting `skip` calls through."""
        self.injected.append(InjectedError(code, subcode, message, status, skip))

    def sent_to(self, psid: str) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.sent if m.recipient == psid]

    # --- the webhooks it sends ---------------------------------------------------------
    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()

    def _timestamp(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def _acted(self, psid: str) -> None:
        with self._lock:
            self.last_action[psid] = self.clock.now()

    def message_event(
        self,
        psid: str,
        text: str | None = None,
        *,
        quick_reply: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
        mid: str | None = None,
        echo: bool = False,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"mid": mid or f"m_{secrets.token_urlsafe(20)}"}
        if text is not None:
            message["text"] = text
        if quick_reply is not None:
            message["quick_reply"] = {"payload": quick_reply}
        if attachments:
            message["attachments"] = attachments
        if echo:
            message.update(is_echo=True, app_id=1234567890, metadata="")
            sender, recipient = self.page_id, psid
        else:
            self._acted(psid)
            sender, recipient = psid, self.page_id
        return {
            "sender": {"id": sender},
            "recipient": {"id": recipient},
            "timestamp": self._timestamp(),
            "message": message,
        }

    def postback_event(
        self, psid: str, payload: str, title: str, *, ref: str | None = None
    ) -> dict[str, Any]:
        self._acted(psid)
        postback: dict[str, Any] = {
            "title": title,
            "payload": payload,
            "mid": f"m_{secrets.token_urlsafe(20)}",
        }
        if ref is not None:
            postback["referral"] = {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"}
        return {
            "sender": {"id": psid},
            "recipient": {"id": self.page_id},
            "timestamp": self._timestamp(),
            "postback": postback,
        }

    def referral_event(self, psid: str, ref: str) -> dict[str, Any]:
        """An m.me/<page>?ref= link followed into an existing thread (messaging_referrals)."""
        self._acted(psid)
        return {
            "sender": {"id": psid},
            "recipient": {"id": self.page_id},
            "timestamp": self._timestamp(),
            "referral": {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"},
        }

    def body(self, *entries: list[dict[str, Any]]) -> bytes:
        """A webhook body: one `entry` per list of events, as Meta batches them."""
        data = {
            "object": "page",
            "entry": [
                {"id": self.page_id, "time": self._timestamp(), "messaging": events}
                for events in entries
            ],
        }
        return json.dumps(data).encode()  # ensure_ascii: Meta's escaped-unicode form

    async def deliver(
        self, client: httpx.AsyncClient, body: bytes, *, signature: str | None = ""
    ) -> httpx.Response:
        """POST a webhook to the app; `signature=None` sends none, "" signs it properly."""
        headers = {"Content-Type": "application/json"}
        if signature == "":
            signature = self.sign(body)
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return await client.post("/webhooks/facebook", content=body, headers=headers)

    # --- the Send API ------------------------------------------------------------------
    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/{version}/{node}/messages")
        async def messages(version: str, node: str, request: Request) -> JSONResponse:
            with self._lock:
                self.calls += 1
            raw = await request.body()
            fault = self.faults.draw()
            if fault is Fault.ERROR:  # the front end fails before the call is counted
                return JSONResponse(
                    error_body(2, None, "An unexpected error has occurred.", "OAuthException"),
                    status_code=500,
                )
            try:
                if not re.fullmatch(r"v\d+\.\d+", version) or node not in ("me", self.page_id):
                    raise _Refused(100, None, "Unsupported post request.", 400)
                result = self._send(request, raw)
            except _Refused as err:
                with self._lock:
                    self.refused.append({"code": err.code, "subcode": err.subcode, "body": raw})
                return JSONResponse(
                    error_body(err.code, err.subcode, err.message), status_code=err.status
                )
            if fault is Fault.HANG:
                await self.faults.hang()
            return JSONResponse(result)

        return app

    def _token(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return request.query_params.get("access_token")

    def _send(self, request: Request, raw: bytes) -> dict[str, Any]:
        token = self._token(request)
        if not token:
            raise _Refused(104, None, "An access token is required to request this resource.")
        if self.token_revoked or not hmac.compare_digest(token, self.page_token):
            raise _Refused(
                190, 460, "Error validating access token: The session has been invalidated."
            )
        self._count_call()
        with self._lock:
            injected = None
            if self.injected and self.injected[0].skip > 0:
                self.injected[0].skip -= 1
            elif self.injected:
                injected = self.injected.popleft()
        if injected is not None:
            raise _Refused(injected.code, injected.subcode, injected.message, injected.status)
        try:
            body = json.loads(raw)
        except ValueError:
            raise _Refused(100, None, "(#100) The parameter recipient is required") from None
        if not isinstance(body, dict):
            raise _Refused(100, None, "(#100) The parameter recipient is required")
        psid = str((body.get("recipient") or {}).get("id") or "")
        if not psid:
            raise _Refused(100, None, "(#100) The parameter recipient is required")
        messaging_type = body.get("messaging_type")
        tag = body.get("tag")
        if messaging_type not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            raise _Refused(
                100,
                None,
                "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}",
            )
        if messaging_type == "MESSAGE_TAG" and tag not in TAGS_STILL_ACCEPTED:
            raise _Refused(100, None, "(#100) Invalid parameter")
        message = body.get("message")
        if not isinstance(message, dict):
            raise _Refused(100, None, "(#100) The parameter message is required")
        self._check_message(message)
        with self._lock:
            last = self.last_action.get(psid)
            blocked = psid in self.blocked
        if last is None:
            raise _Refused(100, 2018001, "(#100) No matching user found")
        if blocked:
            raise _Refused(551, 1545041, "(#551) This person isn't available right now.")
        if self.clock.now() - last > (timedelta(days=7) if tag else WINDOW):
            raise _Refused(
                10,
                2018278,
                "(#10) This message is sent outside of allowed window. Learn more about the "
                "new policy here: https://developers.facebook.com/docs/messenger-platform/"
                "policy-overview",
            )
        message_id = f"m_{next(self._ids):06d}_{secrets.token_hex(6)}"
        with self._lock:
            self.sent.append(SentMessage(psid, messaging_type, message, message_id, tag))
        return {"recipient_id": psid, "message_id": message_id}

    def _count_call(self) -> None:
        with self._lock:
            now = self.monotonic()
            while self._calls_at and now - self._calls_at[0] >= 1.0:
                self._calls_at.popleft()
            if len(self._calls_at) >= self.rate_limit:
                raise _Refused(613, None, "(#613) Calls to this api have exceeded the rate limit.")
            self._calls_at.append(now)

    def _check_message(self, message: dict[str, Any]) -> None:
        has_text, has_attachment = "text" in message, "attachment" in message
        if has_text == has_attachment:
            raise _Refused(100, None, "(#100) Must send either message text or an attachment")
        if has_text:
            text = message["text"]
            if not isinstance(text, str) or not text:
                raise _Refused(
                    100, None, "(#100) Param message[text] must be a non-empty UTF-8 encoded string"
                )
            if len(text) >= 2000:
                raise _Refused(
                    100,
                    None,
                    "(#100) Length of param message[text] must be less than or equal to 2000",
                )
        quick_replies = message.get("quick_replies")
        if quick_replies is not None:
            if not isinstance(quick_replies, list) or not 1 <= len(quick_replies) <= 13:
                raise _Refused(
                    100,
                    None,
                    "(#100) param message[quick_replies] must be an array of 1 to 13 elements",
                )
            for reply in quick_replies:
                if reply.get("content_type") != "text":
                    continue
                self._check_title(reply.get("title"), "quick_replies[title]")
                self._check_payload(reply.get("payload"), "quick_replies[payload]")
        if has_attachment:
            self._check_attachment(message["attachment"])

    def _check_attachment(self, attachment: Any) -> None:
        kind = attachment.get("type") if isinstance(attachment, dict) else None
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        if kind not in ("image", "audio", "video", "file", "template") or not isinstance(
            payload, dict
        ):
            raise _Refused(100, None, "(#100) Invalid attachment")
        if kind != "template":
            if not str(payload.get("url", "")).startswith(("http://", "https://")):
                raise _Refused(100, None, "(#100) Incorrect attachment url")
            return
        if payload.get("template_type") != "button":
            raise _Refused(100, None, "(#100) Unsupported template type")
        text, buttons = payload.get("text"), payload.get("buttons")
        if not isinstance(text, str) or not text or len(text) > 640:
            raise _Refused(
                100, None, "(#100) Param text must be non-empty and at most 640 characters"
            )
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise _Refused(100, None, "(#100) Param buttons must have 1 to 3 buttons")
        for button in buttons:
            if button.get("type") != "postback":
                raise _Refused(100, None, "(#100) Unsupported button type")
            self._check_title(button.get("title"), "buttons[title]")
            self._check_payload(button.get("payload"), "buttons[payload]")

    @staticmethod
    def _check_title(title: Any, name: str) -> None:
        if not isinstance(title, str) or not title:
            raise _Refused(100, None, f"(#100) param {name} must be a non-empty string")
        if len(unicodedata.normalize("NFC", title)) > 20:
            raise _Refused(100, None, f"(#100) param {name} must have at most 20 characters")

    @staticmethod
    def _check_payload(payload: Any, name: str) -> None:
        if not isinstance(payload, str) or not payload or len(payload) > 1000:
            raise _Refused(100, None, f"(#100) param {name} must be 1 to 1000 characters")


class MessengerUser:
    """A person on Messenger, writing to the Page through the fake and reading its answers."""

    def __init__(self, fake: FakeGraph, client: httpx.AsyncClient, runtime: Any, psid: str):
        self.fake = fake
        self.client = client
        self.runtime = runtime
        self.psid = psid
        self.seen = 0
        self.last: list[SentMessage] = []

    async def send(self, event: dict[str, Any]) -> list[SentMessage]:
        response = await self.fake.deliver(self.client, self.fake.body([event]))
        assert response.status_code == 200, response.text
        return await self.replies()

    async def replies(self) -> list[SentMessage]:
        await self.runtime.drain()
        everything = self.fake.sent_to(self.psid)
        self.last = everything[self.seen :]
        self.seen = len(everything)
        return self.last

    async def say(self, text: str) -> list[SentMessage]:
        return await self.send(self.fake.message_event(self.psid, text))

    async def get_started(self, ref: str | None = None) -> list[SentMessage]:
        return await self.send(
            self.fake.postback_event(self.psid, "GET_STARTED", "Get Started", ref=ref)
        )

    async def open_link(self, ref: str) -> list[SentMessage]:
        return await self.send(self.fake.referral_event(self.psid, ref))

    async def tap(self, title_or_payload: str) -> list[SentMessage]:
        """Tap a quick reply (a message with quick_reply.payload) or a template button (a
        postback) of the last answers, found by its title or payload."""
        for sent in reversed(self.last):
            for option in sent.options:
                if title_or_payload in (option.get("title"), option.get("payload")):
                    if "content_type" in option:
                        event = self.fake.message_event(
                            self.psid, option["title"], quick_reply=option["payload"]
                        )
                    else:
                        event = self.fake.postback_event(
                            self.psid, option["payload"], option["title"]
                        )
                    return await self.send(event)
        raise AssertionError(f"no option {title_or_payload!r} in {[s.message for s in self.last]}")

    @staticmethod
    def texts(messages: list[SentMessage]) -> str:
        return "\n".join(unicodedata.normalize("NFC", m.text) for m in messages)

    @staticmethod
    def payloads(messages: list[SentMessage]) -> list[str]:
        return [o["payload"] for m in messages for o in m.options]
