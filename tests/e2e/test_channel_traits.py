"""Every trait a channel declares (adapters/<platform>/traits.py) holds against that channel on
its fake platform: the text limit in the platform's unit, the buttons per message and their
labels, the messaging window and what goes outside it, and the send rate.

Each channel is built by the composition root from settings, as in production, and sends to a
fake that enforces the platform's documented limits (platforms.md)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bots.bootstrap import Runtime, build_runtime
from bots.platforms import Telegram
from bots.platforms.terminal import TerminalChannel
from bots.settings import load_settings
from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit
from core.errors import DeliveryErrorKind, DeliveryFailure, Sent
from core.messages import Button, OutgoingMessage, Recipient
from core.ports import Channel
from tests.conftest import FakeClock
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import FakeTelegram, FakeTimer, running
from tests.fakes.telegram_fixtures import telegram_env
from tests.fakes.zalo_bot import FakeZaloBot
from tests.fakes.zalo_oa import FakeZaloOA

pytestmark = pytest.mark.anyio

PLATFORMS = ["telegram", "facebook", "zalo", "zalobot", "webchat", "terminal"]
APPROVED_TEMPLATE = "310521"  # the fake OA's approved template
_ids = itertools.count(700_001)


@dataclass
class Received:
    text: str
    labels: list[str]


class Harness:
    """One channel as the composition root builds it, and what its fake platform saw."""

    channel: Channel
    clock: FakeClock

    @property
    def traits(self) -> ChannelTraits:
        return self.channel.traits

    def recipient(self, hours_ago: float = 0.0) -> Recipient:
        """Someone whose last message came `hours_ago`, as the platform knows too."""
        user_id = str(next(_ids))
        last = self.clock.now() - timedelta(hours=hours_ago)
        self.introduce(user_id, last)
        return Recipient(self.traits.platform, user_id, identity_id=1, last_inbound_at=last)

    def introduce(self, user_id: str, last: Any) -> None:
        pass

    async def received(self, recipient: Recipient) -> list[Received]:
        raise NotImplementedError

    def api_calls(self) -> int:
        raise NotImplementedError

    def check_rates(self) -> None:
        """The fake refuses what the platform refuses: its rate is the declared one, and the
        channel's limiter is configured with it."""
        raise NotImplementedError


class TelegramHarness(Harness):
    def __init__(self, fake: FakeTelegram, runtime: Runtime, clock: FakeClock) -> None:
        self.fake, self.clock = fake, clock
        self.channel = runtime.channels["telegram"]

    def introduce(self, user_id: str, last: Any) -> None:
        self.fake.user(int(user_id))

    async def received(self, recipient: Recipient) -> list[Received]:
        sent = self.fake.sent_to(int(recipient.user_id))
        return [Received(m.text or "", m.labels) for m in sent]

    def api_calls(self) -> int:
        return len(self.fake.calls)

    def check_rates(self) -> None:
        assert self.fake.limits.overall == self.traits.send_rate
        assert self.fake.limits.per_chat == self.traits.chat_send_rate
        limits = self.channel.limiter.limits  # type: ignore[attr-defined]
        assert limits.overall_per_second == self.traits.send_rate
        assert limits.per_chat_seconds == 1 / self.traits.chat_send_rate


class FacebookHarness(Harness):
    def __init__(self, fake: FakeGraph, runtime: Runtime, clock: FakeClock) -> None:
        self.fake, self.clock = fake, clock
        self.channel = runtime.channels["facebook"]

    def introduce(self, user_id: str, last: Any) -> None:
        self.fake.last_action[user_id] = last

    async def received(self, recipient: Recipient) -> list[Received]:
        sent = self.fake.sent_to(recipient.user_id)
        return [Received(m.text, [o["title"] for o in m.options]) for m in sent]

    def api_calls(self) -> int:
        return self.fake.calls

    def check_rates(self) -> None:
        assert self.fake.rate_limit == self.traits.send_rate
        limiter = self.channel.limiter  # type: ignore[attr-defined]
        assert (limiter.limit, limiter.period) == (self.traits.send_rate, 1.0)


class ZaloHarness(Harness):
    def __init__(self, fake: FakeZaloOA, runtime: Runtime, clock: FakeClock) -> None:
        self.fake, self.clock = fake, clock
        self.channel = runtime.channels["zalo"]

    def introduce(self, user_id: str, last: Any) -> None:
        self.fake.interact(user_id, last)

    async def received(self, recipient: Recipient) -> list[Received]:
        sent = self.fake.sent_to(recipient.user_id)
        return [Received(d.text, [b["title"] for b in d.buttons]) for d in sent]

    def api_calls(self) -> int:
        return len(self.fake.requests)

    def check_rates(self) -> None:
        assert self.fake.rate_limit_per_minute / 60 == self.traits.send_rate
        limiter = self.channel.limiter  # type: ignore[attr-defined]
        assert (limiter.limit, limiter.period) == (self.fake.rate_limit_per_minute, 60.0)


class ZaloBotHarness(Harness):
    """The Bot Platform has no buttons and publishes no rate: the fake's quota is a setting
    (None here), and the limiter paces at the declared rate."""

    def __init__(self, fake: FakeZaloBot, runtime: Runtime, clock: FakeClock) -> None:
        self.fake, self.clock = fake, clock
        self.channel = runtime.channels["zalobot"]

    def introduce(self, user_id: str, last: Any) -> None:
        self.fake.known.add(user_id)

    async def received(self, recipient: Recipient) -> list[Received]:
        return [Received(d.text, []) for d in self.fake.sent_to(recipient.user_id)]

    def api_calls(self) -> int:
        return len(self.fake.calls)

    def check_rates(self) -> None:
        limiter = self.channel.limiter  # type: ignore[attr-defined]
        assert (limiter.limit, limiter.period) == (self.traits.send_rate, 1.0)
        assert self.fake.quota_per_second is None  # unknown: tests/e2e/test_zalobot.py


class WebchatHarness(Harness):
    """The web chat's platform is our own mailbox, read by the page's long poll."""

    def __init__(self, runtime: Runtime, clock: FakeClock) -> None:
        self.runtime, self.clock = runtime, clock
        self.channel = runtime.channels["webchat"]

    async def received(self, recipient: Recipient) -> list[Received]:
        rows = await self.runtime.mailbox.read_after(recipient.user_id, 0)
        return [Received(m.text, [b.label for b in m.buttons]) for _, m in rows]

    def api_calls(self) -> int:
        return 0

    def check_rates(self) -> None:
        assert self.traits.send_rate == 0 and not hasattr(self.channel, "limiter")


class TerminalHarness(Harness):
    """The terminal chat prints each message after a `thidua>` prompt."""

    PROMPT = "\nthidua> "

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.out = io.StringIO()
        self.read = 0
        self.channel = TerminalChannel(self.out)

    async def received(self, recipient: Recipient) -> list[Received]:
        """What was printed since the last look (a terminal talks to one person at a time)."""
        printed = self.out.getvalue()[self.read :].split(self.PROMPT)[1:]
        self.read = len(self.out.getvalue())
        messages = []
        for block in printed:
            text, _, choices = block.partition("\n        [")
            labels = [
                line.split("] ", 1)[1] for line in ("[" + choices).splitlines() if "] " in line
            ]
            messages.append(Received(text.replace("\n        ", "\n").rstrip("\n"), labels))
        return messages

    def api_calls(self) -> int:
        return len(self.out.getvalue().split(self.PROMPT)) - 1

    def check_rates(self) -> None:
        assert self.traits.send_rate == 0 and not hasattr(self.channel, "limiter")


@contextlib.asynccontextmanager
async def harness_for(
    platform: str, database_url: str, engine: Engine, clock: FakeClock, **env: str
) -> AsyncIterator[Harness]:
    base = {"THIDUA_DATABASE_URL": database_url, **env}
    if platform == "telegram":
        tg = FakeTelegram(clock=clock)
        with running(tg) as url:
            settings = load_settings(environ={**telegram_env(database_url, url), **env})
            messengers = (Telegram(timer=FakeTimer(clock)),)
            runtime = build_runtime(settings, engine=engine, clock=clock, messengers=messengers)
            try:
                yield TelegramHarness(tg, runtime, clock)
            finally:
                await runtime.aclose()
    elif platform == "facebook":
        graph = FakeGraph(page_token="EAAGFakePageToken", app_secret="a" * 32, clock=clock)
        with serve_in_thread(graph.app) as url:
            settings = load_settings(
                environ={
                    **base,
                    "THIDUA_FACEBOOK_PAGE_TOKEN": graph.page_token,
                    "THIDUA_FACEBOOK_APP_SECRET": graph.app_secret,
                    "THIDUA_FACEBOOK_VERIFY_TOKEN": "verify-me",
                    "THIDUA_FACEBOOK_GRAPH_BASE": f"{url}/v23.0",
                }
            )
            runtime = build_runtime(settings, engine=engine, clock=clock)
            try:
                yield FacebookHarness(graph, runtime, clock)
            finally:
                await runtime.aclose()
    elif platform == "zalo":
        oa = FakeZaloOA(clock=clock)
        with serve_in_thread(oa.build_app()) as url:
            settings = load_settings(
                environ={
                    **base,
                    "THIDUA_ZALO_APP_ID": oa.app_id,
                    "THIDUA_ZALO_APP_SECRET": oa.app_secret,
                    "THIDUA_ZALO_WEBHOOK_SECRET": oa.webhook_secret,
                    "THIDUA_ZALO_ACCESS_TOKEN": oa.access_token,
                    "THIDUA_ZALO_REFRESH_TOKEN": oa.refresh_token,
                    "THIDUA_ZALO_API_BASE": url,
                    "THIDUA_ZALO_OAUTH_BASE": url,
                }
            )
            runtime = build_runtime(settings, engine=engine, clock=clock)
            try:
                yield ZaloHarness(oa, runtime, clock)
            finally:
                await runtime.aclose()
    elif platform == "zalobot":
        bot = FakeZaloBot(clock=clock)
        with serve_in_thread(bot.build_app()) as url:
            settings = load_settings(
                environ={
                    **base,
                    "THIDUA_ZALOBOT_TOKEN": bot.token,
                    "THIDUA_ZALOBOT_WEBHOOK_SECRET": bot.webhook_secret,
                    "THIDUA_ZALOBOT_API_BASE": url,
                }
            )
            runtime = build_runtime(settings, engine=engine, clock=clock)
            try:
                yield ZaloBotHarness(bot, runtime, clock)
            finally:
                await runtime.aclose()
    elif platform == "webchat":
        runtime = build_runtime(load_settings(environ=base), engine=engine, clock=clock)
        try:
            yield WebchatHarness(runtime, clock)
        finally:
            await runtime.aclose()
    else:
        yield TerminalHarness(clock)


@pytest.fixture(params=PLATFORMS)
async def harness(
    request: pytest.FixtureRequest, database_url: str, engine: Engine, clock: FakeClock
) -> AsyncIterator[Harness]:
    async with harness_for(request.param, database_url, engine, clock) as made:
        yield made


def text_of(traits: ChannelTraits, units: int) -> str:
    """A text of exactly `units` as the platform counts them, with no space to cut at: an
    astral emoji (two UTF-16 units) where the platform counts those, a precomposed Vietnamese
    letter otherwise (one code point after NFC)."""
    wide = "😀" if traits.text_unit is TextUnit.UTF16 else "ệ"
    text = wide + "a" * (units - traits.length(wide))
    assert traits.length(text) == units
    return text


def labels_of(count: int, size: int) -> list[str]:
    return [f"Lựa chọn {i:02d} ".ljust(size, "x") for i in range(1, count + 1)]


def sent(result: object) -> Sent:
    assert isinstance(result, Sent), result
    return result


# --- text limit and unit -----------------------------------------------------------------
async def test_a_text_of_the_limit_is_one_message_and_one_unit_more_is_two(harness: Harness):
    traits = harness.traits
    first, second = harness.recipient(), harness.recipient()
    exact = text_of(traits, traits.text_limit)
    result = sent(await harness.channel.send(first, OutgoingMessage(exact), proactive=False))
    assert len(result.message_ids) == 1
    assert [r.text for r in await harness.received(first)] == [exact]

    longer = exact + "b"
    result = sent(await harness.channel.send(second, OutgoingMessage(longer), proactive=False))
    parts = [r.text for r in await harness.received(second)]
    assert len(result.message_ids) == len(parts) == 2
    assert "".join(parts) == longer
    assert all(traits.length(p) <= traits.text_limit for p in parts)


# --- buttons -----------------------------------------------------------------------------
async def test_the_most_buttons_allowed_go_with_labels_that_fit(harness: Harness):
    traits = harness.traits
    if not traits.buttons:  # the choices are numbered in the text, every label whole
        person = harness.recipient()
        choices = tuple(Button(f"Lựa chọn {i}", f"t:{i}") for i in range(1, 4))
        await harness.channel.send(
            person, OutgoingMessage("Chọn:", buttons=choices), proactive=False
        )
        (received,) = await harness.received(person)
        assert received.text == "Chọn:\n\n1. Lựa chọn 1\n2. Lựa chọn 2\n3. Lựa chọn 3"
        return
    labels = labels_of(traits.max_buttons, traits.button_label_max)
    buttons = tuple(Button(label, f"t:{i}") for i, label in enumerate(labels))
    person = harness.recipient()
    message = OutgoingMessage("Chọn một:", buttons=buttons)
    assert len(sent(await harness.channel.send(person, message, proactive=False)).message_ids) == 1
    (received,) = await harness.received(person)
    assert received.labels == labels  # every one, in one message, none shortened


# --- messaging window --------------------------------------------------------------------
async def test_a_proactive_send_goes_inside_the_window_and_not_after_it(harness: Harness):
    traits = harness.traits
    announcement = OutgoingMessage("Phát động thi đua quý IV")
    if traits.window_hours is None:
        silent = harness.recipient(hours_ago=24 * 365)
        sent(await harness.channel.send(silent, announcement, proactive=True))
        assert [r.text for r in await harness.received(silent)] == [announcement.text]
        return
    inside = harness.recipient(hours_ago=traits.window_hours - 1 / 60)
    sent(await harness.channel.send(inside, announcement, proactive=True))
    assert [r.text for r in await harness.received(inside)] == [announcement.text]

    outside = harness.recipient(hours_ago=traits.window_hours + 1 / 60)
    calls = harness.api_calls()
    result = await harness.channel.send(outside, announcement, proactive=True)
    assert isinstance(result, DeliveryFailure) and result.kind == DeliveryErrorKind.OUTSIDE_WINDOW
    assert harness.api_calls() == calls  # refused here, without asking the platform
    assert await harness.received(outside) == []
    # a reply to someone who just wrote is never held by the window
    sent(await harness.channel.send(outside, OutgoingMessage("Cảm ơn"), proactive=False))


@pytest.mark.parametrize("platform", ["zalo"])
async def test_outside_the_window_a_configured_template_goes(
    platform: str, database_url: str, engine: Engine, clock: FakeClock
):
    env = {"THIDUA_ZALO_ANNOUNCEMENT_TEMPLATE_ID": APPROVED_TEMPLATE}
    async with harness_for(platform, database_url, engine, clock, **env) as harness:
        traits = harness.traits
        assert traits.outside_window is OutsideWindow.TEMPLATE and traits.window_hours
        assert isinstance(harness, ZaloHarness)
        outside = harness.recipient(hours_ago=traits.window_hours + 1 / 60)
        message = OutgoingMessage("Phát động thi đua quý IV")
        sent(await harness.channel.send(outside, message, proactive=True))
        assert await harness.received(outside) == []  # no consultation message
        (template,) = harness.fake.templates_sent
        assert template["user_id"] == outside.user_id
        assert template["template_id"] == APPROVED_TEMPLATE


async def test_zalo_billed_days_widen_the_window_to_the_paid_one(
    database_url: str, engine: Engine, clock: FakeClock
):
    env = {"THIDUA_ZALO_BILLABLE_PROACTIVE": "true"}
    async with harness_for("zalo", database_url, engine, clock, **env) as harness:
        traits = harness.traits
        assert traits.window_hours == traits.paid_window_hours == 24 * 7
        inside = harness.recipient(hours_ago=100)  # past the free 48 h, billed
        sent(await harness.channel.send(inside, OutgoingMessage("Nhắc nhở"), proactive=True))
        outside = harness.recipient(hours_ago=traits.window_hours + 1 / 60)
        result = await harness.channel.send(outside, OutgoingMessage("Nhắc nhở"), proactive=True)
        assert isinstance(result, DeliveryFailure)
        assert result.kind == DeliveryErrorKind.OUTSIDE_WINDOW


# --- send rates --------------------------------------------------------------------------
async def test_the_fake_refuses_above_the_declared_rate_and_the_limiter_keeps_to_it(
    harness: Harness,
):
    harness.check_rates()


async def test_telegram_sends_one_more_than_the_rate_without_a_flood(
    database_url: str, engine: Engine, clock: FakeClock
):
    async with harness_for("telegram", database_url, engine, clock) as harness:
        assert isinstance(harness, TelegramHarness)
        rate = int(harness.traits.send_rate)
        people = [harness.recipient(hours_ago=1) for _ in range(rate + 1)]
        started = clock.now()
        results = await asyncio.gather(
            *(harness.channel.send(p, OutgoingMessage("Tin"), proactive=True) for p in people)
        )
        assert all(isinstance(r, Sent) for r in results)
        assert harness.fake.floods == [] and harness.fake.early == []
        assert clock.now() - started >= timedelta(seconds=1)  # the 31st waited for its second


# --- the declarations themselves -----------------------------------------------------------
def test_the_core_is_given_the_traits_of_every_channel_tested_here(runtime: Runtime):
    """The composition root's mapping (what the planner and the renderer read) holds the
    same traits as the channels it builds, and every one of them is tested above."""
    given = runtime.processor.config.traits
    assert sorted(given) == sorted(PLATFORMS)
    assert runtime.processor.config.delivery.traits == given
    assert given["webchat"] == runtime.channels["webchat"].traits
    assert given["terminal"] == TerminalChannel(io.StringIO()).traits
