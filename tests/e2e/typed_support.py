"""Joining by Telegram for the tests of typed answers (the web chat's `member` is in
campaign_support)."""

from __future__ import annotations

from tests.fakes.telegram_fixtures import TelegramChat


async def tg_join(chat: TelegramChat, name: str, code: str = "CDCSTN33") -> None:
    await chat.say(f"/start {code}")
    await chat.tap("Tôi đồng ý")
    await chat.tap("Có, gửi cho tôi")
    await chat.tap("Có, hiện tên tôi")
    await chat.say(name)
    await chat.tap("Đúng")  # the name shown back is right
    await chat.tap("Người lao động trực tiếp sản xuất, kinh doanh")
    await chat.tap("Không")
    done = await chat.tap("Tiếng Việt")
    assert "Chào mừng" in chat.texts(done)
