"""Campaigns over Telegram with every choice typed instead of tapped: an officer creates and
launches a campaign, a worker reads it from the menu; the replies are read at the fake Bot
API, the rows in the database."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns.models import Campaign, CampaignStatus
from core.members.models import WorkerGroup
from tests.e2e.campaign_support import ZONE, load_demo
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    tg_client,
    tg_runtime,
    tg_settings,
)

pytestmark = pytest.mark.anyio


async def test_a_campaign_created_launched_and_read_by_typing_on_telegram(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    data = load_demo(tg_runtime)
    worker = TelegramChat(fake, tg_client, tg_runtime, fake.user(401, "Lan", language_code="vi"))
    await worker.say("/start CDCSTN33")
    await worker.say("dong y")  # «Tôi đồng ý»
    await worker.say("co, gui cho toi")  # typed, without diacritics
    await worker.say("1")  # «Có, hiện tên tôi», by its number
    await worker.say("Nguyễn Thị Lan")
    await worker.say("đúng")  # «Đúng», typed
    await worker.say("4")  # the production worker
    await worker.say("khong")
    welcome = await worker.say("1")  # Tiếng Việt
    assert "Chào mừng Nguyễn Thị Lan" in worker.texts(welcome)

    boss = TelegramChat(fake, tg_client, tg_runtime, fake.user(402, "Hùng", language_code="vi"))
    linked = await boss.say(f"/link {data.claim[ZONE]}")
    assert "Phong trào thi đua" in boss.labels(linked)
    await boss.say("/newcampaign")
    await boss.say("Tháng thi đua năng suất")
    await boss.say("Mỗi tổ đăng ký chỉ tiêu và báo cáo hằng tuần.")
    units = await boss.say("bo qua")
    assert boss.labels(units)[0] == "Công đoàn các Khu công nghiệp Bình Dương"
    await boss.say("1")
    groups = await boss.say("d")  # three choices: a letter out of range is asked again
    assert "Bạn vui lòng trả lời" in boss.texts(groups)
    await boss.say("a")
    await boss.say("nguoi lao dong truc tiep")
    await boss.say("xong")
    await boss.say("25/11/2026 - 31/12/2026")
    card = await boss.say("luu ban nhap")
    assert boss.labels(card)[0] == "Phát động"
    await boss.say("phat dong")
    preview = await boss.say("dung noi dung co san")
    assert "Dự kiến gửi xong" in boss.texts(preview)
    sent = await boss.say("1")
    assert "Đang gửi: thông báo số" in boss.texts(sent)

    with Session(tg_runtime.engine) as session:
        (campaign,) = session.exec(select(Campaign)).all()
        (launch,) = session.exec(select(Broadcast)).all()
    assert campaign.status == CampaignStatus.RUNNING
    assert campaign.target_groups == WorkerGroup.DIRECT_WORKER
    assert launch.kind == BroadcastKind.LAUNCH
    heard = await worker.replies()
    assert "Tháng thi đua năng suất" in worker.texts(heard)

    listing = await worker.say("phong trao thi dua")  # the main menu's «Phong trào thi đua»
    assert worker.labels(listing) == ["Tháng thi đua năng suất", "Menu chính"]
    card = await worker.say("1")
    assert "Mỗi tổ đăng ký chỉ tiêu" in worker.texts(card)
    for message in fake.sent_to(402) + fake.sent_to(401):
        assert all(len(data.encode()) <= 64 for _, data in message.buttons)
