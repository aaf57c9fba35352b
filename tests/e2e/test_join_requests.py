"""A union that takes only the members on its roster, on Telegram through signed webhooks: a
worker on the roster joins verified; one who is not waits, and the officer approves by typing;
another is corrected then approved; a third is refused and erased; a stale decision is
refused. On SQLite and PostgreSQL."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import demo
from core.members.models import (
    Identity,
    InviteCode,
    JoinMode,
    JoinRequest,
    Member,
    OfficerRole,
    UnionUnit,
    WorkerGroup,
)
from core.organisation import roster_import, units
from core.organisation.models import UnitChange
from core.organisation.roster_file import read_roster
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
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def roster_only_company(runtime: Runtime) -> tuple[int, str]:
    """The demo loaded; Minh Phát takes only its roster (one person on it); the claim code of
    its officer."""
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
        invite = session.exec(select(InviteCode).where(InviteCode.code == "CDCSTN33")).one()
        unit = session.get(UnionUnit, invite.unit_id)
        assert unit is not None
        units.set_join_mode(session, unit=unit, mode=JoinMode.ROSTER_ONLY, by=None, now=NOW)
        text = "Họ và tên;Đơn vị;Đối tượng;Chức vụ lãnh đạo;Số điện thoại\n"
        text += f"Phạm Văn Tài;{unit.name};Công nhân;Không;0912 345 678\n"
        file = read_roster(text.encode(), "ds.csv", today=date(2026, 12, 3))
        roster_import.apply(session, root=unit, file=file, now=NOW)
        codes = {
            name: code
            for name, _officer, code in demo.officer_claim_codes(session, now=runtime.clock.now())
        }
        return unit.id, codes[unit.name]  # type: ignore[return-value]


async def join(chat: TelegramChat, name: str, *, key: str | None, group: str, post: str):
    await chat.say("/start CDCSTN33")
    await chat.tap("Tôi đồng ý")
    await chat.tap("Có, gửi cho tôi")
    await chat.tap("Có, hiện tên tôi")
    await chat.say(name)
    asked = await chat.tap("Đúng")  # the name shown back is right
    assert "danh sách đoàn viên" in chat.texts(asked)
    if key is not None:
        found = await chat.say(key)
        assert "có tên trong danh sách" in chat.texts(found)
    else:
        await chat.say("bo qua")  # «Bỏ qua», typed
        await chat.tap(group)
        await chat.tap(post)
    return await chat.tap("Tiếng Việt")


def person(runtime: Runtime, name: str) -> Member:
    with Session(runtime.engine) as session:
        return session.exec(select(Member).where(Member.full_name == name)).one()


def requests(runtime: Runtime) -> list[tuple[str, int | None]]:
    with Session(runtime.engine) as session:
        rows = session.exec(select(JoinRequest).order_by(col(JoinRequest.id))).all()
        return [(r.status, r.decided_by) for r in rows]


async def test_roster_only_union_verified_approved_corrected_and_refused(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
):
    unit_id, claim = roster_only_company(tg_runtime)
    officer = TelegramChat(fake, tg_client, tg_runtime, fake.user(900, "Hà"))
    await officer.say(f"/link {claim}")
    with Session(tg_runtime.engine) as session:
        officer_id = session.exec(
            select(OfficerRole.member_id).where(OfficerRole.unit_id == unit_id)
        ).first()

    # on the roster: verified at once, no request
    tai = TelegramChat(fake, tg_client, tg_runtime, fake.user(901, "Tài"))
    done = await join(tai, "Phạm Văn Tài", key="0912345678", group="", post="")
    assert "Chào mừng" in tai.texts(done)
    assert person(tg_runtime, "Phạm Văn Tài").verified_at is not None
    assert requests(tg_runtime) == []

    # not on the roster: waits; the officer gets the card and approves by typing
    mai = TelegramChat(fake, tg_client, tg_runtime, fake.user(902, "Mai"))
    sent = await join(
        mai,
        "Đỗ Thị Mai",
        key=None,
        group="Người lao động trực tiếp sản xuất, kinh doanh",
        post="Không",
    )
    assert "đã được gửi tới cán bộ công đoàn" in mai.texts(sent)
    assert person(tg_runtime, "Đỗ Thị Mai").onboarded_at is None
    card = await officer.replies()
    assert "Đỗ Thị Mai xin gia nhập" in officer.texts(card)
    assert officer.labels(card) == ["Duyệt", "Sửa rồi duyệt", "Từ chối"]
    again = await mai.say("/menu")
    assert "đang chờ cán bộ công đoàn" in mai.texts(again)
    listed = await officer.say("/requests")
    assert "Đỗ Thị Mai" in officer.texts(listed)
    approved = await officer.say("duyet")  # «Duyệt», typed
    assert "Đã duyệt: Đỗ Thị Mai" in officer.texts(approved)
    told = await mai.replies()
    assert "Tin vui, Đỗ Thị Mai" in mai.texts(told)
    assert person(tg_runtime, "Đỗ Thị Mai").onboarded_at is not None
    menu = await mai.say("/menu")
    assert "Hướng dẫn" in mai.labels(menu)  # a member now: the main menu
    assert requests(tg_runtime) == [("approved", officer_id)]

    # declared a leader of the officials; the officer corrects it, typing each choice
    hoa = TelegramChat(fake, tg_client, tg_runtime, fake.user(903, "Hoa"))
    await join(hoa, "Lê Thị Hoa", key=None, group="Cán bộ", post="Có")
    await officer.replies()
    await officer.tap("Sửa rồi duyệt")
    asked = await officer.say("4")  # the direct workers, by number
    assert "chức vụ lãnh đạo" in officer.texts(asked)
    nonsense = await officer.say("để tôi hỏi lại")
    assert "Bạn vui lòng trả lời bằng một trong các lựa chọn" in officer.texts(nonsense)
    corrected = await officer.say("khong")
    assert "Đã duyệt: Lê Thị Hoa" in officer.texts(corrected)
    hoa_row = person(tg_runtime, "Lê Thị Hoa")
    assert hoa_row.worker_group == WorkerGroup.DIRECT_WORKER
    assert hoa_row.holds_leadership_post is False and hoa_row.onboarded_at is not None

    # refused: told, erased, and back to a stranger who may send a code again
    hung = TelegramChat(fake, tg_client, tg_runtime, fake.user(904, "Hùng"))
    await join(hung, "Trần Văn Hùng", key=None, group="Cán bộ", post="Không")
    await officer.replies()
    refused = await officer.tap("Từ chối")
    assert "Đã từ chối" in officer.texts(refused)
    told = await hung.replies()
    assert "chưa chấp thuận yêu cầu gia nhập" in hung.texts(told)
    with Session(tg_runtime.engine) as session:
        assert (
            session.exec(select(Member).where(Member.full_name == "Trần Văn Hùng")).first() is None
        )
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "904")).one()
        assert identity.member_id is None
    hello = await hung.say("xin chào")
    assert "mã mời" in hung.texts(hello)
    assert [s for s, _by in requests(tg_runtime)] == ["approved", "approved", "refused"]

    # a decision on a request already decided changes nothing
    stale = await officer.tap("Duyệt")  # on the newest card, Hùng's, refused already
    assert "đã được quyết định rồi" in officer.texts(stale)
    with Session(tg_runtime.engine) as session:
        change = session.exec(select(UnitChange).where(UnitChange.action == "join_mode")).one()
        assert '"join_mode": "roster_only"' in (change.after or "")


async def test_the_admin_api_lists_approves_and_refuses_within_the_officers_units(
    client: httpx.AsyncClient, runtime: Runtime
):
    from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member
    from tests.e2e.test_api_campaigns import bearer, token_for

    data = load_demo(runtime)
    with Session(runtime.engine) as session, session.begin():
        unit = session.get(UnionUnit, MINH_PHAT)
        units.set_join_mode(session, unit=unit, mode=JoinMode.ROSTER_ONLY, by=None, now=NOW)
    mai = await member(client, runtime, name="Đỗ Thị Mai", group="official")
    await member(client, runtime, name="Trần Văn Hùng")
    own = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))

    assert (await client.get("/api/v1/join-requests", headers=other)).json() == []
    listed = (await client.get("/api/v1/join-requests", headers=own)).json()
    assert [(r["full_name"], r["worker_group"]) for r in listed] == [
        ("Đỗ Thị Mai", "official"),
        ("Trần Văn Hùng", "direct_worker"),
    ]
    mai_id, hung_id = listed[0]["id"], listed[1]["id"]
    outside = await client.post(f"/api/v1/join-requests/{mai_id}/approve", json={}, headers=other)
    assert outside.status_code == 403
    approved = await client.post(
        f"/api/v1/join-requests/{mai_id}/approve",
        json={"worker_group": "direct_worker"},
        headers=own,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["worker_group"] == "direct_worker"
    assert "Tin vui, Đỗ Thị Mai" in mai.texts(await mai.replies())
    again = await client.post(f"/api/v1/join-requests/{mai_id}/approve", json={}, headers=own)
    assert (again.status_code, again.json()["error"]) == (409, "already_decided")
    refused = await client.post(f"/api/v1/join-requests/{hung_id}/refuse", headers=own)
    assert refused.status_code == 200 and refused.json()["full_name"] is None
    assert (await client.get("/api/v1/join-requests", headers=own)).json() == []
    assert requests(runtime)[1][0] == "refused"
