"""A campaign launched to members on four messengers (Telegram, Messenger, Zalo OA, Zalo Bot),
each a fake on loopback: the planner's numbers equal what the fakes received; members who
blocked the Telegram bot (unknown to us until the send) and are linked on Zalo Bot get the
announcement there, once, and the report shows it as delivered by fallback."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core import outbox
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.campaigns.buttons import CampaignText, ConfirmSend
from core.members.models import Identity, Member
from core.messages import OutgoingMessage
from core.storage.models import OutboxMessage
from tests.e2e.broadcast_support import START, Spec, messenger_world, numbers, populate
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    ZONE,
    create_campaign,
    load_demo,
    officer,
    platform_user_id,
)
from tests.e2e.test_zalobot_typed import join, number
from tests.fakes.telegram_fixtures import TelegramChat
from tests.fakes.zalo_bot import ZaloBotUser

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(database_url: str, engine: Engine, clock: Any) -> AsyncIterator[dict[str, Any]]:
    async with messenger_world(database_url, engine, clock, zalo_bot=True) as world:
        yield world


def population(world: dict[str, Any]) -> dict[str, list[str]]:
    """Members of the zone's two companies by messenger; `both` are on Telegram (preferred)
    and on Zalo Bot, and have blocked the Telegram bot without our knowing."""
    runtime, now = world["runtime"], world["clock"].now()
    days, hours = timedelta(days=1), timedelta(hours=1)
    groups = populate(
        world,
        [
            Spec("tg", MINH_PHAT, "telegram", 2 * days, 30),
            Spec("fb", HUNG_THINH, "facebook", 3 * hours, 20),
            Spec("zl", HUNG_THINH, "zalo", 20 * hours, 20),
            Spec("zb", MINH_PHAT, "zalobot", 10 * days, 25),  # no window on the Bot Platform
            Spec("both", MINH_PHAT, "telegram", days, 5, unknown_block=True),
        ],
    )
    ids = [int(user) - 1_000_000_000 for user in groups["both"]]  # platform_user_id's rule
    groups["both_zb"] = [platform_user_id("zalobot", "both", i) for i in ids]
    with runtime.engine.begin() as conn:
        conn.execute(
            insert(Identity),
            [
                {
                    "platform": "zalobot",
                    "platform_user_id": platform_user_id("zalobot", "both", i),
                    "member_id": i,
                    "first_seen_at": now - 5 * days,
                    "last_inbound_at": now - 5 * days,
                }
                for i in ids
            ],
        )
    world["zb"].known.update(groups["both_zb"])
    return groups


async def test_four_messengers_as_planned_and_a_blocked_telegram_member_gets_it_on_zalo_bot(
    world: dict[str, Any],
):
    runtime = world["runtime"]
    data = load_demo(runtime)
    groups = population(world)
    boss = await officer(world["client"], runtime, data, ZONE)
    campaign_id = await create_campaign(boss)
    await boss.say(f"/launch {campaign_id}")
    preview = boss.texts(await boss.tap(CampaignText().pack()))
    assert "Who will receive it (117 members):" in preview  # 100 + the 17 demo workers
    planned = {
        "Telegram": numbers(preview, "Telegram"),
        "Messenger": numbers(preview, "Messenger"),
        "Zalo": numbers(preview, "Zalo"),
        "Zalo Bot": numbers(preview, "Zalo Bot"),
    }
    assert planned == {
        "Telegram": {"now": 35},  # the 5 who blocked it too: we cannot know yet
        "Messenger": {"now": 20},
        "Zalo": {"now": 20},
        "Zalo Bot": {"now": 25},
    }
    await boss.tap(ConfirmSend().pack())
    await runtime.drain()

    tg, fb, zl, zb = world["tg"], world["fb"], world["zl"], world["zb"]
    got = {
        "Telegram": [str(m.chat_id) for m in tg.sent if (m.text or "").startswith(START)],
        "Messenger": [m.recipient for m in fb.sent if m.text.startswith(START)],
        "Zalo": [d.user_id for d in zl.delivered if d.text.startswith(START)],
        "Zalo Bot": [d.chat_id for d in zb.delivered if d.text.startswith(START)],
    }
    assert sorted(got["Telegram"]) == sorted(groups["tg"])  # 30: the 5 blocked it
    assert sorted(got["Messenger"]) == sorted(groups["fb"])
    assert sorted(got["Zalo"]) == sorted(groups["zl"])
    # the planned 25, and the 5 by fallback, each once
    assert sorted(got["Zalo Bot"]) == sorted(groups["zb"] + groups["both_zb"])
    delivered = {k: len(v) for k, v in got.items()}
    assert delivered["Telegram"] + 5 == planned["Telegram"]["now"]
    assert delivered["Zalo Bot"] - 5 == planned["Zalo Bot"]["now"]
    assert delivered["Messenger"] == planned["Messenger"]["now"]
    assert delivered["Zalo"] == planned["Zalo"]["now"]

    world["clock"].advance(hours=1)
    await runtime.drain()  # nothing goes twice
    assert len([d for d in zb.delivered if d.text.startswith(START)]) == 30
    with Session(runtime.engine) as session:
        broadcast = session.exec(select(Broadcast)).one()
        report = broadcasts.report(session, broadcast=broadcast)
        blocked = session.exec(
            select(Identity).where(
                Identity.platform == "telegram", col(Identity.blocked_at).is_not(None)
            )
        ).all()
    assert sorted(i.platform_user_id for i in blocked) == sorted(groups["both"])
    assert report.totals == {"queued": 0, "sent": 100, "waiting": 0, "failed": 0, "skipped": 17}
    assert report.by_fallback == {"telegram": 5}
    assert report.by_platform["zalobot"]["sent"] == 30
    assert report.by_platform["telegram"]["sent"] == 30


async def test_a_member_chooses_the_messenger_announcements_try_first(world: dict[str, Any]):
    runtime, client = world["runtime"], world["client"]
    load_demo(runtime)
    lan = ZaloBotUser(client, runtime, world["zb"], "0a1b2c3d4e5f60718293")
    await join(lan, "Nguyễn Thị Lan")
    alone = await lan.say("/messenger")
    assert "/link" in lan.texts(alone) and "1. " not in lan.texts(alone)
    issued = lan.texts(await lan.say("/link"))
    code = re.search(r"Mã liên kết của bạn là ([A-Z0-9-]+)\.", issued)
    assert code, issued
    tg = TelegramChat(world["tg"], client, runtime, world["tg"].user(777, "Lan"))
    linked = await tg.say(f"/link {code.group(1)}")
    assert "Nguyễn Thị Lan" in tg.texts(linked)
    asked = await lan.say("/messenger")
    assert "Hiện tại: Zalo Bot." in lan.texts(asked)
    done = await lan.say(number(asked, "Telegram"))
    assert "Xong: thông báo sẽ được gửi trước hết qua Telegram." in lan.texts(done)
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
    assert member.preferred_platform == "telegram"


async def test_outside_the_window_it_goes_to_the_preferred_messenger_once(world: dict[str, Any]):
    """Two members on Messenger, silent for three days (outside its 24 hours), are told
    something personal; both are also on Telegram (written an hour ago) and on Zalo Bot
    (written five days ago), which they prefer. Lan gets it on Zalo Bot, not on Telegram
    though she wrote there last; Zalo Bot does not know Minh (404), and his message is not
    tried a third time on Telegram."""
    runtime, clock = world["runtime"], world["clock"]
    load_demo(runtime)
    now, days = clock.now(), timedelta(days=1)
    fb = populate(world, [Spec("fb", MINH_PHAT, "facebook", 3 * days, 2)])["fb"]
    ids = [int(user.split("-")[1]) for user in fb]
    lan = ids[0]  # Minh is ids[1]
    others = {("telegram", i): platform_user_id("telegram", "fbk", i) for i in ids} | {
        ("zalobot", i): platform_user_id("zalobot", "fbk", i) for i in ids
    }
    with runtime.engine.begin() as conn:
        conn.execute(
            insert(Identity),
            [
                {
                    "platform": platform,
                    "platform_user_id": user,
                    "member_id": i,
                    "first_seen_at": now - 10 * days,
                    "last_inbound_at": now
                    - (timedelta(hours=1) if platform == "telegram" else 5 * days),
                }
                for (platform, i), user in others.items()
            ],
        )
        conn.execute(
            update(Member).where(col(Member.id).in_(ids)).values(preferred_platform="zalobot")
        )
    for i in ids:
        world["tg"].user(int(others["telegram", i]))
    world["zb"].known.add(others["zalobot", lan])
    world["zb"].writes_to_strangers = False
    with Session(runtime.engine) as session, session.begin():
        for user in fb:
            identity = session.exec(select(Identity).where(Identity.platform_user_id == user)).one()
            outbox.enqueue(
                session,
                identity=identity,
                messages=[OutgoingMessage("Chúc mừng: sáng kiến của bạn đã được công nhận.")],
                dedupe_prefix=f"test-personal:{user}",
                now=now,
                proactive=True,
            )
    await runtime.drain()
    clock.advance(hours=1)
    await runtime.drain()  # nothing goes twice, nor a third time

    told = "Chúc mừng: sáng kiến của bạn đã được công nhận."
    on_zalo_bot = [d.chat_id for d in world["zb"].delivered if d.text == told]
    on_telegram = [m.chat_id for m in world["tg"].sent if m.text == told]
    on_messenger = [m.recipient for m in world["fb"].sent if m.text == told]
    assert on_zalo_bot == [others["zalobot", lan]]
    assert on_telegram == [] and on_messenger == []
    with Session(runtime.engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        by_platform = {(r.platform, r.identity_id): r for r in rows if r.body and told in r.body}
        statuses = sorted((r.platform, r.status) for r in by_platform.values())
    assert statuses == [
        ("facebook", "cancelled"),
        ("facebook", "cancelled"),
        ("zalobot", "failed"),
        ("zalobot", "sent"),
    ]
