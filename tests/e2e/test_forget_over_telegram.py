"""Issue #15's scenario that failed, over Telegram (signed webhooks in, replies at the fake Bot
API): an initiative with a co-author, accepted with a reward; the submitter sends /forget. The
initiative, both shares, the ledger and /report_initiatives are unchanged; the co-author still
sees it in /my_initiatives; the next initiative gets a new tracking code; the officer's old
buttons change nothing; her name and Telegram id are in no text column of any table."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from bots.bootstrap import Runtime
from core.initiatives import texts
from core.privacy.forget import is_text
from core.schema import metadata
from tests.e2e.campaign_support import MINH_PHAT, load_demo
from tests.e2e.initiative_support import reward_table
from tests.e2e.test_forget_keeps_records import records
from tests.e2e.test_quiz_after_forget import join
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
LAN_ID = 7_401_598_431


async def submit(chat: TelegramChat, title: str, *, coauthor: str | None = None) -> str:
    t = chat.runtime.catalogs.translator("vi", chat.runtime.settings.timezone)
    await chat.say("/menu")
    await chat.tap("Gửi sáng kiến")
    await chat.say(title)
    await chat.say("Thay dao mất 20 phút mỗi lần")
    await chat.say("Dùng gá kẹp cam thay bu lông")
    await chat.tap(t.gettext("Money saved or earned (VND a year)"))
    await chat.say("24 triệu")
    await chat.tap(t.gettext("Skip"))
    if coauthor is not None:
        await chat.tap(t.gettext("Add a co-author"))
        await chat.say(coauthor)
        await chat.tap(coauthor)
    await chat.tap(t.gettext("No more co-authors"))
    await chat.tap(texts.category(t, "technical"))
    sent = await chat.tap(t.gettext("Send"))
    found = re.search(r"SK-2026-\d{6}", chat.texts(sent))
    assert found, chat.texts(sent)
    return found.group(0)


def found_anywhere(runtime: Runtime, needles: tuple[str, ...]) -> set[tuple[str, str, str]]:
    hits = set()
    with Session(runtime.engine) as session:
        for table in metadata.sorted_tables:
            for column in (c for c in table.columns if is_text(c.type)):
                for needle in needles:
                    if session.execute(
                        select(func.count()).select_from(table).where(column.contains(needle))
                    ).scalar_one():
                        hits.add((table.name, column.name, needle))
    return hits


async def test_the_scenario_that_failed_over_telegram(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    data = load_demo(tg_runtime)
    reward_table(tg_runtime, MINH_PHAT)
    lan = TelegramChat(fake, tg_client, tg_runtime, fake.user(LAN_ID, "Lan"))
    hung = TelegramChat(fake, tg_client, tg_runtime, fake.user(7_402_598_432, "Hùng"))
    officer = TelegramChat(fake, tg_client, tg_runtime, fake.user(7_403_598_433, "Minh"))
    await join(lan, "Nguyễn Thị Lan")
    await join(hung, "Trần Văn Hùng")
    await officer.say(f"/link {data.claim[MINH_PHAT]}")

    tracking = await submit(lan, "Gá kẹp nhanh cho máy phay", coauthor="Trần Văn Hùng")
    card = await officer.replies()
    assert tracking in officer.texts(card)
    await officer.tap("Công nhận")
    accepted = await officer.tap("Đồng ý, công nhận và trả thưởng")
    assert "2.000.000" in officer.texts(accepted)
    before = records(tg_runtime, tracking)
    assert before[3] == [(0, 1_000_000, 16), (1, 1_000_000, 15)]
    report = officer.texts(await officer.say("/report_initiatives"))
    assert found_anywhere(tg_runtime, ("Nguyễn Thị Lan", str(LAN_ID)))

    asked = lan.texts(await lan.say("/forget"))
    assert "Công đoàn vẫn giữ hồ sơ" in asked and "cựu đoàn viên" in asked
    assert "đã được xóa" in lan.texts(await lan.tap("Có, xóa dữ liệu của tôi"))

    assert records(tg_runtime, tracking) == before
    assert officer.texts(await officer.say("/report_initiatives")) == report
    assert tracking in hung.texts(await hung.say("/my_initiatives"))
    second = await submit(hung, "Khay chứa phoi cho máy tiện")
    assert second != tracking and second in officer.texts(await officer.replies())
    # the old card's «Công nhận», tapped again: already decided, nothing paid twice
    old = next(m for m in card if "Công nhận" in m.labels)
    accept = dict(old.buttons)["Công nhận"]
    assert "chỉ tính một lần" in officer.texts(
        await officer.send(fake.callback_update(officer.person, old, accept))
    )
    assert records(tg_runtime, tracking) == before

    # her name nowhere; her Telegram id only where anyone who writes to the bot is kept (the
    # unlinked chat the confirmation went to, and the received updates' ids until the purge)
    left = found_anywhere(tg_runtime, ("Nguyễn Thị Lan", str(LAN_ID)))
    assert {(t, c) for t, c, _n in left} <= {
        ("identity", "platform_user_id"),
        ("inbound_update", "sender_id"),
    }, left
