"""The Messenger channel against httpx.MockTransport: window policy, request shape, error
classes, pacing. The end-to-end path over a real socket is in tests/e2e/test_facebook.py."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from adapters.facebook.graph_errors import GraphError, classify, parse_error
from adapters.facebook.outbound import STORED_PAYLOAD_PREFIX, FacebookChannel
from adapters.facebook.rate_limit import PageRateLimiter
from core.errors import DeliveryErrorKind, DeliveryFailure, Sent
from core.messages import Button, OutgoingMessage, Recipient

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
TOKEN = "EAAG-page-token"


class Clock:
    def __init__(self) -> None:
        self.current = NOW

    def now(self) -> datetime:
        return self.current


class Health:
    def __init__(self) -> None:
        self.flags: list[tuple[str, str]] = []
        self.clears: list[str] = []

    async def flag(self, platform: str, reason: str) -> None:
        self.flags.append((platform, reason))

    async def clear(self, platform: str) -> None:
        self.clears.append(platform)


class Payloads:
    def __init__(self) -> None:
        self.by_key: dict[str, str] = {}

    async def key_for(self, payload: str) -> str:
        key = f"k{len(self.by_key)}"
        self.by_key[key] = payload
        return key

    async def payload_for(self, key: str) -> str | None:
        return self.by_key.get(key)


class Graph:
    """Answers from a queue; records every request."""

    def __init__(self, *answers: tuple[int, Any]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answers:
            status, body = self.answers.pop(0)
        else:
            status, body = 200, {"recipient_id": "1", "message_id": f"m_{len(self.requests)}"}
        if isinstance(body, Exception):
            raise body
        return httpx.Response(status, json=body) if body is not None else httpx.Response(status)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def channel(graph: Graph, clock: Clock | None = None, health: Health | None = None):
    client = httpx.AsyncClient(
        base_url="https://graph.example/v23.0", transport=httpx.MockTransport(graph)
    )
    return FacebookChannel(
        client,
        page_token=TOKEN,
        clock=clock or Clock(),
        health=health or Health(),
        payloads=Payloads(),
        limiter=PageRateLimiter(300),
    )


def person(last: datetime | None = NOW) -> Recipient:
    return Recipient(platform="facebook", user_id="2459871", identity_id=1, last_inbound_at=last)


def error(code: int, subcode: int | None = None, message: str = "x") -> dict[str, Any]:
    body: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbC",
    }
    if subcode is not None:
        body["error_subcode"] = subcode
    return {"error": body}


async def test_reply_request_shape():
    graph = Graph()
    result = await channel(graph).send(person(), OutgoingMessage(text="Chào bạn"), proactive=False)
    assert result == Sent(("m_1",))
    (request,) = graph.requests
    assert request.method == "POST" and request.url.path == "/v23.0/me/messages"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(request.url)
    assert graph.bodies() == [
        {
            "recipient": {"id": "2459871"},
            "messaging_type": "RESPONSE",
            "message": {"text": "Chào bạn"},
        }
    ]


@pytest.mark.parametrize(
    ("silence", "sent"),
    [
        (timedelta(hours=1), True),
        (timedelta(hours=23, minutes=58), True),
        (timedelta(hours=24), False),
        (timedelta(hours=25), False),
        (None, False),
    ],
)
async def test_window_policy_for_proactive_messages(silence: timedelta | None, sent: bool):
    graph = Graph()
    last = NOW - silence if silence is not None else None
    result = await channel(graph).send(
        person(last), OutgoingMessage(text="Thông báo"), proactive=True
    )
    if sent:
        assert isinstance(result, Sent)
        assert graph.bodies()[0]["messaging_type"] == "UPDATE"
    else:
        assert (
            isinstance(result, DeliveryFailure) and result.kind == DeliveryErrorKind.OUTSIDE_WINDOW
        )
        assert graph.requests == []  # decided without calling Meta


async def test_replies_are_not_held_back_by_our_window_record():
    """A reply answers something the person just did; Meta judges it, not our record."""
    graph = Graph()
    old = person(NOW - timedelta(days=3))
    assert isinstance(
        await channel(graph).send(old, OutgoingMessage(text="ok"), proactive=False), Sent
    )


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ((400, error(10, 2018278)), DeliveryErrorKind.OUTSIDE_WINDOW),
        ((400, error(551, 1545041)), DeliveryErrorKind.BLOCKED),
        ((400, error(613)), DeliveryErrorKind.RATE_LIMITED),
        ((400, error(4)), DeliveryErrorKind.RATE_LIMITED),
        ((400, error(10, 1893063)), DeliveryErrorKind.RATE_LIMITED),
        ((400, error(190, 460)), DeliveryErrorKind.AUTH),
        ((400, error(100)), DeliveryErrorKind.PERMANENT),
        ((400, error(100, 2018001)), DeliveryErrorKind.PERMANENT),
        ((500, error(2)), DeliveryErrorKind.TRANSIENT),
        ((500, error(1200)), DeliveryErrorKind.TRANSIENT),
        ((502, None), DeliveryErrorKind.TRANSIENT),
        ((429, None), DeliveryErrorKind.RATE_LIMITED),
        ((400, {"unexpected": True}), DeliveryErrorKind.PERMANENT),
        ((200, {"recipient_id": "1"}), DeliveryErrorKind.PERMANENT),
        ((0, httpx.ConnectError("refused")), DeliveryErrorKind.TRANSIENT),
        ((0, httpx.ReadTimeout("slow")), DeliveryErrorKind.TRANSIENT),
    ],
)
async def test_error_classes(answer: tuple[int, Any], kind: DeliveryErrorKind):
    graph = Graph(answer)
    result = await channel(graph).send(person(), OutgoingMessage(text="x"), proactive=False)
    assert isinstance(result, DeliveryFailure) and result.kind == kind
    if kind == DeliveryErrorKind.RATE_LIMITED:
        assert result.retry_after and result.retry_after >= 60


async def test_invalid_token_flags_the_channel_once_per_failure_and_clears_on_success():
    health = Health()
    graph = Graph((400, error(190, 460, "Error validating access token")))
    fb = channel(graph, health=health)
    first = await fb.send(person(), OutgoingMessage(text="x"), proactive=False)
    assert isinstance(first, DeliveryFailure) and first.kind == DeliveryErrorKind.AUTH
    assert health.flags == [
        ("facebook", "Graph error 190/460: Error validating access token (fbtrace_id AbC)")
    ]
    assert isinstance(await fb.send(person(), OutgoingMessage(text="x"), proactive=False), Sent)
    assert health.clears == ["facebook"]
    assert isinstance(await fb.send(person(), OutgoingMessage(text="y"), proactive=False), Sent)
    assert health.clears == ["facebook"]  # not written again while healthy


async def test_throttle_pauses_the_page_and_doubles():
    graph = Graph((400, error(613)))
    fb = channel(graph)
    first = await fb.send(person(), OutgoingMessage(text="x"), proactive=False)
    assert isinstance(first, DeliveryFailure) and first.retry_after == 60
    paused = await fb.send(person(), OutgoingMessage(text="y"), proactive=False)
    assert isinstance(paused, DeliveryFailure) and paused.kind == DeliveryErrorKind.RATE_LIMITED
    assert len(graph.requests) == 1  # not called while paused
    assert fb.limiter.pause(60, 900) == 120  # a second throttle in a row waits twice as long


async def test_split_parts_go_in_order_and_failure_mid_way_says_so():
    text = "\n\n".join(f"Đoạn {i}. " + "nội dung " * 150 for i in range(3))
    graph = Graph((200, {"recipient_id": "1", "message_id": "m_a"}), (400, error(100)))
    result = await channel(graph).send(person(), OutgoingMessage(text=text), proactive=False)
    assert isinstance(result, DeliveryFailure) and "after 1 of" in result.detail
    bodies = graph.bodies()
    assert bodies[0]["message"]["text"].startswith("Đoạn 0.")
    assert all(len(b["message"]["text"]) < 2000 for b in bodies)


async def test_payload_over_1000_characters_travels_as_a_stored_key():
    graph = Graph()
    fb = channel(graph)
    long = "campaign:join:" + "x" * 1200
    message = OutgoingMessage(text="Tham gia?", buttons=(Button("Có", long), Button("Không", "no")))
    assert isinstance(await fb.send(person(), message, proactive=False), Sent)
    replies = graph.bodies()[0]["message"]["quick_replies"]
    assert (
        replies[0]["payload"].startswith(STORED_PAYLOAD_PREFIX)
        and len(replies[0]["payload"]) <= 1000
    )
    assert (
        await fb.payloads.payload_for(replies[0]["payload"][len(STORED_PAYLOAD_PREFIX) :]) == long
    )
    assert replies[1]["payload"] == "no"


def test_parse_error_reads_the_real_shape():
    parsed = parse_error(
        400, error(10, 2018278, "(#10) This message is sent outside of allowed window.")
    )
    assert parsed == GraphError(
        400, 10, 2018278, "(#10) This message is sent outside of allowed window.", "AbC"
    )
    assert classify(parsed).kind == DeliveryErrorKind.OUTSIDE_WINDOW
    assert "10/2018278" in parsed.describe()


# --- pacing ----------------------------------------------------------------------------


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_limiter_waits_instead_of_failing():
    clock = FakeTime()
    limiter = PageRateLimiter(3, monotonic=clock.monotonic, sleep=clock.sleep)
    stamps = []
    for _ in range(7):
        async with limiter.slot():
            stamps.append(clock.now)
    assert stamps == [100.0, 100.0, 100.0, 101.0, 101.0, 101.0, 102.0]
    for i, t in enumerate(stamps):  # never more than 3 calls in any one-second window
        assert sum(1 for u in stamps[i:] if u - t < 1.0) <= 3


async def test_limiter_counts_a_slow_call_until_a_later_one_is_answered():
    """Meta may have received a slow call at any moment before an answer came back, its own
    or that of a call started after it (by then it had arrived): the call three places later
    waits until one second after the first such answer, not after the slow call's timeout."""
    clock = FakeTime()
    limiter = PageRateLimiter(3, monotonic=clock.monotonic, sleep=clock.sleep)
    answered = asyncio.Event()
    inside = asyncio.Event()

    async def slow() -> None:
        async with limiter.slot():
            inside.set()
            await answered.wait()

    first = asyncio.create_task(slow())
    await inside.wait()
    clock.now = 100.2
    for _ in range(2):  # answered at once, 0.2 s after the slow call started
        async with limiter.slot():
            pass
    assert await limiter_call(limiter, clock) == pytest.approx(101.2)
    assert not first.done()
    answered.set()
    await first


async def test_limiter_counts_a_call_until_a_second_after_its_answer_when_none_later_came():
    """With no later answer to go by, the call a window later waits one second after the
    slow call's own answer, however late it comes."""
    clock = FakeTime()
    limiter = PageRateLimiter(1, monotonic=clock.monotonic, sleep=clock.sleep)
    answered = asyncio.Event()
    inside = asyncio.Event()

    async def slow() -> None:
        async with limiter.slot():
            inside.set()
            await answered.wait()

    first = asyncio.create_task(slow())
    await inside.wait()
    second = asyncio.create_task(limiter_call(limiter, clock))
    await asyncio.sleep(0)
    clock.now = 100.7  # the first call's answer comes back 0.7 s after it started
    answered.set()
    await first
    assert await second == pytest.approx(101.7)


async def limiter_call(limiter: PageRateLimiter, clock: FakeTime) -> float:
    async with limiter.slot():
        return clock.now


async def test_limiter_below_one_per_second():
    clock = FakeTime()
    limiter = PageRateLimiter(0.5, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(2):
        async with limiter.slot():
            pass
    assert clock.now == 102.0


async def test_limiter_pause():
    clock = FakeTime()
    limiter = PageRateLimiter(300, monotonic=clock.monotonic, sleep=clock.sleep)
    assert limiter.paused_for() == 0
    assert limiter.pause(60, 900) == 60
    clock.now += 20
    assert limiter.paused_for() == 40
    limiter.succeeded()
    assert limiter.pause(60, 900) == 60  # the doubling restarts after a success
