"""The boards answered by typing: the menu entry by its number, each board by its number,
letter or label without diacritics, on the web chat, on Telegram, and on a channel without
buttons."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session

from bots.bootstrap import Runtime
from core.points import service as points
from core.points.models import PointsSource
from tests.e2e.campaign_support import load_demo, member, member_id
from tests.e2e.typed_support import tg_join
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    tg_client,
    tg_runtime,
    tg_settings,
)
from tests.webchat import without_buttons

pytestmark = pytest.mark.anyio


def give_points(runtime: Runtime, name: str, amount: int) -> None:
    with Session(runtime.engine) as session, session.begin():
        points.award(
            session,
            member_id=member_id(runtime, name),
            points=amount,
            source=PointsSource.COMMENDATION,
            source_id=f"test:{name}",
            now=runtime.clock.now(),
        )


async def test_boards_by_typing_on_the_web_chat(client: httpx.AsyncClient, runtime: Runtime):
    load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    give_points(runtime, "Nguyễn Thị Lan", 40)
    boards = await lan.say("4")  # the main menu's fourth entry
    assert "muốn xem bảng xếp hạng nào?" in lan.texts(boards)
    people = await lan.say("2")  # People: all time
    assert "1. Nguyễn Thị Lan" in lan.texts(people) and "40 điểm" in lan.texts(people)
    await lan.say("bang xep hang khac")  # «Bảng xếp hạng khác» without diacritics
    per_member = await lan.say("c")  # Unions: points per member
    assert "theo điểm bình quân mỗi đoàn viên" in lan.texts(per_member)
    assert "Công ty TNHH Cơ khí Minh Phát" in lan.texts(per_member)
    await lan.say("Bang xep hang khac")
    taking_part = await lan.say("cong doan: ty le tham gia")
    assert "1/11" in lan.texts(taking_part)
    await lan.say("bang xep hang khac")
    this_week = await lan.say("ca nhan: tuan nay")
    assert (
        "Bảng xếp hạng cá nhân – tuần này" in lan.texts(this_week)
        or "tuần này" in (lan.texts(this_week).splitlines()[0])
    )
    home = await lan.say("menu chinh")
    assert "Bạn muốn làm gì?" in lan.texts(home)


async def test_boards_by_typed_numbers_without_buttons(client: httpx.AsyncClient, runtime: Runtime):
    load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    give_points(runtime, "Nguyễn Thị Lan", 25)
    without_buttons(runtime)
    boards = await lan.say("/menu")
    assert lan.payloads(boards) == []
    listed = await lan.say("4")
    assert "2. Cá nhân: từ trước tới nay" in lan.texts(listed)
    board = await lan.say("2")
    assert "1. Nguyễn Thị Lan" in lan.texts(board) and "25 điểm" in lan.texts(board)
    assert "1. Bảng xếp hạng khác" in lan.texts(board)
    again = await lan.say("1")
    assert "4. Công đoàn: tỷ lệ tham gia" in lan.texts(again)


async def test_boards_by_typing_on_telegram(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
):
    load_demo(tg_runtime)
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(411, "Lan", language_code="vi"))
    await tg_join(chat, "Nguyễn Thị Lan")
    give_points(tg_runtime, "Nguyễn Thị Lan", 30)
    boards = await chat.say("bang xep hang")  # the menu entry's label, without diacritics
    assert "Cá nhân: tuần này" in chat.labels(boards)
    board = await chat.say("b")
    assert "1. Nguyễn Thị Lan" in chat.texts(board) and "30 điểm" in chat.texts(board)
    back = await chat.say("bang xep hang khac")
    units = await chat.say("3")
    assert "Công ty TNHH Cơ khí Minh Phát" in chat.texts(units), chat.texts(back)
