"""A cap on every request body the messengers' own routes do not cap (issue 15): the desk's
forms (the sign-in page first, which anyone may post to), the admin API (FastAPI reads a body
before the route's token is checked) and the /mydata download. A body declared larger than
the cap is refused before the application sees the request; one that streams in without a
length is refused as soon as it passes the cap, so a 1 GB body costs the cap in memory, not a
gigabyte. The webhooks and the web chat read their bodies with their own caps
(adapters/body.py) and pass through untouched."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from core.quizzes.bank import MAX_FILE_BYTES as BANK_FILE_BYTES
from core.spreadsheet import MAX_FILE_BYTES as SHEET_FILE_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FORM_LIMIT = 1024 * 1024  # a desk form, the sign-in page, the /mydata download
API_LIMIT = 4 * 1024 * 1024  # a JSON body of the admin API (a quiz with its questions)
# an imported file: the roster or tree (a form may carry it as base64 text) or a quiz bank
UPLOAD_LIMIT = 4 * max(SHEET_FILE_BYTES, BANK_FILE_BYTES)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body is larger than {limit} bytes")
        self.limit = limit


def limit_for(path: str) -> int:
    if path.endswith("/import"):
        return UPLOAD_LIMIT
    if path.startswith("/api/"):
        return API_LIMIT
    return FORM_LIMIT


class BodyLimit:
    """`own_caps`: the paths whose routes read their body with a cap of their own."""

    def __init__(self, app: ASGIApp, *, own_caps: Iterable[str]) -> None:
        self.app = app
        self.own_caps = frozenset(own_caps)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in self.own_caps:
            await self.app(scope, receive, send)
            return
        limit = limit_for(path)
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        seen = 0
        started = False

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, capped, watched)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit)


async def too_large(_request: Request, exc: Exception) -> JSONResponse:
    """The app's answer when a body streamed past the cap while a route read it (FastAPI lets
    the HTTPException through): the shape of `_refuse` and of the adapters' refusals, not
    FastAPI's {"detail": ...}."""
    detail = exc.detail if isinstance(exc, BodyTooLarge) else "the body is too large"
    return JSONResponse({"error": detail}, 413, headers={"Connection": "close"})


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"error": f"the body is larger than {limit} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
