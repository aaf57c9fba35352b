"""Group chats on Telegram, end to end: the bot added to a group, an officer links it with a
one-time code from a private chat, the unit's launch and announcements are posted in it
(20 a minute at most), members who write in it are neither answered nor stored unless they
address the bot (then with a pointer to a private chat), and the faults: a non-officer or an
officer of another unit trying to link it, a used code, the group upgraded to a supergroup,
the bot removed from it. Updates go in through the signed webhook, replies are read at the
fake Bot API, rows in the database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.platforms import Telegram
from bots.settings import load_settings
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns.buttons import CampaignText, ConfirmSend
from core.groups.models import GroupChat, Unlinked
from core.members.models import Identity, Member, UnionUnit
from core.messages import Button
from core.storage.models import InboundUpdate
from tests.browser.support import SECRET, csrf_of, signed_in_officer
from tests.e2e.broadcast_support import START, group_code, in_group
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    ZONE,
    create_campaign,
    load_demo,
    officer,
)
from tests.fakes.telegram_api import FakeTelegram, FakeTimer, running
from tests.fakes.telegram_fixtures import TelegramChat, telegram_env

pytestmark = pytest.mark.anyio

ADMIN = "admin-token-for-the-group-tests-0123456789"
GROUP = -4_001_234
SUPERGROUP = -1_001_004_001_234


@pytest.fixture
async def world(database_url: str, engine: Engine, clock: Any) -> AsyncIterator[dict[str, Any]]:
    tg = FakeTelegram(clock=clock)
    with running(tg) as url:
        env = {
            **telegram_env(database_url, url),
            "THIDUA_ADMIN_TOKEN": ADMIN,
            "THIDUA_WEB_UI": "true",
            "THIDUA_WEB_SECRET": SECRET,
        }
        runtime = build_runtime(
            load_settings(environ=env),
            engine=engine,
            clock=clock,
            messengers=(Telegram(timer=FakeTimer(clock)),),
        )
        app = create_app(runtime.settings, runtime=runtime, background=False)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            yield {"runtime": runtime, "client": client, "tg": tg, "clock": clock}
        await runtime.aclose()


def chat(world: dict[str, Any], user_id: int, name: str) -> TelegramChat:
    tg: FakeTelegram = world["tg"]
    return TelegramChat(tg, world["client"], world["runtime"], tg.user(user_id, name))


def inbound_rows(runtime: Runtime) -> int:
    with Session(runtime.engine) as session:
        return session.exec(select(func.count()).select_from(InboundUpdate)).one()


def the_group(runtime: Runtime) -> GroupChat:
    with Session(runtime.engine) as session:
        return session.exec(select(GroupChat)).one()


async def test_an_officer_links_a_group_and_the_launch_is_posted_there(world: dict[str, Any]):
    runtime, tg = world["runtime"], world["tg"]
    data = load_demo(runtime)
    boss = chat(world, 5101, "Hùng")
    await boss.say(f"/link {data.claim[MINH_PHAT]}")
    other = chat(world, 5102, "Mai")
    await other.say(f"/link {data.claim[HUNG_THINH]}")
    stranger = tg.user(5199, "Tuấn")
    tg.group(GROUP, "Tổ cơ khí 1 - Minh Phát")

    # the bot added: it says how to link the group
    welcome = await in_group(world, tg.bot_joined(GROUP, boss.person))
    assert len(welcome) == 1 and "/linkgroup" in welcome[0] and "@thidua_bot" in welcome[0]

    # members talking among themselves: not stored, not answered
    rows = inbound_rows(runtime)
    assert await in_group(world, tg.group_message_update(stranger, GROUP, "Chào cả nhà")) == []
    assert await in_group(world, tg.group_message_update(stranger, GROUP, "/help")) == []
    assert await in_group(world, tg.group_message_update(stranger, GROUP, "/help@other_bot")) == []
    assert inbound_rows(runtime) == rows

    # the officer's code, from a private chat (their help names the command)
    assert "/linkgroup – đăng thông báo" in boss.texts(await boss.say("/help"))
    given = boss.texts(await boss.say("/linkgroup"))
    code = group_code(given)
    assert "https://t.me/thidua_bot?startgroup=" in given and "30 phút" in given

    # a non-officer, then an officer of another unit, cannot use it; it stays usable
    refused = await in_group(
        world, tg.group_message_update(stranger, GROUP, f"/linkgroup@thidua_bot {code}")
    )
    assert refused == [
        "Chỉ cán bộ công đoàn mới liên kết được nhóm này. Để trò chuyện với tôi, bạn hãy mở "
        "trò chuyện riêng: https://t.me/thidua_bot"
    ]
    refused = await in_group(
        world, tg.group_message_update(other.person, GROUP, f"/linkgroup@thidua_bot {code}")
    )
    assert len(refused) == 1 and "không phải là cán bộ" in refused[0]
    with Session(runtime.engine) as session:
        assert session.exec(select(GroupChat)).all() == []
        stored = {i.platform_user_id for i in session.exec(select(Identity))}
    assert "5199" not in stored  # nobody who wrote in the group is kept

    # the officer links it
    linked = await in_group(
        world, tg.group_message_update(boss.person, GROUP, f"/linkgroup@thidua_bot {code}")
    )
    assert len(linked) == 1 and linked[0].startswith("Xong: nhóm này đã được liên kết với")
    group = the_group(runtime)
    assert group.unit_id == MINH_PHAT and group.title == "Tổ cơ khí 1 - Minh Phát"
    again = await in_group(
        world, tg.group_message_update(boss.person, GROUP, f"/linkgroup@thidua_bot {code}")
    )
    assert again == ["Mã này đã được sử dụng. Vui lòng xin mã mới."]

    # a command to the bot, a mention, a reply: a pointer to a private chat that joins the unit
    pointer = await in_group(world, tg.group_message_update(stranger, GROUP, "/help@thidua_bot"))
    assert pointer == [
        "Tôi chỉ trả lời trong trò chuyện riêng, để những gì bạn nói với tôi chỉ hai bên biết. "
        f"Bạn mở trò chuyện riêng tại đây: https://t.me/thidua_bot?start={group.invite_code}"
    ]
    mention = await in_group(
        world, tg.group_message_update(stranger, GROUP, "@thidua_bot cho mình hỏi")
    )
    assert mention == pointer
    ours = tg.sent_to(GROUP)[-1]
    reply = await in_group(world, tg.group_message_update(stranger, GROUP, "cảm ơn", reply_to=ours))
    assert reply == pointer
    edited = tg.group_message_update(stranger, GROUP, "/help@thidua_bot", edited=True)
    assert await in_group(world, edited) == []
    with Session(runtime.engine) as session:
        stored = {i.platform_user_id for i in session.exec(select(Identity))}
        kept = session.exec(select(InboundUpdate).where(col(InboundUpdate.body).is_not(None))).all()
    assert "5199" not in stored and kept == []

    # the zone launches a campaign for its whole subtree: the group is a line of the plan
    zone = await officer(world["client"], runtime, data, ZONE)
    campaign_id = await create_campaign(zone, groups=())
    await zone.say(f"/launch {campaign_id}")
    preview = zone.texts(await zone.tap(CampaignText().pack()))
    assert "• Group chats on Telegram: 1 (posted there too)" in preview
    await zone.tap(ConfirmSend().pack())
    await runtime.drain()
    posted = [m for m in tg.sent_to(GROUP) if (m.text or "").startswith(START)]
    assert len(posted) == 1
    with Session(runtime.engine) as session:
        launch = session.exec(select(Broadcast).where(Broadcast.kind == BroadcastKind.LAUNCH)).one()
        report = broadcasts.report(session, broadcast=launch)
    assert report.groups == {
        "telegram": {"queued": 0, "sent": 1, "waiting": 0, "failed": 0, "skipped": 0}
    }
    assert report.audience == sum(report.totals.values())  # the group is not a member
    text = zone.texts(await zone.say("/report"))
    assert "• Group chats on Telegram: sent 1, queued 0, waiting 0, failed 0, skipped 0" in text


async def linked_group(world: dict[str, Any]) -> TelegramChat:
    data = world["data"] = load_demo(world["runtime"])
    boss = chat(world, 5101, "Hùng")
    await boss.say(f"/link {data.claim[MINH_PHAT]}")
    world["tg"].group(GROUP, "Tổ cơ khí 1 - Minh Phát")
    await in_group(world, world["tg"].bot_joined(GROUP, boss.person))
    code = group_code(boss.texts(await boss.say("/linkgroup")))
    # as Telegram sends it after the add-to-group link: /start@bot CODE
    linked = await in_group(
        world, world["tg"].group_message_update(boss.person, GROUP, f"/start@thidua_bot {code}")
    )
    assert linked[0].startswith("Xong"), linked
    return boss


async def announce(world: dict[str, Any], text: str, key: str) -> httpx.Response:
    response = await world["client"].post(
        "/api/v1/broadcasts",
        json={"unit_id": MINH_PHAT, "text": text},
        headers={"Authorization": f"Bearer {ADMIN}", "Idempotency-Key": key},
    )
    assert response.status_code == 200, response.text
    return response


async def test_posts_in_a_group_keep_to_twenty_a_minute(world: dict[str, Any]):
    await linked_group(world)
    tg = world["tg"]
    for i in range(22):
        await announce(world, f"Thông báo số {i + 1} của công đoàn", f"k{i}")
    await world["runtime"].drain()
    posts = [m for m in tg.sent_to(GROUP) if (m.text or "").startswith("Thông báo số")]
    assert [m.text for m in posts] == [f"Thông báo số {i + 1} của công đoàn" for i in range(22)]
    assert posts[20].at - posts[0].at >= timedelta(seconds=60)
    assert not tg.floods and not tg.early


async def test_a_group_upgraded_to_a_supergroup_keeps_its_link(world: dict[str, Any]):
    boss = await linked_group(world)
    tg = world["tg"]
    for update in tg.upgrade(GROUP, SUPERGROUP, boss.person):
        assert await in_group(world, update) == []
    with Session(world["runtime"].engine) as session:
        group = session.exec(select(GroupChat)).one()
        identity = session.get(Identity, group.identity_id)
    assert identity is not None and identity.platform_user_id == str(SUPERGROUP)
    await announce(world, "Sơ kết quý IV", "q4")
    await world["runtime"].drain()
    assert [m.text for m in tg.sent_to(SUPERGROUP)] == ["Sơ kết quý IV"]


async def test_a_send_told_of_the_upgrade_first_follows_it(world: dict[str, Any]):
    await linked_group(world)
    tg = world["tg"]
    tg.migrate(GROUP, SUPERGROUP)  # the service messages have not arrived yet
    await announce(world, "Tổng kết năm", "y")
    await world["runtime"].drain()
    assert [m.text for m in tg.sent_to(SUPERGROUP)] == ["Tổng kết năm"]


async def test_the_bot_removed_unlinks_the_group(world: dict[str, Any]):
    boss = await linked_group(world)
    tg = world["tg"]
    assert await in_group(world, tg.bot_removed(GROUP, boss.person)) == []
    told = boss.texts(await boss.replies())
    assert told == (
        "Bot đã bị mời ra khỏi nhóm “Tổ cơ khí 1 - Minh Phát”: thông báo của Công đoàn Công ty "
        "TNHH Cơ khí Minh Phát không còn được đăng vào nhóm đó. Muốn đăng lại, bạn hãy thêm bot "
        "vào nhóm rồi gửi /linkgroup."
    )
    assert await in_group(world, tg.bot_removed(GROUP, boss.person, status="left")) == []
    assert boss.texts(await boss.replies()) == ""  # told once
    group = the_group(world["runtime"])
    assert group.unlinked_at is not None and group.unlink_reason == Unlinked.REMOVED
    listed = await world["client"].get(
        "/api/v1/groups", headers={"Authorization": f"Bearer {ADMIN}"}
    )
    assert listed.json()[0]["can_post"] is False
    assert listed.json()[0]["unlink_reason"] == "removed"
    await announce(world, "Không ai nhận trong nhóm", "gone")
    await world["runtime"].drain()
    assert not [m for m in tg.sent_to(GROUP) if m.text == "Không ai nhận trong nhóm"]
    # added back, it must be linked again
    welcome = await in_group(world, tg.bot_joined(GROUP, boss.person))
    assert "/linkgroup" in welcome[0]
    assert the_group(world["runtime"]).unlinked_at is not None


async def test_an_officer_unlinks_a_group_through_the_api(world: dict[str, Any]):
    await linked_group(world)
    group = the_group(world["runtime"])
    auth = {"Authorization": f"Bearer {ADMIN}"}
    done = await world["client"].post(f"/api/v1/groups/{group.id}/unlink", headers=auth)
    assert done.status_code == 200 and done.json()["unlink_reason"] == "officer"
    await announce(world, "Sau khi gỡ liên kết", "after")
    await world["runtime"].drain()
    assert not [m for m in world["tg"].sent_to(GROUP) if m.text == "Sau khi gỡ liên kết"]
    missing = await world["client"].post("/api/v1/groups/999/unlink", headers=auth)
    assert missing.status_code == 404


async def test_an_expired_code_links_nothing(world: dict[str, Any]):
    data = load_demo(world["runtime"])
    boss = chat(world, 5101, "Hùng")
    await boss.say(f"/link {data.claim[MINH_PHAT]}")
    world["tg"].group(GROUP, "Tổ cơ khí 1 - Minh Phát")
    code = group_code(boss.texts(await boss.say("/linkgroup")))
    world["clock"].advance(minutes=31)
    late = await in_group(
        world, world["tg"].group_message_update(boss.person, GROUP, f"/linkgroup@thidua_bot {code}")
    )
    assert late == ["Mã này đã hết hạn. Vui lòng xin mã mới."]
    with Session(world["runtime"].engine) as session:
        assert session.exec(select(GroupChat)).all() == []


async def test_the_desk_lists_links_and_unlinks_the_groups_of_the_units(world: dict[str, Any]):
    boss = await linked_group(world)
    runtime, tg = world["runtime"], world["tg"]
    web, _zone = await signed_in_officer(world["client"], runtime, world["data"], ZONE)
    page = await web.get("/web/groups")
    assert page.status_code == 200
    assert "Tổ cơ khí 1 - Minh Phát" in page.text and "đã liên kết" in page.text

    made = await web.post(
        "/web/groups/code", data={"unit_id": str(MINH_PHAT), "csrf": csrf_of(page.text)}
    )
    assert made.status_code == 200
    code = re.search(r"/linkgroup@thidua_bot ([A-Z0-9]{5}-[A-Z0-9]{5})", made.text)
    assert code is not None and "startgroup=" in made.text
    outside = await web.post("/web/groups/code", data={"unit_id": "1", "csrf": csrf_of(page.text)})
    assert outside.status_code == 404  # the province is above the zone officer: not theirs

    made = await world["client"].post(
        "/api/v1/campaigns",
        json={
            "unit_id": ZONE,
            "title": "Tháng an toàn lao động",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
        },
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    assert made.status_code == 201, made.text
    campaign = await web.get(f"/web/campaigns/{made.json()['id']}")
    plan_row = re.search(r'<tr id="plan-groups-telegram">(.*?)</tr>', campaign.text)
    assert plan_row and "Nhóm trò chuyện trên Telegram" in plan_row.group(1)
    assert '<td class="num">1</td>' in plan_row.group(1)
    assert "plan-zalo-choice" not in campaign.text  # nobody on Zalo: no word on OA or Bot
    preview = await web.get(
        f"/web/campaigns/{made.json()['id']}/preview", params={"text": "Xin chào"}
    )
    assert 'aria-label="Zalo Bot"' in preview.text  # every messenger's split, Zalo Bot's too

    sent = await announce(world, "Khen thưởng đột xuất tổ cơ khí", "commend")
    await runtime.drain()
    report = await web.get(f"/web/broadcasts/{sent.json()['id']}")
    assert 'id="groups-telegram"' in report.text and "Nhóm trò chuyện trên Telegram" in report.text

    await in_group(world, tg.bot_removed(GROUP, boss.person))
    page = await web.get("/web/groups")
    assert "bot đã bị mời ra khỏi nhóm ngày" in page.text

    # linked again with the desk's code, then unlinked on the desk
    await in_group(world, tg.bot_joined(GROUP, boss.person))
    relinked = await in_group(
        world, tg.group_message_update(boss.person, GROUP, f"/linkgroup@thidua_bot {code.group(1)}")
    )
    assert relinked[0].startswith("Xong")
    page = await web.get("/web/groups")
    group = the_group(runtime)
    gone = await web.post(f"/web/groups/{group.id}/unlink", data={"csrf": csrf_of(page.text)})
    assert gone.status_code == 303
    page = await web.get(gone.headers["location"])
    assert "Đã gỡ liên kết nhóm" in page.text and "đã gỡ liên kết ngày" in page.text
    assert the_group(runtime).unlink_reason == Unlinked.OFFICER


async def test_a_group_gets_an_announcement_without_its_buttons(world: dict[str, Any]):
    await linked_group(world)
    runtime = world["runtime"]
    with Session(runtime.engine) as session, session.begin():
        unit = session.get(UnionUnit, MINH_PHAT)
        assert unit is not None
        broadcasts.create(
            session,
            key="quiz-announcement:test",
            kind=BroadcastKind.MESSAGE,
            audience=broadcasts.Audience(unit, include_subtree=True),
            text="Cuộc thi «Hiểu luật, giữ quyền» đã mở",
            now=world["clock"].now(),
            policy=runtime.processor.config.delivery,
            buttons=(Button("Vào thi", "quiz_start:1"),),
        )
    await runtime.drain()
    (posted,) = [m for m in world["tg"].sent_to(GROUP) if (m.text or "").startswith("Cuộc thi")]
    assert posted.buttons == []  # a tap in a group would answer nobody


async def test_an_officer_of_another_unit_cannot_move_a_linked_group(world: dict[str, Any]):
    await linked_group(world)
    other = chat(world, 5102, "Mai")
    await other.say(f"/link {world['data'].claim[HUNG_THINH]}")
    code = group_code(other.texts(await other.say("/linkgroup")))
    refused = await in_group(
        world,
        world["tg"].group_message_update(other.person, GROUP, f"/linkgroup@thidua_bot {code}"),
    )
    assert refused == [
        "Nhóm này đang liên kết với Công đoàn Công ty TNHH Cơ khí Minh Phát, mà bạn không phải "
        "là cán bộ của đơn vị đó. Cán bộ của đơn vị đó cần hủy liên kết nhóm trên trang cán bộ "
        "(mục Nhóm trò chuyện) trước khi nhóm được liên kết với đơn vị khác."
    ]
    assert the_group(world["runtime"]).unit_id == MINH_PHAT
    # the code was not spent: it links another group of Hưng Thịnh
    world["tg"].group(GROUP - 1, "Tổ may 2 - Hưng Thịnh")
    linked = await in_group(
        world,
        world["tg"].group_message_update(other.person, GROUP - 1, f"/linkgroup@thidua_bot {code}"),
    )
    assert linked[0].startswith("Xong"), linked


async def test_a_review_and_a_commendation_of_the_unit_are_posted_in_its_group(
    world: dict[str, Any],
):
    await linked_group(world)
    client, runtime, tg = world["client"], world["runtime"], world["tg"]
    auth = {"Authorization": f"Bearer {ADMIN}"}
    made = await client.post(
        "/api/v1/campaigns",
        json={
            "unit_id": MINH_PHAT,
            "title": "Tháng năng suất",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
        },
        headers=auth,
    )
    assert made.status_code == 201, made.text
    campaign_id = made.json()["id"]
    launched = await client.post(f"/api/v1/campaigns/{campaign_id}/launch", json={}, headers=auth)
    assert launched.status_code == 200, launched.text
    review = await client.post(
        f"/api/v1/campaigns/{campaign_id}/reviews", json={"announce": True}, headers=auth
    )
    assert review.status_code == 201, review.text
    with Session(runtime.engine) as session:
        worker = session.exec(
            select(Member).where(Member.unit_id == MINH_PHAT).order_by(col(Member.id))
        ).first()
    assert worker is not None
    nominated = await client.post(
        "/api/v1/commendations",
        json={
            "unit_id": MINH_PHAT,
            "member_ids": [worker.id],
            "reason": "Cứu máy ép khỏi sự cố",
            "adhoc": True,
        },
        headers=auth,
    )
    assert nominated.status_code == 201, nominated.text
    approved = await client.post(
        f"/api/v1/commendations/{nominated.json()['id']}/approve", json={}, headers=auth
    )
    assert approved.status_code == 200, approved.text
    await runtime.drain()

    with Session(runtime.engine) as session:
        sent = {
            b.key.split(":")[0]: b
            for b in session.exec(select(Broadcast))
            if b.key and b.key.split(":")[0] in {"review", "commendation"}
        }
        assert set(sent) == {"review", "commendation"}
        texts = {kind: b.text for kind, b in sent.items()}
        groups = {kind: broadcasts.report(session, broadcast=b).groups for kind, b in sent.items()}
    posted = [m.text for m in tg.sent_to(GROUP)]
    assert texts["review"] in posted and texts["commendation"] in posted
    assert "Cứu máy ép khỏi sự cố" in texts["commendation"]
    one = {"telegram": {"queued": 0, "sent": 1, "waiting": 0, "failed": 0, "skipped": 0}}
    assert groups == {"review": one, "commendation": one}
