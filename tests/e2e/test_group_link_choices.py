"""/linkgroup for an officer above the grassroots: they choose which unit of their subtree the
group is for (their own, one directly below, or one found by part of its name, without
diacritics), and an admin who writes in the group anonymously is told why the code did not
link it and how to send it so that it does. Updates in through the signed Telegram webhook,
replies at the fake Bot API, rows in the database."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.groups.buttons import LinkGroupFor
from core.groups.models import GroupChat
from core.members.models import OfficerRole
from tests.e2e import test_group_chats
from tests.e2e.broadcast_support import group_code, in_group
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, PROVINCE, ZONE, load_demo
from tests.e2e.test_group_chats import GROUP, chat, the_group

pytestmark = pytest.mark.anyio
world = test_group_chats.world  # the same app, fake Bot API and demo

ZONE_NAME = "Công đoàn các Khu công nghiệp Bình Dương"
MINH_PHAT_NAME = "Công đoàn Công ty TNHH Cơ khí Minh Phát"
HUNG_THINH_NAME = "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam"


async def test_a_zone_officer_chooses_the_unit_a_group_is_for(world: dict[str, Any]):
    runtime, tg = world["runtime"], world["tg"]
    data = load_demo(runtime)
    zone = chat(world, 5201, "Thảo")
    await zone.say(f"/link {data.claim[ZONE]}")

    asked = await zone.say("/linkgroup")
    assert zone.texts(asked) == "Đơn vị nào dùng nhóm trò chuyện này?"
    assert zone.labels(asked) == [ZONE_NAME, MINH_PHAT_NAME, HUNG_THINH_NAME]
    given = zone.texts(await zone.tap(MINH_PHAT_NAME))
    assert f"Để đăng thông báo của {MINH_PHAT_NAME} trong một nhóm trò chuyện" in given
    code = group_code(given)

    tg.group(GROUP, "Tổ cơ khí 1 - Minh Phát")
    await in_group(world, tg.bot_joined(GROUP, zone.person))
    linked = await in_group(
        world, tg.group_message_update(zone.person, GROUP, f"/linkgroup@thidua_bot {code}")
    )
    assert linked[0].startswith(f"Xong: nhóm này đã được liên kết với {MINH_PHAT_NAME}.")
    assert the_group(runtime).unit_id == MINH_PHAT

    # part of a name, typed without diacritics: the one unit found gets its code at once
    found = zone.texts(await zone.say("/linkgroup hung thinh"))
    assert f"Để đăng thông báo của {HUNG_THINH_NAME} trong một nhóm trò chuyện" in found
    second = group_code(found)
    tg.group(GROUP - 1, "Tổ may 2 - Hưng Thịnh")
    await in_group(world, tg.bot_joined(GROUP - 1, zone.person))
    linked = await in_group(
        world, tg.group_message_update(zone.person, GROUP - 1, f"/linkgroup@thidua_bot {second}")
    )
    assert linked[0].startswith(f"Xong: nhóm này đã được liên kết với {HUNG_THINH_NAME}.")
    with Session(runtime.engine) as session:
        units = {g.unit_id for g in session.exec(select(GroupChat))}
    assert units == {MINH_PHAT, HUNG_THINH}

    # a name in several units: the choices; none: how to search
    several = await zone.say("/linkgroup công ty")
    assert zone.labels(several) == [MINH_PHAT_NAME, HUNG_THINH_NAME]
    none = zone.texts(await zone.say("/linkgroup Hải Phòng"))
    assert none == (
        "Không đơn vị nào của bạn có «Hải Phòng» trong tên. Bạn hãy gửi /linkgroup kèm một "
        "phần tên đơn vị, ví dụ: /linkgroup Minh Phát"
    )

    # a forged choice of a unit above the officer's is a stale button
    province = LinkGroupFor(PROVINCE).pack()
    forged = await zone.send(tg.callback_update(zone.person, asked[-1], province))
    assert zone.texts(forged) == "Nút này không còn hiệu lực."
    # the choices offered before the officer's role ended give no code
    with Session(runtime.engine) as session, session.begin():
        session.execute(delete(OfficerRole).where(col(OfficerRole.unit_id) == ZONE))
    late = await zone.tap(MINH_PHAT_NAME)
    assert zone.texts(late) == (
        "Chỉ cán bộ của đơn vị đó mới liên kết được nhóm trò chuyện với đơn vị."
    )


async def test_a_grassroots_officer_gets_the_code_at_once(world: dict[str, Any]):
    data = load_demo(world["runtime"])
    boss = chat(world, 5101, "Hùng")
    await boss.say(f"/link {data.claim[MINH_PHAT]}")
    given = await boss.say("/linkgroup")
    assert boss.labels(given) == []
    assert f"Để đăng thông báo của {MINH_PHAT_NAME}" in boss.texts(given)
    group_code(boss.texts(given))


async def test_an_anonymous_admin_is_told_how_to_send_the_code(world: dict[str, Any]):
    runtime, tg = world["runtime"], world["tg"]
    data = load_demo(runtime)
    boss = chat(world, 5101, "Hùng")
    await boss.say(f"/link {data.claim[MINH_PHAT]}")
    tg.group(GROUP, "Tổ cơ khí 1 - Minh Phát")
    await in_group(world, tg.bot_joined(GROUP, boss.person))
    code = group_code(boss.texts(await boss.say("/linkgroup")))

    hidden = tg.group_message_update(
        boss.person, GROUP, f"/linkgroup@thidua_bot {code}", anonymous=True
    )
    told = await in_group(world, hidden)
    assert told == [
        "Bạn đang viết với tư cách nhóm (quản trị viên ẩn danh), nên tôi không biết bạn có phải "
        "là cán bộ công đoàn hay không, và nhóm chưa được liên kết. Bạn hãy tắt «Ẩn danh» "
        "(Remain anonymous) trong quyền quản trị của bạn ở nhóm này, gửi lại mã (mã vẫn dùng "
        "được), rồi bật lại nếu muốn."
    ]
    # anything else an anonymous admin writes to the bot: the pointer, as for anyone
    pointer = await in_group(
        world, tg.group_message_update(boss.person, GROUP, "/help@thidua_bot", anonymous=True)
    )
    assert pointer == [
        "Tôi chỉ trả lời trong trò chuyện riêng, để những gì bạn nói với tôi chỉ "
        "hai bên biết. Bạn mở trò chuyện riêng tại đây: https://t.me/thidua_bot"
    ]
    with Session(runtime.engine) as session:
        assert session.exec(select(GroupChat)).all() == []
    # the code was not spent: sent by name, it links the group
    linked = await in_group(
        world, tg.group_message_update(boss.person, GROUP, f"/linkgroup@thidua_bot {code}")
    )
    assert linked[0].startswith("Xong"), linked
