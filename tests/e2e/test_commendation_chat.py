"""Commendations in chat: a worker proposes a colleague (not herself), the colleague agrees to
be named, an officer of another unit cannot approve, the unit's officer approves with a
button; points once, the proposer told, the unit told through the broadcast path."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast
from core.commendations.buttons import AdHoc, Approve, Proceed
from core.commendations.models import Commendation
from core.points.models import PointsEntry
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member, member_id, officer

pytestmark = pytest.mark.anyio


async def test_peer_proposal_consent_approval(client: httpx.AsyncClient, runtime: Runtime) -> None:
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan", public_name=False)
    hung = await member(client, runtime, name="Trần Văn Hùng", public_name=False)
    reviewer = await officer(client, runtime, data, MINH_PHAT, english=False)
    stranger = await officer(client, runtime, data, HUNG_THINH, english=False)
    hung_id = member_id(runtime, "Trần Văn Hùng")

    asked = await lan.say("/commend")
    assert "khen thưởng ai" in lan.texts(asked)
    found = await lan.say("lan")
    assert "Nguyễn Thị Lan" in str(found)
    refused = await lan.tap("Nguyễn Thị Lan")
    assert "không thể tự đề xuất" in lan.texts(refused)
    await lan.say("hung")
    await lan.tap("Trần Văn Hùng")
    reason = await lan.tap(Proceed().pack())
    assert "Vì sao" in lan.texts(reason)
    empty = await lan.say("  ")
    assert "lý do" in lan.texts(empty).lower()
    await lan.say("Anh Hùng phát hiện rò rỉ khí nén và sửa ngay trong ca đêm.")
    done = await lan.tap(AdHoc(adhoc=True).pack())
    assert "cán bộ công đoàn" in lan.texts(done)

    consent = await hung.replies()
    assert "nêu tên" in hung.texts(consent)
    await hung.tap("Đồng ý nêu tên")

    card = await reviewer.replies()
    assert "Khen thưởng đột xuất" in reviewer.texts(card) and "Trần Văn Hùng" in reviewer.texts(
        card
    )
    approve = next(p for p in reviewer.payloads(card) if p.startswith(f"{Approve.prefix()}:"))
    outside = await stranger.say("", payload=approve)
    assert "ngoài các đơn vị" in stranger.texts(outside)

    asked = await reviewer.tap("Duyệt")
    assert "mỗi người 20 điểm" in reviewer.texts(asked)  # what approving gives, to confirm
    approved = await reviewer.tap("Đồng ý, duyệt và thông báo")
    assert "Đã duyệt" in reviewer.texts(approved)
    again = await reviewer.say("", payload=approve)
    assert "đã được xét" in reviewer.texts(again)

    told = hung.texts(await hung.replies())
    assert "Bạn được khen thưởng" in told and "+20" in told
    assert "Khen thưởng đột xuất dành cho Trần Văn Hùng" in told  # the announcement, named
    heard = lan.texts(await lan.replies())
    assert "đã được duyệt" in heard and "Trần Văn Hùng" in heard

    with Session(runtime.engine) as session:
        entries = session.exec(
            select(PointsEntry).where(PointsEntry.source == "commendation")
        ).all()
        assert [(e.member_id, e.points) for e in entries] == [(hung_id, 20)]
        item = session.exec(select(Commendation)).one()
        assert item.adhoc and item.status == "approved" and not item.by_officer
        assert session.exec(
            select(Broadcast).where(Broadcast.key == f"commendation:{item.id}")
        ).one()

    # a second proposal, rejected with a reason the proposer hears
    await lan.say("/commend")
    await lan.say("hùng")
    await lan.tap("Trần Văn Hùng")
    await lan.tap(Proceed().pack())
    await lan.say("Luôn giúp đỡ đồng nghiệp mới.")
    await lan.tap(AdHoc(adhoc=False).pack())
    card = await reviewer.replies()
    await reviewer.tap("Không duyệt")
    await reviewer.say("Đã khen thưởng trong tháng này.")
    assert "Đã khen thưởng trong tháng này." in lan.texts(await lan.replies())


async def test_officer_commends_directly_and_name_kept_out(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan", public_name=False)
    reviewer = await officer(client, runtime, data, MINH_PHAT, english=False)
    await reviewer.say("/commend")
    await reviewer.say("lan")
    await reviewer.tap("Nguyễn Thị Lan")
    await reviewer.tap(Proceed().pack())
    await reviewer.say("Hoàn thành vượt 120% kế hoạch quý.")
    forms = await reviewer.tap(AdHoc(adhoc=False).pack())
    assert "Khen thưởng theo hình thức nào?" in reviewer.texts(forms)
    # one level only (the officer's own union is Minh Phát): no question of the level
    recorded = await reviewer.tap("Giấy khen")
    assert "Duyệt ngay" in reviewer.texts(recorded)

    consent = await lan.replies()
    assert "nêu tên" in lan.texts(consent)
    await lan.tap("Không nêu tên tôi")
    await reviewer.tap("Duyệt")
    await reviewer.tap("Đồng ý, duyệt và thông báo")
    told = lan.texts(await lan.replies())
    assert "Bạn được khen thưởng" in told
    assert "Nguyễn Thị Lan" not in told  # the announcement does not name her
    with Session(runtime.engine) as session:
        item = session.exec(select(Commendation)).one()
        assert item.by_officer and item.status == "approved"
        assert (item.form, item.issuing_level) == ("certificate", "grassroots")
