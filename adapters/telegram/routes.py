"""`POST /webhooks/telegram`: check the secret, cap the body, store, answer 200 at once."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from telegram import Update

from adapters.telegram.inbound import SECRET_HEADER, TelegramInbound, secret_matches
from core.errors import StoreUnavailable

log = logging.getLogger(__name__)

PATH = "/webhooks/telegram"


def _answer(status: int, error: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": error}, status_code=status)


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it grows past `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def make_router(inbound: TelegramInbound, *, secret: str | None, body_limit: int) -> APIRouter:
    """`secret` is the `secret_token` given to setWebhook; without one every call is refused."""
    if not secret:
        log.warning("THIDUA_TELEGRAM_WEBHOOK_SECRET is not set: %s refuses every call", PATH)
    router = APIRouter()

    @router.post(PATH, include_in_schema=False)
    async def webhook(request: Request, background: BackgroundTasks) -> JSONResponse:
        if not secret_matches(request.headers.get(SECRET_HEADER), secret):
            return _answer(401, "missing or wrong X-Telegram-Bot-Api-Secret-Token")
        raw = await _read_capped(request, body_limit)
        if raw is None:
            return _answer(413, f"the update is larger than {body_limit} bytes")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _answer(400, "the body is not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return _answer(400, "the body is not a Telegram Update (no integer update_id)")
        try:
            update = Update.de_json(data, inbound.bot)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("telegram update %s could not be read: %r", data["update_id"], exc)
            return _answer(400, f"the update could not be read: {type(exc).__name__}")
        try:
            outcome = await inbound.handle(update)
        except StoreUnavailable:
            return _answer(503, "the update could not be stored; please deliver it again")
        if outcome.callback_query_id is not None:
            background.add_task(inbound.answer_callback, outcome.callback_query_id)
        return JSONResponse({"ok": True})

    return router
