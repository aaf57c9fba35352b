"""`POST /webhooks/telegram`: check the secret, cap the body, store, answer 200 at once."""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.body import read_capped
from adapters.telegram.inbound import SECRET_HEADER, TelegramInbound, secret_matches
from core.errors import StoreUnavailable

log = logging.getLogger(__name__)

PATH = "/webhooks/telegram"
_OK = b'{"ok":true}'


def _answer(status: int, error: str) -> JSONResponse:
    """A refusal, in the shape of every adapter's ({"error": ...}; the platform reads only
    the status)."""
    return JSONResponse({"error": error}, status_code=status)


def _answer_callback(query_id: str) -> Response:
    """Telegram runs a method named in the webhook's response: the button's spinner stops
    without a request of ours (its outcome is not reported, and a failure is harmless)."""
    body = json.dumps({"method": "answerCallbackQuery", "callback_query_id": query_id})
    return Response(body, media_type="application/json")


def make_route(inbound: TelegramInbound, *, secret: str | None, body_limit: int) -> Route:
    """`secret` is the `secret_token` given to setWebhook; without one every call is refused.

    A plain Starlette route, added to the app ahead of the others: the busiest endpoint skips
    FastAPI's dependency solving and the matching of the included routers."""
    if not secret:
        log.warning("THIDUA_TELEGRAM_WEBHOOK_SECRET is not set: %s refuses every call", PATH)

    async def webhook(request: Request) -> Response:
        if not secret_matches(request.headers.get(SECRET_HEADER), secret):
            return _answer(401, "missing or wrong X-Telegram-Bot-Api-Secret-Token")
        raw = await read_capped(request, body_limit)
        if raw is None:
            return _answer(413, f"the update is larger than {body_limit} bytes")
        try:
            text = raw.decode()
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _answer(400, "the body is not JSON")
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return _answer(400, "the body is not a Telegram Update (no integer update_id)")
        try:
            outcome = await inbound.receive(data, text)
        except StoreUnavailable:
            return _answer(503, "the update could not be stored; please deliver it again")
        if outcome.callback_query_id is not None:
            return _answer_callback(outcome.callback_query_id)
        return Response(_OK, media_type="application/json")

    return Route(PATH, webhook, methods=["POST"], include_in_schema=False)
