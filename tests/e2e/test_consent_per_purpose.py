"""Issue #15: a consent per purpose (Law 91/2025/QH15), over Telegram (signed webhooks in,
replies at the fake Bot API). Joining asks each purpose on its own; /consents changes one
purpose at a time, each change a dated row with the wording's version; the people's board
shows a name beyond the person's union only with their consent, initials otherwise."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.members.consents import WORDING
from core.members.models import Consent, ConsentPurpose, Member
from tests.e2e.test_quiz_after_forget import RIGHT, make_quiz, take
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


async def join(chat: TelegramChat, name: str, code: str, *, announcements: str, public: str):
    await chat.say(f"/start {code}")
    await chat.tap("Tôi đồng ý")
    await chat.tap(announcements)
    await chat.tap(public)
    await chat.say(name)
    await chat.tap("Đúng")  # the name shown back is right
    await chat.tap("Người lao động trực tiếp sản xuất, kinh doanh")
    await chat.tap("Không")
    await chat.tap("Tiếng Việt")


def consents(runtime: Runtime, name: str) -> list[tuple[str, str | None, bool]]:
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == name)).one()
        rows = session.exec(
            select(Consent).where(Consent.member_id == member.id).order_by(col(Consent.id))
        ).all()
        return [(r.purpose, r.wording, r.withdrawn_at is not None) for r in rows]


async def board(chat: TelegramChat) -> str:
    await chat.say("/menu")
    await chat.tap("Bảng xếp hạng")
    return chat.texts(await chat.tap("Cá nhân: từ trước tới nay"))


async def test_each_purpose_on_its_own_and_names_follow_consent(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    quiz = make_quiz(tg_runtime, attempts=1)
    lan = TelegramChat(fake, tg_client, tg_runtime, fake.user(7_401, "Lan"))
    hoa = TelegramChat(fake, tg_client, tg_runtime, fake.user(7_402, "Hoa"))
    await join(
        lan,
        "Nguyễn Thị Lan",
        "CDCSTN33",
        announcements="Có, gửi cho tôi",
        public="Không, chỉ chữ cái đầu",
    )
    await join(
        hoa,
        "Lê Thị Hoa",
        "CDCSFD44",
        announcements="Không nhận thông báo",
        public="Có, hiện tên tôi",
    )
    version = WORDING[ConsentPurpose.DATA_PROCESSING]
    assert consents(tg_runtime, "Nguyễn Thị Lan") == [
        ("data_processing", version, False),
        ("announcements", version, False),
    ]
    assert consents(tg_runtime, "Lê Thị Hoa") == [
        ("data_processing", version, False),
        ("public_name", version, False),
    ]
    await take(lan, quiz, RIGHT)
    await take(hoa, quiz, RIGHT)

    # another union's member sees Lan's initials; Lan sees Hoa, who agreed, by name
    seen_by_hoa = await board(hoa)
    assert "N. T. L. (Công đoàn Công ty TNHH Cơ khí Minh Phát)" in seen_by_hoa, seen_by_hoa
    assert "Nguyễn Thị Lan" not in seen_by_hoa
    assert "Lê Thị Hoa" in seen_by_hoa  # her own name
    assert "Lê Thị Hoa" in await board(lan)

    # /consents: one purpose per button, each change a dated row
    listed = lan.texts(await lan.say("/consents"))
    assert "nhận thông báo của công đoàn: đã đồng ý" in listed, listed
    await lan.tap("Đồng ý: hiện tên bạn ngoài công đoàn của bạn")
    changed = await lan.tap("Rút lại: nhận thông báo của công đoàn")
    assert "Đã lưu." in lan.texts(changed)
    assert consents(tg_runtime, "Nguyễn Thị Lan") == [
        ("data_processing", version, False),
        ("announcements", version, True),
        ("public_name", version, False),
    ]
    assert "Nguyễn Thị Lan" in await board(hoa)
    mine = lan.texts(await lan.say("/mydata"))
    assert f"(theo nội dung phiên bản {version})" in mine
    assert "rút lại ngày" in mine

    # /hidename is the same choice: a dated withdrawal, initials again
    await lan.say("/hidename")
    assert consents(tg_runtime, "Nguyễn Thị Lan")[-1] == ("public_name", version, True)
    assert "N. T. L." in await board(hoa)
