"""Issue #15, /forget by the only officer of a unit: allowed; the confirmation says the unit
will have no officer, the officers of the union above are told in the chat, the desk lists the
unit among those without an officer, and the officer's decisions stay. Over the web chat and
the desk."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.commendations.buttons import AdHoc, Approve, Proceed
from core.commendations.models import Commendation
from core.initiatives.models import Initiative
from core.members.models import Member, OfficerRole
from core.storage.models import OutboxMessage
from tests.browser.support import client, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import (
    MINH_PHAT,
    PROVINCE,
    ZONE,
    load_demo,
    member,
    member_id,
    officer,
)
from tests.e2e.test_forget_keeps_records import submit

pytestmark = pytest.mark.anyio
UNIT = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


async def test_the_only_officer_forgets_and_the_union_above_is_told(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
) -> None:
    data = load_demo(runtime)
    chair = await officer(client, runtime, data, MINH_PHAT, english=False)
    zone_web, zone = await signed_in_officer(client, runtime, data, ZONE)
    await zone.replies()
    # a decision of the chair that pays points, which must stay on record
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    await member(client, runtime, name="Trần Văn Hùng")
    await lan.say("/commend")
    await lan.say("hùng")
    await lan.tap("Trần Văn Hùng")
    await lan.tap(Proceed().pack())
    await lan.say("Anh Hùng phát hiện rò rỉ khí nén và sửa ngay trong ca đêm.")
    await lan.tap(AdHoc(adhoc=True).pack())
    card = await chair.replies()
    approve = next(p for p in chair.payloads(card) if p.startswith(f"{Approve.prefix()}:"))
    await chair.say("", payload=approve)
    await chair.tap("Đồng ý, duyệt và thông báo")
    chair_id = data.officer_of[MINH_PHAT]

    asked = chair.texts(await chair.say("/forget"))
    assert f"Bạn là cán bộ duy nhất của {UNIT} trên thidua" in asked, asked
    assert "cán bộ công đoàn cấp trên sẽ được báo" in asked
    gone = chair.texts(await chair.tap("privacy:forget_yes"))
    assert "đã được xóa" in gone

    told = zone.texts(await zone.replies())
    assert f"{UNIT} không còn cán bộ nào trên thidua" in told, told
    assert "Cán bộ và quyền truy cập" in told
    page = await zone_web.get("/web/officers")
    vacant = page.text.split('id="vacant"', 1)[1].split("</ul>", 1)[0]
    assert UNIT in vacant, vacant

    with Session(runtime.engine) as session:
        assert session.exec(select(OfficerRole).where(OfficerRole.unit_id == MINH_PHAT)).all() == []
        former = session.get(Member, chair_id)
        assert former is not None and former.forgotten_at is not None and former.full_name is None
        decided = session.exec(select(Commendation)).one()
        assert (decided.status, decided.decided_by) == ("approved", chair_id)
        notices = session.exec(
            select(OutboxMessage.dedupe_key).where(
                col(OutboxMessage.dedupe_key).startswith(f"no-officer:{MINH_PHAT}:")
            )
        ).all()
        assert len(notices) == 1  # the zone's one officer, once
    assert member_id(runtime, "Trần Văn Hùng")

    # a second /forget from the same chat has nothing left to erase and tells nobody again
    again = chair.texts(await chair.say("/forget"))
    assert "không có gì để xóa" in again
    assert zone.texts(await zone.replies()) == ""


async def test_an_officer_who_is_not_the_only_one_is_not_warned(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
) -> None:
    data = load_demo(runtime)
    chair = await officer(client, runtime, data, MINH_PHAT, english=False)
    zone_web, zone = await signed_in_officer(client, runtime, data, ZONE)
    await zone.replies()
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    with Session(runtime.engine) as session, session.begin():
        session.add(OfficerRole(member_id=member_id(runtime, "Nguyễn Thị Lan"), unit_id=MINH_PHAT))
    asked = chair.texts(await chair.say("/forget"))
    assert "cán bộ duy nhất" not in asked
    await chair.tap("privacy:forget_yes")
    assert zone.texts(await zone.replies()) == ""
    page = await zone_web.get("/web/officers")
    assert 'id="vacant"' not in page.text or UNIT not in page.text.split('id="vacant"', 1)[1]
    assert lan.texts(await lan.replies()) == ""


async def test_a_forgotten_officers_decisions_stay_attributed_to_their_post(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
) -> None:
    data = load_demo(runtime)
    chair = await officer(client, runtime, data, MINH_PHAT, english=False)
    zone_web, _zone = await signed_in_officer(client, runtime, data, ZONE)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    tracking = await submit(lan, "Gá kẹp nhanh cho máy phay")
    await chair.replies()
    await chair.tap("Yêu cầu bổ sung thông tin")
    await chair.say("Gá dùng cho máy nào?")
    with Session(runtime.engine) as session:
        item = session.exec(select(Initiative).where(Initiative.code == tracking)).one()
    before = await zone_web.get(f"/web/initiatives/{item.id}")
    assert "Gá dùng cho máy nào?" in before.text

    await chair.say("/forget")
    await chair.tap("privacy:forget_yes")
    page = await zone_web.get(f"/web/initiatives/{item.id}")
    history = page.text.split("Gá dùng cho máy nào?", 1)[0].rsplit("<li>", 1)[1]
    assert "Cựu chủ tịch công đoàn" in history, history  # the post, not a blank, not the name
    with Session(runtime.engine) as session:
        former = session.get(Member, data.officer_of[MINH_PHAT])
        assert former is not None and former.full_name is None and former.former_post == "chair"
    assert "Nguyễn Thị Lan" in page.text  # the author, still a member


async def test_the_only_officer_of_the_top_unit_is_told_who_can_give_the_role(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
) -> None:
    data = load_demo(runtime)
    chair = await officer(client, runtime, data, PROVINCE, english=False)
    asked = chair.texts(await chair.say("/forget"))
    assert "người quản trị máy chủ giao vai trò" in asked, asked
    assert "cấp trên sẽ được báo" not in asked
    assert "đã được xóa" in chair.texts(await chair.tap("privacy:forget_yes"))
    with Session(runtime.engine) as session:
        assert session.exec(select(OfficerRole).where(OfficerRole.unit_id == PROVINCE)).all() == []
        assert not session.exec(
            select(OutboxMessage.id).where(col(OutboxMessage.dedupe_key).startswith("no-officer:"))
        ).all()
