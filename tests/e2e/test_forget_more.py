# ruff: noqa: F811
"""Issue #15, the rest of /forget: a person whose join request is still waiting can /forget
(the request goes with them, the officers' card refuses afterwards); a nominator who used
/forget is "a former member" on the officers' commendation cards. Over signed Telegram
webhooks and the web chat, rows checked, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.commendations.buttons import AdHoc, Proceed
from core.commendations.models import Commendation
from core.members.models import Identity, JoinRequest, Member
from tests.browser.support import client, settings  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, officer
from tests.e2e.test_join_requests import join, roster_only_company
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


async def test_a_person_waiting_for_approval_can_forget(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
):
    _unit_id, claim = roster_only_company(tg_runtime)
    officer = TelegramChat(fake, tg_client, tg_runtime, fake.user(900, "Hà"))
    await officer.say(f"/link {claim}")
    mai = TelegramChat(fake, tg_client, tg_runtime, fake.user(902, "Mai"))
    await join(
        mai,
        "Đỗ Thị Mai",
        key=None,
        group="Người lao động trực tiếp sản xuất, kinh doanh",
        post="Không",
    )
    card = await officer.replies()
    assert "Đỗ Thị Mai xin gia nhập" in officer.texts(card)
    asked = await mai.say("/forget")
    assert "không thể hoàn tác" in mai.texts(asked)
    done = await mai.tap("Có, xóa dữ liệu của tôi")
    assert "đã được xóa" in mai.texts(done)
    with Session(tg_runtime.engine) as session:
        request = session.exec(select(JoinRequest)).one()
        assert request.status == "withdrawn" and request.decided_by is None
        former = session.get(Member, request.member_id)
        assert former is not None and former.full_name is None and former.forgotten_at
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "902")).one()
        assert identity.member_id is None

    listed = await officer.say("/requests")
    assert "Không có yêu cầu gia nhập nào đang chờ." in officer.texts(listed)
    stale = await officer.tap("Duyệt")  # the card sent before the /forget
    assert "đã được quyết định rồi" in officer.texts(stale)
    with Session(tg_runtime.engine) as session:
        assert session.exec(select(JoinRequest)).one().status == "withdrawn"

    again = await mai.say("/start CDCSTN33")  # a stranger again, who may ask once more
    assert "Bạn có đồng ý không?" in mai.texts(again)


async def test_a_nominator_who_forgot_is_a_former_member_on_the_card(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    await member(client, runtime, name="Trần Văn Hùng")
    reviewer = await officer(client, runtime, data, MINH_PHAT, english=False)
    await lan.say("/commend")
    await lan.say("hung")
    await lan.tap("Trần Văn Hùng")
    await lan.tap(Proceed().pack())
    await lan.say("Anh Hùng phát hiện rò rỉ khí nén và sửa ngay trong ca đêm.")
    await lan.tap(AdHoc(adhoc=True).pack())
    card = reviewer.texts(await reviewer.replies())
    assert "do Nguyễn Thị Lan đề xuất cho Trần Văn Hùng" in card

    await lan.say("/forget")
    await lan.tap("privacy:forget_yes")
    waiting = reviewer.texts(await reviewer.say("/commendations"))
    assert "do Cựu đoàn viên đề xuất cho Trần Văn Hùng" in waiting, waiting
    assert "Nguyễn Thị Lan" not in waiting and "?" not in waiting
    with Session(runtime.engine) as session:
        item = session.exec(select(Commendation)).one()
        assert item.status == "nominated" and item.nominated_by == member_id_of_former(session)


def member_id_of_former(session: Session) -> int | None:
    return session.exec(select(Member.id).where(col(Member.forgotten_at).is_not(None))).one()
