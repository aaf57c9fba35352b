"""The nomination answered by typing: a colleague picked by number or letter, «Làm tiếp» and
«Có, đột xuất» by their words without diacritics; "co" at the ad-hoc question is a yes (it
used to cancel), other text asks again with the choices; the officer approves and rejects by
typing; on the web chat, on Telegram and on a channel without buttons."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.commendations.models import Commendation, CommendedMember
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, member_id, officer
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
ADHOC = "đột xuất"


def commendations(runtime: Runtime) -> list[tuple[bool, str, list[int]]]:
    with Session(runtime.engine) as session:
        items = session.exec(select(Commendation).order_by(Commendation.id)).all()
        return [
            (
                item.adhoc,
                item.status,
                [
                    c.member_id
                    for c in session.exec(
                        select(CommendedMember).where(CommendedMember.commendation_id == item.id)
                    )
                ],
            )
            for item in items
        ]


async def test_a_nomination_by_typing_survives_co(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    await member(client, runtime, name="Trần Văn Hùng")
    await member(client, runtime, name="Lê Văn Hưng")
    reviewer = await officer(client, runtime, data, MINH_PHAT, english=False)
    await lan.say("/commend")
    found = await lan.say("tran van")
    assert [b["label"] for m in found for b in m["buttons"]] == ["Trần Văn Hùng", "Hủy"]
    picked = await lan.say("1")  # the first person offered
    assert "Trần Văn Hùng" in lan.texts(picked)
    reason = await lan.say("lam tiep")  # «Làm tiếp»
    assert "Vì sao" in lan.texts(reason)
    asked = await lan.say("Anh Hùng sửa máy nén khí ngay trong ca đêm.")
    assert ADHOC in lan.texts(asked)
    again = await lan.say("để tôi nghĩ đã")
    assert "Bạn vui lòng trả lời bằng một trong các lựa chọn" in lan.texts(again)
    assert [b["label"] for m in again for b in m["buttons"]] == ["Có, đột xuất", "Không", "Hủy"]
    done = await lan.say("co")
    assert "cán bộ công đoàn" in lan.texts(done)
    assert commendations(runtime) == [(True, "nominated", [member_id(runtime, "Trần Văn Hùng")])]

    cards = await reviewer.say("/commendations")
    assert "Trần Văn Hùng" in reviewer.texts(cards)
    await reviewer.say("duyet")  # «Duyệt» on the last card
    approved = await reviewer.say("dong y")  # «Đồng ý, duyệt và thông báo»
    assert "Đã duyệt" in reviewer.texts(approved)
    assert commendations(runtime)[0][1] == "approved"

    # a team of two, picked by letter and by the words of a name, and a plain «Không»
    await lan.say("/commend")
    await lan.say("tran van")
    first = await lan.say("a")  # the first one offered
    assert "Trần Văn Hùng" in lan.texts(first)
    await lan.say("le van")
    both = await lan.say("le van hung")  # the label of the one offered, without diacritics
    assert "Trần Văn Hùng, Lê Văn Hưng" in lan.texts(both)
    team = await lan.say("lam tiep")
    assert "Tổ cơ khí 2" in lan.texts(team)
    await lan.say("Tổ bảo trì")
    await lan.say("Cả tổ làm thêm giờ để kịp đơn hàng.")
    await lan.say("khong")
    second = commendations(runtime)[1]
    assert second[0] is False and len(second[2]) == 2

    await reviewer.say("/commendations")
    asked_why = await reviewer.say("khong duyet")  # «Không duyệt»
    assert "Vì sao" in reviewer.texts(asked_why)
    await reviewer.say("Đã khen thưởng tổ này trong tháng.")
    assert commendations(runtime)[1][1] == "rejected"


async def test_a_nomination_by_numbers_without_buttons(client: httpx.AsyncClient, runtime: Runtime):
    load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    await member(client, runtime, name="Trần Văn Hùng")
    without_buttons(runtime)
    await lan.say("/commend")
    found = await lan.say("hung")
    assert "1. Trần Văn Hùng" in lan.texts(found) and lan.payloads(found) == []
    picked = await lan.say("1")
    assert "1. Làm tiếp" in lan.texts(picked)
    await lan.say("1")
    asked = await lan.say("Luôn giúp đỡ công nhân mới.")
    assert "1. Có, đột xuất" in lan.texts(asked)
    await lan.say("1")
    assert commendations(runtime) == [(True, "nominated", [member_id(runtime, "Trần Văn Hùng")])]


async def test_a_nomination_by_typing_on_telegram(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
):
    load_demo(tg_runtime)
    await member(tg_client, tg_runtime, name="Trần Văn Hùng")  # a colleague on the web chat
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(613, "Lan", language_code="vi"))
    await tg_join(chat, "Nguyễn Thị Lan")
    await chat.say("/commend")
    found = await chat.say("hung")
    assert chat.labels(found) == ["Trần Văn Hùng", "Hủy"]
    await chat.say("a")
    await chat.say("Lam tiep")
    await chat.say("Phát hiện rò rỉ khí nén.")
    again = await chat.say("có chứ")  # two words: names no choice, so asked again
    assert chat.labels(again) == ["Có, đột xuất", "Không", "Hủy"]
    done = await chat.say("co")
    assert "cán bộ công đoàn" in chat.texts(done)
    assert commendations(tg_runtime) == [
        (True, "nominated", [member_id(tg_runtime, "Trần Văn Hùng")])
    ]
