"""HTTP API of the web chat. The session id is issued by the server (128 random bits) and
is the person's platform id on the `webchat` platform."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from adapters.body import read_capped
from adapters.webchat.uploads import Uploads
from core.errors import StoreUnavailable
from core.messages import IncomingMessage, OutgoingMessage
from core.ports import InboundSink, Mailbox

PAGE = Path(__file__).with_name("static") / "chat.html"
SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT = 10_000
MAX_BODY = 64_000
LONG_POLL_SECONDS = 25.0


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _as_json(message_id: int, message: OutgoingMessage) -> dict[str, Any]:
    return {
        "id": message_id,
        "text": message.text,
        "buttons": [{"label": b.label, "payload": b.payload} for b in message.buttons],
        "quick_replies": [{"label": b.label, "payload": b.payload} for b in message.quick_replies],
        "image_url": message.image_url,
    }


PAGE_TEXTS = (
    "title",
    "subtitle",
    "messages",
    "message",
    "placeholder",
    "send",
    "not_sent",
    "reconnecting",
    "attach",
    "attach_hint",
    "too_large",
    "accept",
    "max_bytes",
)


def render_page(lang: str, texts: Mapping[str, str]) -> str:
    """The chat page with its texts (translated by the caller: adapters keep no catalogs).
    Texts are HTML-escaped; the two used by the script are JSON string literals."""
    page = PAGE.read_text(encoding="utf-8").replace("{{lang}}", html.escape(lang))
    for key in PAGE_TEXTS:
        page = page.replace("{{" + key + "_js}}", json.dumps(texts[key], ensure_ascii=False))
        page = page.replace("{{" + key + "}}", html.escape(texts[key]))
    return page


def page_policy(page: str) -> str:
    """The page's own inline script allowed by its hash, and nothing else inline."""
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob: https:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _incoming(session: str, client_id: str, **content: Any) -> IncomingMessage:
    return IncomingMessage(
        platform="webchat",
        external_id=f"{session}:{client_id}",
        sender_id=session,
        received_at=datetime.now(UTC),
        **content,
    )


def make_router(
    sink: InboundSink,
    mailbox: Mailbox,
    lang: str,
    texts: Mapping[str, str],
    uploads: Uploads | None = None,
    max_file_bytes: int = 0,
) -> APIRouter:
    """`uploads`: where picked files wait (None: the chat takes no files), each at most
    `max_file_bytes`."""
    router = APIRouter()
    rendered = render_page(lang, texts)
    headers = {"Content-Security-Policy": page_policy(rendered)}

    async def accept(message: IncomingMessage) -> JSONResponse:
        try:
            new = await sink.accept([message])
        except StoreUnavailable:
            return _error(503, "the chat is busy; please send again")
        return JSONResponse({"accepted": bool(new), "duplicate": not new}, status_code=202)

    @router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(rendered, headers=headers)

    @router.post("/chat/api/session")
    async def new_session() -> dict[str, str]:
        return {"session": secrets.token_urlsafe(24)}

    @router.post("/chat/api/messages", status_code=202)
    async def post_message(request: Request) -> JSONResponse:
        raw = await read_capped(request, MAX_BODY)
        if raw is None:
            return _error(413, f"the request is larger than {MAX_BODY} bytes")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(400, "the body must be a JSON object")
        if not isinstance(data, dict):
            return _error(400, "the body must be a JSON object")
        session = data.get("session")
        if not isinstance(session, str) or not SESSION_RE.match(session):
            return _error(400, "'session' must be the id given by POST /chat/api/session")
        text = data.get("text", "")
        payload = data.get("payload")
        if not isinstance(text, str) or (payload is not None and not isinstance(payload, str)):
            return _error(400, "'text' and 'payload' must be strings")
        if len(text) > MAX_TEXT:
            return _error(413, f"'text' is longer than {MAX_TEXT} characters")
        if payload is not None and len(payload) > 1000:
            return _error(400, "'payload' is longer than 1000 characters")
        client_id = data.get("id") or uuid.uuid4().hex
        if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
            return _error(400, "'id' must be 1 to 64 letters, digits, '-' or '_'")
        return await accept(_incoming(session, client_id, text=text, payload=payload))

    @router.post("/chat/api/files", status_code=202)
    async def post_file(
        request: Request,
        session: Annotated[str, Query(max_length=64)],
        id: Annotated[str, Query(max_length=64)],
        name: Annotated[str, Query(max_length=1000)] = "",
    ) -> JSONResponse:
        """A picked file as the raw body (its type in Content-Type, its name in `name`)."""
        if uploads is None:
            return _error(404, "this chat takes no files")
        if not SESSION_RE.match(session):
            return _error(400, "'session' must be the id given by POST /chat/api/session")
        if not CLIENT_ID_RE.match(id):
            return _error(400, "'id' must be 1 to 64 letters, digits, '-' or '_'")
        data = await read_capped(request, max_file_bytes)
        if data is None:
            return _error(413, f"the file is larger than {max_file_bytes} bytes")
        if not data:
            return _error(400, "the file is empty")
        mime = request.headers.get("content-type", "").split(";")[0].strip().lower()
        kept = await asyncio.to_thread(
            uploads.keep, data, name=name, mime=mime or "application/octet-stream"
        )
        return await accept(_incoming(session, id, attachments=(kept,)))

    @router.get("/chat/api/messages")
    async def get_messages(
        session: Annotated[str, Query(max_length=64)],
        after: Annotated[int, Query(ge=0)] = 0,
        wait: Annotated[float, Query(ge=0, le=LONG_POLL_SECONDS)] = 0,
    ) -> JSONResponse:
        if not SESSION_RE.match(session):
            return _error(400, "'session' must be the id given by POST /chat/api/session")
        found = await (
            mailbox.wait(session, after, wait) if wait else mailbox.read_after(session, after)
        )
        return JSONResponse({"messages": [_as_json(i, m) for i, m in found]})

    return router
