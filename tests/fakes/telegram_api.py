"""A fake Telegram Bot API server (an ASGI app run on loopback) that PTB's real `Bot` talks to.

It follows the documented protocol (platforms.md §1): `/bot<token>/<method>` by GET or POST
with a query string, form, multipart or JSON body (nested fields such as `reply_markup`
arrive JSON-encoded in forms); the `{"ok": ..., "result"|"error_code", "description",
"parameters"}` envelope with the HTTP status equal to `error_code`; the documented length
limits; and the flood limits (1 msg/s per chat, 20/min per group, 30/s overall, 1000/s with
`allow_paid_broadcast`) answered with 429 and an integer `retry_after`.

Time comes from a clock shared with the test (anything with `now() -> datetime`), so a test
can check that nothing was sent before a `retry_after` ran out without sleeping: a request to
a chat still under a flood penalty is refused again and recorded in `early`.

Switches: `users[id].blocked` / `.deactivated`, `fail_next` (5xx), `hang_next` (no answer
until the client gives up: a timeout, with or without the message delivered), `flood_next`
(429 bursts), `migrate` (a group upgraded to a supergroup). Everything received is in `calls`.

Group chats (platforms.md §1.3, §1.7-1.9): `group` makes one (a supergroup when its id is
below -10^12, as Telegram numbers them); `bot_joined` / `bot_removed` are the `my_chat_member`
updates of the bot added to or removed from it (a send there then gets 403 "bot was kicked");
`group_message_update` is a member writing in it (a `/cmd` gets its `bot_command` entity, an
`@name` its `mention` entity, `reply_to` quotes a message); `upgrade` is a group becoming a
supergroup: the two service messages (`migrate_to_chat_id` in the old group,
`migrate_from_chat_id` in the new one), and sends to the old id answered 400 with
`parameters.migrate_to_chat_id`.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import math
import re
import secrets
import threading
import urllib.parse
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.faults import Fault, Faults
from tests.fakes.server import serve_in_thread

TOKEN = "7000000001:AAFakeTokenForTheLocalBotApiServer_x"
BOT_ID = 7000000001
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SEND_METHODS = {"sendmessage", "sendphoto", "sendpoll"}
EPSILON = 1e-3  # seconds of tolerance when counting sends inside a window


class Clock(Protocol):
    def now(self) -> datetime: ...


class _SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


# who Telegram says wrote a message an admin sent as the group ("Remain anonymous")
ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


@dataclass
class FakeUser:
    id: int
    first_name: str = "Lan"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"
    started: bool = True  # has opened the chat with the bot (pressed Start)
    blocked: bool = False
    deactivated: bool = False

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    method: str
    at: datetime
    text: str | None = None
    caption: str | None = None
    photo: str | None = None
    reply_markup: dict[str, Any] | None = None
    paid: bool = False

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, row by row."""
        if not self.reply_markup:
            return []
        return [
            (b["text"], b.get("callback_data", ""))
            for row in self.reply_markup.get("inline_keyboard", [])
            for b in row
        ]

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.buttons]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: datetime
    status: int = 200
    description: str = ""


@dataclass
class Limits:
    per_chat: int = 1  # per second
    per_group: int = 20  # per minute
    overall: int = 30  # per second
    paid: int = 1000  # per second, with allow_paid_broadcast


@dataclass
class _Switch:
    count: int
    status: int = 502
    retry_after: int = 1
    deliver: bool = True
    skip: int = 0


@dataclass
class FakeTelegram:
    token: str = TOKEN
    clock: Clock = field(default_factory=_SystemClock)
    limits: Limits = field(default_factory=Limits)
    users: dict[int, FakeUser] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    migrated: dict[int, int] = field(default_factory=dict)
    kicked: set[int] = field(default_factory=set)  # groups the bot is no longer in
    calls: list[Call] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    answered: list[dict[str, Any]] = field(default_factory=list)
    floods: list[tuple[int, datetime, int]] = field(default_factory=list)
    early: list[tuple[int, datetime, datetime]] = field(default_factory=list)  # chat, at, allowed
    webhook: dict[str, Any] | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file_id -> (path, data)
    faults: Faults = field(default_factory=Faults)  # random 5xx and hung sends (benchmarks)

    def __post_init__(self) -> None:
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._update_ids = itertools.count(900_000_001)
        self._callback_ids = itertools.count(4_000_000_000_001)
        self._open_callbacks: set[str] = set()
        self._pending: list[dict[str, Any]] = []
        self._windows: dict[str, deque[float]] = defaultdict(deque)
        self._penalty: dict[int, float] = {}
        self._fail: dict[str, _Switch] = {}
        self._hang: dict[str, _Switch] = {}
        self._flood: _Switch | None = None
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._released: asyncio.Event | None = None
        self._updates_arrived: asyncio.Event | None = None
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            ]
        )

    # ---- switches and helpers for tests -------------------------------------------------
    def user(self, user_id: int, first_name: str = "Lan", **kwargs: Any) -> FakeUser:
        person = self.users.get(user_id) or FakeUser(user_id, first_name, **kwargs)
        self.users[user_id] = person
        return person

    def group(self, chat_id: int, title: str = "Tổ sản xuất 1") -> int:
        self.groups[chat_id] = title
        return chat_id

    def fail_next(self, method: str, count: int = 1, status: int = 502, *, skip: int = 0) -> None:
        """Answer the next `count` calls of `method` with a 5xx, after letting `skip` pass."""
        self._fail[method.lower()] = _Switch(count, status, skip=skip)

    def hang_next(self, method: str, count: int = 1, *, deliver: bool = True) -> None:
        """Do not answer the next calls until the client gives up (a read timeout).
        `deliver=True`: the message was delivered all the same, as happens on Telegram."""
        self._hang[method.lower()] = _Switch(count, deliver=deliver)

    def flood_next(self, count: int, retry_after: int) -> None:
        """The next `count` sends are refused with 429 and this `retry_after`."""
        self._flood = _Switch(count, 429, retry_after)

    def _group_chat(self, chat_id: int) -> dict[str, Any]:
        kind = "supergroup" if chat_id < -1_000_000_000_000 else "group"
        return {"id": chat_id, "type": kind, "title": self.groups[chat_id]}

    def _bot_change(self, chat_id: int, by: FakeUser, old: str, new: str) -> dict[str, Any]:
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "Thi đua", "username": "thidua_bot"}
        return {
            "update_id": next(self._update_ids),
            "my_chat_member": {
                "chat": self._group_chat(chat_id),
                "from": by.as_json(),
                "date": int(self._now_ts()),
                "old_chat_member": {"status": old, "user": bot}
                | ({"until_date": 0} if old == "kicked" else {}),
                "new_chat_member": {"status": new, "user": bot}
                | ({"until_date": 0} if new == "kicked" else {}),
            },
        }

    def bot_joined(self, chat_id: int, by: FakeUser) -> dict[str, Any]:
        """`my_chat_member`: `by` added the bot to the group."""
        self.kicked.discard(chat_id)
        return self._bot_change(chat_id, by, "left", "member")

    def bot_removed(self, chat_id: int, by: FakeUser, status: str = "kicked") -> dict[str, Any]:
        """`my_chat_member`: `by` removed the bot ("kicked"), or it left ("left")."""
        self.kicked.add(chat_id)
        return self._bot_change(chat_id, by, "member", status)

    def group_message_update(
        self,
        person: FakeUser,
        chat_id: int,
        text: str,
        *,
        reply_to: SentMessage | None = None,
        edited: bool = False,
        anonymous: bool = False,
    ) -> dict[str, Any]:
        """`person` writes `text` in the group (an edit of an earlier message, `edited`); as
        an admin who "remains anonymous" (`anonymous`), Telegram sends it from
        @GroupAnonymousBot with the group itself as `sender_chat`."""
        self.users.setdefault(person.id, person)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat_id]),
            "from": ANONYMOUS_ADMIN if anonymous else person.as_json(),
            "chat": self._group_chat(chat_id),
            "date": int(self._now_ts()),
            "text": text,
        }
        if anonymous:
            message["sender_chat"] = self._group_chat(chat_id)
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        for found in re.finditer(r"@\w+", text):
            if found.start() > 0 and text[found.start() - 1] != " ":
                continue
            entities.append(
                {
                    "type": "mention",
                    "offset": self._utf16(text[: found.start()]),
                    "length": self._utf16(found.group(0)),
                }
            )
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self._message_json(reply_to)
        if edited:
            message["edit_date"] = int(self._now_ts())
        key = "edited_message" if edited else "message"
        return {"update_id": next(self._update_ids), key: message}

    def upgrade(self, group_id: int, supergroup_id: int, by: FakeUser) -> list[dict[str, Any]]:
        """The group becomes a supergroup: Telegram's two service messages."""
        self.migrate(group_id, supergroup_id)
        moved_out = {
            "message_id": next(self._message_ids[group_id]),
            "from": by.as_json(),
            "chat": {"id": group_id, "type": "group", "title": self.groups[group_id]},
            "date": int(self._now_ts()),
            "migrate_to_chat_id": supergroup_id,
        }
        moved_in = {
            "message_id": next(self._message_ids[supergroup_id]),
            "from": {
                "id": 1087968824,
                "is_bot": True,
                "first_name": "Group",
                "username": "GroupAnonymousBot",
            },
            "sender_chat": self._group_chat(supergroup_id),
            "chat": self._group_chat(supergroup_id),
            "date": int(self._now_ts()),
            "migrate_from_chat_id": group_id,
        }
        return [
            {"update_id": next(self._update_ids), "message": moved_out},
            {"update_id": next(self._update_ids), "message": moved_in},
        ]

    def migrate(self, group_id: int, supergroup_id: int) -> None:
        self.migrated[group_id] = supergroup_id
        self.groups[supergroup_id] = self.groups.get(group_id, "supergroup")

    def add_file(self, data: bytes, path: str = "photos/file_0.jpg") -> str:
        file_id = "AgAC" + secrets.token_urlsafe(24)
        self.files[file_id] = (path, data)
        return file_id

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def release(self) -> None:
        """Let every hanging request finish (called before the server stops)."""
        if self._loop is not None and self._released is not None:
            self._loop.call_soon_threadsafe(self._released.set)
            self._loop.call_soon_threadsafe(self.faults.release)

    # ---- updates as Telegram would send them ----------------------------------------------
    def _now_ts(self) -> float:
        return self.clock.now().timestamp()

    def _private_chat(self, person: FakeUser) -> dict[str, Any]:
        chat = {"id": person.id, "type": "private", "first_name": person.first_name}
        if person.username:
            chat["username"] = person.username
        return chat

    def message_update(
        self, person: FakeUser, text: str | None = None, *, chat_id: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        self.users.setdefault(person.id, person)
        if chat_id is not None and chat_id in self.groups:
            chat = {"id": chat_id, "type": "group", "title": self.groups[chat_id]}
        else:
            chat = self._private_chat(person)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat["id"]]),
            "from": person.as_json(),
            "chat": chat,
            "date": int(self._now_ts()),
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": message}

    def callback_update(self, person: FakeUser, message: SentMessage, data: str) -> dict[str, Any]:
        query_id = str(next(self._callback_ids))
        self._open_callbacks.add(query_id)
        shown = self._message_json(message)
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": query_id,
                "from": person.as_json(),
                "message": shown,
                "chat_instance": f"-{person.id}77",
                "data": data,
            },
        }

    def tap(self, person: FakeUser, label: str) -> dict[str, Any]:
        """The callback update for tapping the button `label` on the newest message that has it."""
        for message in reversed(self.sent_to(person.id)):
            for text, data in message.buttons:
                if text == label:
                    return self.callback_update(person, message, data)
        raise AssertionError(f"no button {label!r} in the messages to {person.id}")

    def member_update(self, person: FakeUser, old: str, new: str) -> dict[str, Any]:
        """my_chat_member: `new="kicked"` is the person blocking the bot, back to "member" is
        unblocking."""
        person.blocked = new == "kicked"
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "Thi đua", "username": "thidua_bot"}
        return {
            "update_id": next(self._update_ids),
            "my_chat_member": {
                "chat": self._private_chat(person),
                "from": person.as_json(),
                "date": int(self._now_ts()),
                "old_chat_member": {"status": old, "user": bot}
                | ({"until_date": 0} if old == "kicked" else {}),
                "new_chat_member": {"status": new, "user": bot}
                | ({"until_date": 0} if new == "kicked" else {}),
            },
        }

    def poll_answer_update(self, person: FakeUser, poll_id: str, options: list[int]) -> dict:
        return {
            "update_id": next(self._update_ids),
            "poll_answer": {
                "poll_id": poll_id,
                "user": person.as_json(),
                "option_ids": options,
                "option_persistent_ids": [f"opt{i}" for i in options],  # Bot API 9.6
            },
        }

    def enqueue(self, update: dict[str, Any]) -> None:
        """Keep an update for getUpdates (long polling)."""
        with self._lock:
            self._pending.append(update)
        if self._loop is not None and self._updates_arrived is not None:
            self._loop.call_soon_threadsafe(self._updates_arrived.set)

    async def webhook_answered(self, body: bytes) -> None:
        """What Telegram does with a webhook's response: it runs a method named in it. The
        bot never learns the outcome, so a refusal is only recorded on the call."""
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return
        if not isinstance(data, dict) or not isinstance(data.get("method"), str):
            return
        params = {k: v for k, v in data.items() if k != "method"}
        call = Call(data["method"], params, self.clock.now())
        self.calls.append(call)
        handler = getattr(self, f"_m_{call.method.lower()}", None)
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            await handler(params)
        except ApiError as err:
            call.status, call.description = err.code, err.description

    # ---- the protocol ---------------------------------------------------------------------
    async def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            kind = request.headers.get("content-type", "")
            if kind.startswith("application/json"):
                body = await request.body()
                if body:
                    try:
                        data = json.loads(body)
                    except json.JSONDecodeError as exc:
                        raise ApiError(400, "Bad Request: can't parse JSON body") from exc
                    if not isinstance(data, dict):
                        raise ApiError(400, "Bad Request: JSON body must be an object")
                    params.update(data)
            elif kind.startswith("application/x-www-form-urlencoded"):
                body = (await request.body()).decode("utf-8", "replace")
                params.update(urllib.parse.parse_qsl(body, keep_blank_values=True))
            elif kind.startswith("multipart/form-data"):
                params.update(self._multipart(kind, await request.body()))
        return params

    @staticmethod
    def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
        """Fields as strings, uploads as (filename, bytes)."""
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                fields[str(name)] = (filename, data)
            else:
                fields[str(name)] = data.decode("utf-8", "replace")
        return fields

    @staticmethod
    def _json_field(params: dict[str, Any], name: str) -> Any:
        value = params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from exc
        return value

    async def _endpoint(self, request: Request) -> Response:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._released = asyncio.Event()
            self._updates_arrived = asyncio.Event()
        method = request.path_params["method"]
        at = self.clock.now()
        call = Call(method, {}, at)
        self.calls.append(call)
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            call.params = await self._params(request)
            handler = getattr(self, f"_m_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            self._injected_failure(method.lower())
            fault = self.faults.draw() if method.lower() in SEND_METHODS else None
            if fault is Fault.ERROR:
                raise ApiError(502, "Bad Gateway")
            result = await handler(call.params)
            if fault is Fault.HANG:
                await self.faults.hang()
            hang = self._hang.get(method.lower())
            if hang is not None and hang.count > 0:
                hang.count -= 1
                if not hang.deliver and method.lower() in SEND_METHODS:
                    self.sent.pop()
                assert self._released is not None
                await asyncio.wait_for(self._released.wait(), timeout=10)
            return JSONResponse({"ok": True, "result": result})
        except ApiError as err:
            call.status, call.description = err.code, err.description
            body: dict[str, Any] = {
                "ok": False,
                "error_code": err.code,
                "description": err.description,
            }
            if err.parameters:
                body["parameters"] = err.parameters
            return JSONResponse(body, status_code=err.code)

    def _injected_failure(self, method: str) -> None:
        switch = self._fail.get(method)
        if switch is not None and switch.skip > 0:
            switch.skip -= 1
        elif switch is not None and switch.count > 0:
            switch.count -= 1
            raise ApiError(switch.status, "Bad Gateway" if switch.status == 502 else "Internal")

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401
            )
        wanted = request.path_params["path"]
        for path, data in self.files.values():
            if path == wanted:
                return Response(data, media_type="application/octet-stream")
        return JSONResponse(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404
        )

    # ---- chats, limits ----------------------------------------------------------------------
    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("chat_id")
        if raw in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "Bad Request: chat not found") from exc
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if chat_id in self.kicked:
            kind = "supergroup" if chat_id < -1_000_000_000_000 else "group"
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
        if chat_id in self.groups:
            return self._group_chat(chat_id)
        person = self.users.get(chat_id)
        if person is None:
            raise ApiError(400, "Bad Request: chat not found")
        if person.deactivated:
            raise ApiError(403, "Forbidden: user is deactivated")
        if person.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not person.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return self._private_chat(person)

    def _throttle(self, chat_id: int, paid: bool) -> None:
        now = self._now_ts()
        if self._flood is not None and self._flood.count > 0:
            self._flood.count -= 1
            self._refuse(chat_id, now, self._flood.retry_after)
        until = self._penalty.get(chat_id)
        if until is not None and now < until - EPSILON:
            self.early.append(
                (chat_id, datetime.fromtimestamp(now, UTC), datetime.fromtimestamp(until, UTC))
            )
            self._refuse(chat_id, now, math.ceil(until - now), record=False)
        checks = [(f"chat:{chat_id}", self.limits.per_chat, 1.0)]
        if chat_id < 0:
            checks.append((f"group:{chat_id}", self.limits.per_group, 60.0))
        checks.append(
            ("paid", self.limits.paid, 1.0) if paid else ("all", self.limits.overall, 1.0)
        )
        for key, limit, period in checks:
            window = self._windows[key]
            while window and window[0] <= now - period + EPSILON:
                window.popleft()
            if len(window) >= limit:
                self._refuse(chat_id, now, max(1, math.ceil(window[0] + period - now)))
        for key, _limit, _period in checks:
            self._windows[key].append(now)

    def _refuse(self, chat_id: int, now: float, retry_after: int, record: bool = True) -> None:
        if record:
            self._penalty[chat_id] = now + retry_after
            self.floods.append((chat_id, datetime.fromtimestamp(now, UTC), retry_after))
        raise ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        chat_id = message.chat_id
        if chat_id in self.groups:
            chat = self._group_chat(chat_id)
        else:
            chat = self._private_chat(self.users[chat_id])
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self._bot_user(),
            "chat": chat,
            "date": int(message.at.timestamp()),
        }
        if message.text is not None:
            data["text"] = message.text
        if message.photo is not None:
            data["photo"] = [
                {
                    "file_id": message.photo,
                    "file_unique_id": message.photo[-12:],
                    "width": 800,
                    "height": 600,
                    "file_size": 1000,
                }
            ]
        if message.caption is not None:
            data["caption"] = message.caption
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Thi đua",
            "username": "thidua_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = self._json_field(params, "reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(
                400,
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
            )
        # §1.5: 100 buttons a message, 8 a row (PTB's constants; not in the Bot API's text)
        if sum(len(r) for r in rows) > 100 or any(len(r) > 8 for r in rows):
            raise ApiError(400, "Bad Request: reply markup is too long")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    @staticmethod
    def _utf16(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    def _record(self, chat: dict[str, Any], method: str, **fields: Any) -> SentMessage:
        message = SentMessage(
            chat_id=chat["id"],
            message_id=next(self._message_ids[chat["id"]]),
            method=method,
            at=self.clock.now(),
            **fields,
        )
        self.sent.append(message)
        return message

    @staticmethod
    def _flag(params: dict[str, Any], name: str) -> bool:
        value = params.get(name)
        return value is True or (isinstance(value, str) and value.lower() == "true")

    # ---- methods ----------------------------------------------------------------------------
    async def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_user()

    async def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if self._utf16(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self._markup(params)
        paid = self._flag(params, "allow_paid_broadcast")
        self._throttle(chat["id"], paid)
        message = self._record(chat, "sendMessage", text=text, reply_markup=markup, paid=paid)
        return self._message_json(message)

    async def _m_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        photo = params.get("photo")
        if isinstance(photo, tuple):  # uploaded
            photo = self.add_file(photo[1], f"photos/file_{len(self.files)}.jpg")
        if not isinstance(photo, str) or not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        caption = params.get("caption")
        if caption is not None and self._utf16(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        markup = self._markup(params)
        paid = self._flag(params, "allow_paid_broadcast")
        self._throttle(chat["id"], paid)
        if photo not in self.files:
            photo = self.add_file(photo.encode(), f"photos/file_{len(self.files)}.jpg")
        message = self._record(
            chat, "sendPhoto", caption=caption, photo=photo, reply_markup=markup, paid=paid
        )
        return self._message_json(message)

    async def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        try:
            message_id = int(params.get("message_id", ""))
        except ValueError as exc:
            raise ApiError(400, "Bad Request: message identifier is not specified") from exc
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if self._utf16(text) > 4096:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = self._markup(params)
        for message in self.sent:
            if message.chat_id == chat["id"] and message.message_id == message_id:
                if message.text == text and message.reply_markup == markup:
                    raise ApiError(
                        400,
                        "Bad Request: message is not modified: specified new message content "
                        "and reply markup are exactly the same as a current content and reply "
                        "markup of the message",
                    )
                message.text, message.reply_markup = text, markup
                return self._message_json(message)
        raise ApiError(400, "Bad Request: message to edit not found")

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = params.get("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self.answered.append(dict(params))
        return True

    async def _m_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": file_id[-12:],
            "file_size": len(data),
            "file_path": path,
        }

    async def _m_setwebhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url", "")
        if not url:
            self.webhook = None
            return True
        if not str(url).startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.get("secret_token")
        if secret is not None and not SECRET_RE.match(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        max_connections = int(params.get("max_connections", 40))
        if not 1 <= max_connections <= 100:
            raise ApiError(400, "Bad Request: bad webhook: invalid max_connections")
        if self._flag(params, "drop_pending_updates"):
            self._pending.clear()
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": max_connections,
            "allowed_updates": self._json_field(params, "allowed_updates"),
        }
        return True

    async def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if self._flag(params, "drop_pending_updates"):
            self._pending.clear()
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    async def _m_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        with self._lock:
            if offset:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            ready = self._pending[:limit]
        if not ready and timeout > 0 and self._updates_arrived is not None:
            self._updates_arrived.clear()
            try:
                await asyncio.wait_for(self._updates_arrived.wait(), timeout)
            except TimeoutError:
                return []
            with self._lock:
                ready = self._pending[:limit]
        return ready


@contextmanager
def running(fake: FakeTelegram) -> Iterator[str]:
    """Serve the fake on loopback; yields the API base to give THIDUA_TELEGRAM_API_BASE."""
    with serve_in_thread(fake.app) as url:
        try:
            yield url
        finally:
            fake.release()


class FakeTimer:
    """The rate limiter's timer over the test's fake clock (a `Timer` of
    adapters/telegram/ratelimit.py). Waiting for an instant moves the shared clock there at
    once, and sends reach the fake one at a time in the order of their instants, so the fake
    stamps each send with the instant the limiter gave it: its limit checks then judge the
    limiter, not the speed of the test machine."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self._lock = asyncio.Lock()

    def now(self) -> float:
        return float(self.clock.now().timestamp())

    async def wait(self, instant: float) -> None:
        async with self._lock:
            self._advance_to(instant)

    @asynccontextmanager
    async def turn(self, instant: float) -> AsyncIterator[None]:
        async with self._lock:
            self._advance_to(instant)
            yield

    def _advance_to(self, instant: float) -> None:
        ahead = instant - self.now()
        if ahead > 0:
            self.clock.advance(seconds=ahead)
