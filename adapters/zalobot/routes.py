"""`POST /webhooks/zalobot`: check the secret, cap the body, parse, store, answer 200.

Refusals store nothing: 401 for a missing or wrong `X-Bot-Api-Secret-Token` (compared in
constant time; it is a static shared secret, with no signature over the body), 413 for a body
over the limit, 400 for a body that is not a Zalo Bot update, 503 when the store is down so
that Zalo may deliver again. Updates we do not use are answered 200 and dropped. An update
is parsed here (so that a bad one is refused at once), then stored as it came, with the other
calls that arrived meanwhile in one commit (core/group_commit.py); processing reads it with
`ZaloBotDecoder`. The same message delivered again is stored once (`message_id` is the
dedupe key).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.body import read_capped
from adapters.zalobot.inbound import PLATFORM, SECRET_HEADER, MalformedUpdate, load, parse_update
from adapters.zalobot.inbound import secret_matches as matches
from core.errors import StoreUnavailable
from core.group_commit import GroupCommit
from core.messages import RawUpdate
from core.ports import InboundSink

log = logging.getLogger(__name__)

PATH = "/webhooks/zalobot"
_OK = b'{"ok":true}'


def _answer(status: int, error: str) -> JSONResponse:
    """A refusal, in the shape of every adapter's ({"error": ...}; the platform reads only
    the status)."""
    return JSONResponse({"error": error}, status_code=status)


def make_route(
    sink: InboundSink,
    *,
    secret: str | None,
    body_limit: int,
    now: Callable[[], datetime],
    bot_id: str | None = None,
) -> Route:
    """`secret` is the `secret_token` given to setWebhook; without one every call is refused.
    A plain Starlette route, matched ahead of the routers, like Telegram's."""

    group: GroupCommit[RawUpdate] = GroupCommit(sink.accept_raw)

    async def webhook(request: Request) -> Response:
        if not matches(request.headers.get(SECRET_HEADER), secret):
            log.warning("zalobot webhook with a missing or wrong secret refused")
            return _answer(401, f"missing or wrong {SECRET_HEADER}")
        raw = await read_capped(request, body_limit)
        if raw is None:
            return _answer(413, f"the update is larger than {body_limit} bytes")
        try:
            text = raw.decode()
            message = parse_update(load(text), received_at=now(), bot_id=bot_id)
        except UnicodeDecodeError:
            return _answer(400, "the body is not UTF-8")
        except MalformedUpdate as exc:
            log.warning("zalobot webhook refused: %s", exc)
            return _answer(400, str(exc))
        if message is None:
            return Response(_OK, media_type="application/json")
        try:
            await group.add(RawUpdate(PLATFORM, message.external_id, text))
        except StoreUnavailable:
            return _answer(503, "the update could not be stored; please deliver it again")
        return Response(_OK, media_type="application/json")

    return Route(PATH, webhook, methods=["POST"], include_in_schema=False)
