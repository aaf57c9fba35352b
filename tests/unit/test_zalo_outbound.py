"""The Zalo channel's rules: windows, error classes, envelope handling, the rate limiter and
token seeding. HTTP goes to httpx.MockTransport handlers that answer like the OA API."""

from __future__ import annotations

import asyncio
import json
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from adapters.zalo.outbound import ChannelConfig, Route, ZaloChannel, choose_route, classify
from adapters.zalo.ratelimit import SlidingWindowLimiter
from adapters.zalo.tokens import OAuthConfig, ZaloTokens
from core.errors import DeliveryErrorKind, DeliveryFailure, Sent
from core.messages import Button, OutgoingMessage, Recipient
from core.storage.credentials import DbCredentialStore
from tests.conftest import FakeClock

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def recipient(age: timedelta | None) -> Recipient:
    return Recipient("zalo", "42", 1, last_inbound_at=None if age is None else NOW - age)


@pytest.mark.parametrize(
    ("age", "proactive", "billable", "template", "expected"),
    [
        (timedelta(hours=47), True, False, None, Route.FREE),
        (timedelta(hours=49), False, False, None, Route.BILLABLE),
        (timedelta(hours=49), True, False, None, None),
        (timedelta(hours=49), True, False, "T1", Route.TEMPLATE),
        (timedelta(hours=49), True, True, None, Route.BILLABLE),
        (timedelta(days=7, minutes=1), False, True, None, None),
        (timedelta(days=8), True, True, "T1", Route.TEMPLATE),
        (None, True, False, None, None),
    ],
)
def test_windows(age, proactive, billable, template, expected):
    config = ChannelConfig(announcement_template_id=template, billable_proactive=billable)
    assert choose_route(config, recipient(age), proactive=proactive, now=NOW) is expected


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (-230, DeliveryErrorKind.OUTSIDE_WINDOW),
        (-232, DeliveryErrorKind.OUTSIDE_WINDOW),
        (-218, DeliveryErrorKind.OUTSIDE_WINDOW),
        (-213, DeliveryErrorKind.BLOCKED),
        (-227, DeliveryErrorKind.BLOCKED),
        (-32, DeliveryErrorKind.RATE_LIMITED),
        (-211, DeliveryErrorKind.TRANSIENT),
        (-216, DeliveryErrorKind.AUTH),
        (-220, DeliveryErrorKind.AUTH),
        (-240, DeliveryErrorKind.AUTH),
        (-201, DeliveryErrorKind.PERMANENT),
        (-9999, DeliveryErrorKind.PERMANENT),
    ],
)
def test_error_classes(code: int, kind: DeliveryErrorKind):
    assert classify(code, "x", now=NOW, timezone="Asia/Ho_Chi_Minh").kind == kind


def test_night_error_waits_until_six_in_vietnam():
    late = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 23:00 in Hà Nội
    error = classify(-234, "night", now=late, timezone="Asia/Ho_Chi_Minh")
    assert error.retry_after == 7 * 3600


async def test_limiter_waits_instead_of_failing():
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = SlidingWindowLimiter(4000, spread=0.0, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(4000):
        async with limiter.slot():
            pass
    assert slept == []
    now[0] = 10.0
    async with limiter.slot():
        pass
    assert slept == [50.0]


async def test_limiter_spreads_a_window_over_its_first_part():
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = SlidingWindowLimiter(4000, monotonic=lambda: now[0], sleep=sleep)
    starts = []
    for _ in range(4001):
        async with limiter.slot():
            starts.append(now[0])
    assert starts[3999] == pytest.approx(3999 * 0.6 * 60 / 4000)  # one every 9 ms
    assert starts[4000] == pytest.approx(60.0)  # then the window holds the rest back


async def test_limiter_keys_the_window_on_answers():
    """Zalo may have counted a request at any moment before its answer: with the first of a
    minute's requests answered 2 s late, the next minute starts 2 s later too."""
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = SlidingWindowLimiter(3, spread=0.0, monotonic=lambda: now[0], sleep=sleep)
    answered = asyncio.Event()
    inside = asyncio.Event()

    async def slow() -> None:
        async with limiter.slot():
            inside.set()
            await answered.wait()

    first = asyncio.create_task(slow())
    await inside.wait()
    for _ in range(2):
        async with limiter.slot():
            pass
    now[0] = 2.0
    answered.set()
    await first
    async with limiter.slot():
        assert now[0] == 62.0


class Health:
    def __init__(self) -> None:
        self.flags: list[str] = []

    async def flag(self, platform: str, reason: str) -> None:
        self.flags.append(reason)

    async def clear(self, platform: str) -> None:
        pass


Handler = Callable[[httpx.Request], httpx.Response]


def channel(engine: Engine, handler: Handler, **config: Any) -> ZaloChannel:
    clock = FakeClock(NOW)
    transport = httpx.MockTransport(handler)
    tokens = ZaloTokens(
        OAuthConfig("app", "secret", "AT", "RT"),
        store=DbCredentialStore(engine),
        oauth=httpx.AsyncClient(transport=transport, base_url="http://oauth"),
        health=Health(),
        clock=clock,
    )

    class Payloads:
        async def key_for(self, payload: str) -> str:
            return "K" + str(len(payload))

        async def payload_for(self, key: str) -> str | None:
            return None

    return ZaloChannel(
        ChannelConfig(**config),
        api=httpx.AsyncClient(transport=transport, base_url="http://api"),
        tokens=tokens,
        limiter=SlidingWindowLimiter(100),
        payloads=Payloads(),
        clock=clock,
    )


FRESH = recipient(timedelta(minutes=1))


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"error": -230, "message": "not interacted"}, DeliveryErrorKind.OUTSIDE_WINDOW),
        (200, {"error": "-32", "message": "limit"}, DeliveryErrorKind.RATE_LIMITED),
        (500, {"data": {"message_id": "m1"}, "error": 0, "message": "Success"}, None),
        (502, "<html>bad gateway</html>", DeliveryErrorKind.TRANSIENT),
        (200, {"data": {}}, DeliveryErrorKind.TRANSIENT),
        (429, "", DeliveryErrorKind.RATE_LIMITED),
    ],
)
async def test_success_only_when_error_is_zero(engine: Engine, status, body, expected):
    def handler(request: httpx.Request) -> httpx.Response:
        content = body if isinstance(body, str) else json.dumps(body)
        return httpx.Response(status, content=content.encode())

    result = await channel(engine, handler).send(FRESH, OutgoingMessage("hi"), proactive=False)
    if expected is None:
        assert result == Sent(("m1",))
    else:
        assert isinstance(result, DeliveryFailure) and result.kind == expected


async def test_buttons_are_query_hide_and_long_payloads_go_behind_a_key(engine: Engine):
    sent: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"data": {"message_id": "m"}, "error": 0})

    long_payload = "quiz:answer:" + "x" * 200
    message = OutgoingMessage(
        "Chọn", buttons=(Button("Đồng ý", "onb:agree"), Button("Trả lời", long_payload))
    )
    await channel(engine, handler).send(FRESH, message, proactive=False)
    buttons = sent[0]["message"]["attachment"]["payload"]["buttons"]
    assert buttons == [
        {"title": "Đồng ý", "type": "oa.query.hide", "payload": "#td:onb:agree"},
        {"title": "Trả lời", "type": "oa.query.hide", "payload": f"#tdk:K{len(long_payload)}"},
    ]


async def test_nfd_text_is_measured_after_nfc(engine: Engine):
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["message"]["text"])
        return httpx.Response(200, json={"data": {"message_id": "m"}, "error": 0})

    nfc = "ệ" * 2000
    nfd = unicodedata.normalize("NFD", nfc)
    assert len(nfd) > 2000
    await channel(engine, handler).send(FRESH, OutgoingMessage(nfd), proactive=False)
    assert sent == [nfc]


async def test_no_token_pair_is_an_auth_failure(engine: Engine):
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no call expected")

    zalo = channel(engine, handler)
    zalo.tokens.config = OAuthConfig("app", "secret")
    result = await zalo.send(FRESH, OutgoingMessage("hi"), proactive=False)
    assert isinstance(result, DeliveryFailure) and result.kind == DeliveryErrorKind.AUTH


async def test_refresh_token_only_is_refreshed_before_the_first_send(engine: Engine):
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/v4/oa/access_token":
            assert request.headers["secret_key"] == "secret"
            assert b"grant_type=refresh_token" in request.content
            return httpx.Response(
                200, json={"access_token": "AT2", "refresh_token": "RT2", "expires_in": "90000"}
            )
        assert request.headers["access_token"] == "AT2"
        return httpx.Response(200, json={"data": {"message_id": "m"}, "error": 0})

    zalo = channel(engine, handler)
    zalo.tokens.config = OAuthConfig("app", "secret", None, "RT")
    result = await zalo.send(FRESH, OutgoingMessage("hi"), proactive=False)
    assert result == Sent(("m",))
    assert calls == ["/v4/oa/access_token", "/v3.0/oa/message/cs"]
    stored = await DbCredentialStore(engine).load("zalo")
    assert stored is not None and stored.refresh_token == "RT2"
    assert stored.access_expires_at == NOW + timedelta(seconds=90000)
