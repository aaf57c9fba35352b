"""`POST /webhooks/zalo`: verify, parse, store, answer 200 (Zalo waits about 2 seconds).

Refusals store nothing: 413 for an oversize body, 400 for a body that is not a Zalo event,
401 for a missing or wrong signature and for a timestamp outside the freshness window (a
replayed request), 503 when the store is down so that Zalo delivers again.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from adapters.body import read_capped
from adapters.zalo import buttons
from adapters.zalo.inbound import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    MalformedEvent,
    event_timestamp,
    is_fresh,
    load_body,
    parse_event,
    parse_millis,
    signature_ok,
)
from core.errors import StoreUnavailable
from core.ports import Clock, InboundSink, PayloadStore

log = logging.getLogger(__name__)

PATH = "/webhooks/zalo"


@dataclass(frozen=True)
class WebhookConfig:
    app_id: str
    secret: str = dataclasses.field(repr=False)
    freshness: timedelta = timedelta(minutes=5)
    body_limit: int = 1_000_000


def _answer(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def make_router(
    config: WebhookConfig, *, sink: InboundSink, payloads: PayloadStore, clock: Clock
) -> APIRouter:
    router = APIRouter()

    @router.post(PATH)
    async def webhook(request: Request) -> JSONResponse:
        raw = await read_capped(request, config.body_limit)
        if raw is None:
            return _answer(413, f"the body is larger than {config.body_limit} bytes")
        mac = request.headers.get(SIGNATURE_HEADER)
        if not mac:
            return _answer(401, f"the {SIGNATURE_HEADER} header is missing")
        try:
            data = load_body(raw)
        except MalformedEvent as exc:
            return _answer(400, str(exc))
        timestamp = event_timestamp(data, request.headers.get(TIMESTAMP_HEADER))
        if timestamp is None:
            return _answer(401, "no timestamp: the signature cannot be verified")
        if not signature_ok(
            mac, app_id=config.app_id, raw=raw, timestamp=timestamp, secret=config.secret
        ):
            log.warning("zalo webhook with a wrong signature refused")
            return _answer(401, f"the {SIGNATURE_HEADER} does not match")
        try:
            sent_at = parse_millis(timestamp)
            if not is_fresh(sent_at, clock.now(), config.freshness):
                log.warning("zalo webhook with a stale timestamp refused")
                return _answer(401, "the timestamp is outside the freshness window")
            message = parse_event(data, timestamp)
        except MalformedEvent as exc:
            log.warning("zalo webhook refused: %s", exc)
            return _answer(400, str(exc))
        if message is None:
            return JSONResponse({"accepted": 0, "ignored": True})
        if message.payload is not None and message.payload.startswith(buttons.KEY_MARK):
            key = message.payload[len(buttons.KEY_MARK) :]
            found = await payloads.payload_for(key) if key else None
            if found is not None:
                message = dataclasses.replace(message, payload=found)
        try:
            new = await sink.accept([message])
        except StoreUnavailable:
            return _answer(503, "the store is unavailable; deliver again later")
        return JSONResponse({"accepted": new})

    return router
