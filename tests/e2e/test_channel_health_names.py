"""A messenger's channel that stopped working is named to the officers as people know it
("Zalo Bot", not the platform key): the Zalo Bot token reset, a member writes, the send is
refused, and the top unit's officer reads it in their web chat."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/e2e/test_zalobot.py)

from __future__ import annotations

import pytest

from tests.e2e.campaign_support import PROVINCE, load_demo, officer
from tests.e2e.test_zalobot import CHAT, build, fake, zalobot  # noqa: F401  (fixtures)
from tests.fakes.zalo_bot import FakeZaloBot, ZaloBotUser

pytestmark = pytest.mark.anyio


async def test_a_broken_zalo_bot_channel_is_named_zalo_bot(zalobot, fake: FakeZaloBot):  # type: ignore[no-untyped-def]
    runtime, client = zalobot
    data = load_demo(runtime)
    boss = await officer(client, runtime, data, PROVINCE, english=False)
    fake.reset_token()
    user = ZaloBotUser(client, runtime, fake, CHAT)
    await user.post(fake.update(CHAT, text="xin chào"))
    assert await user.replies() == []
    told = boss.texts(await boss.replies())
    assert "Kênh Zalo Bot của thidua đã ngừng hoạt động" in told, told
    assert "Zalobot" not in told
