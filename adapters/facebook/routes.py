"""`/webhooks/facebook`: Meta's subscription check (GET) and the event webhook (POST).

The POST only verifies, parses and stores, then answers 200: Meta alerts after 15 minutes of
failures and unsubscribes the app from the Page after an hour. It answers 503 only when the
store is down, because then we want Meta to deliver the batch again.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from adapters.body import read_capped
from adapters.facebook.inbound import (
    SIGNATURE_HEADER,
    BadPayload,
    BadSignature,
    parse_body,
    verify_signature,
)
from adapters.facebook.outbound import STORED_PAYLOAD_PREFIX
from core.errors import StoreUnavailable
from core.messages import IncomingMessage
from core.ports import InboundSink, PayloadStore

log = logging.getLogger(__name__)

PATH = "/webhooks/facebook"
MIN_BODY_LIMIT = 4_000_000  # a batch of 1000 emoji-escaped events is large; never cut one
MAX_CHALLENGE = 256


def _refuse(status: int, error: str) -> JSONResponse:
    """A refusal, in the shape of every adapter's ({"error": ...}; Meta reads only the
    status, and the raw challenge only on success)."""
    return JSONResponse({"error": error}, status_code=status)


def make_router(
    sink: InboundSink,
    *,
    app_secret: str,
    verify_token: str,
    payloads: PayloadStore,
    body_limit: int = MIN_BODY_LIMIT,
) -> APIRouter:
    router = APIRouter()
    limit = max(body_limit, MIN_BODY_LIMIT)

    @router.get(PATH, include_in_schema=False)
    async def verify(request: Request) -> Response:
        params = request.query_params
        mode = params.get("hub.mode", "")
        token = params.get("hub.verify_token", "")
        challenge = params.get("hub.challenge", "")
        token_ok = hmac.compare_digest(token.encode("utf-8"), verify_token.encode("utf-8"))
        if mode != "subscribe" or not token_ok or not verify_token:
            return _refuse(403, "verification failed")
        if not challenge or len(challenge) > MAX_CHALLENGE:
            return _refuse(400, "hub.challenge is missing or too long")
        return PlainTextResponse(challenge)

    @router.post(PATH, include_in_schema=False)
    async def receive(request: Request) -> Response:
        body = await read_capped(request, limit)
        if body is None:
            return _refuse(413, f"the body is larger than {limit} bytes")
        try:
            verify_signature(body, request.headers.get(SIGNATURE_HEADER), app_secret)
        except BadSignature as exc:
            log.warning("Messenger webhook refused: %s", exc)
            return _refuse(403, str(exc))
        try:
            batch = parse_body(body)
        except BadPayload as exc:
            log.warning("signed Messenger webhook not readable: %s", exc)
            return _refuse(400, str(exc))
        messages = [await _resolve_payload(m, payloads) for m in batch.messages]
        try:
            new = await sink.accept(messages) if messages else 0
        except StoreUnavailable:
            return _refuse(503, "busy; deliver again")
        return JSONResponse({"received": len(messages), "new": new, "ignored": batch.ignored}, 200)

    return router


async def _resolve_payload(message: IncomingMessage, payloads: PayloadStore) -> IncomingMessage:
    """A tap on a button whose long payload we stored behind a key gets its payload back; an
    unknown key stays as it is and the core answers that the button is no longer active."""
    payload = message.payload
    if not payload or not payload.startswith(STORED_PAYLOAD_PREFIX):
        return message
    full = await payloads.payload_for(payload[len(STORED_PAYLOAD_PREFIX) :])
    return dataclasses.replace(message, payload=full) if full else message
