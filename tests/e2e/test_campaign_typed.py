"""Every choice of the campaigns conversations answered by typing, on the web chat: the
number, the letter, or the label without diacritics; and on a web chat declared without
buttons, where every choice comes as a numbered list."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns.models import Campaign, CampaignStatus
from core.members.models import WorkerGroup
from tests.e2e.campaign_support import ZONE, load_demo, member, officer
from tests.webchat import ChatUser, without_buttons

pytestmark = pytest.mark.anyio


def campaigns(runtime: Runtime) -> list[Campaign]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(Campaign).order_by(Campaign.id)))  # type: ignore[arg-type]


def broadcasts(runtime: Runtime) -> list[Broadcast]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(Broadcast).order_by(Broadcast.id)))  # type: ignore[arg-type]


async def create_by_typing(boss: ChatUser, title: str) -> None:
    """Every choice of the creation flow typed: a label, a number, a letter."""
    await boss.say("/newcampaign")
    await boss.say(title)
    await boss.say("Mỗi tổ đăng ký chỉ tiêu và báo cáo hằng tuần.")
    unit = await boss.say("bo qua")  # «Bỏ qua» typed without diacritics
    assert "Đơn vị công đoàn nào phát động" in boss.texts(unit)
    subtree = await boss.say("1")  # the first unit offered: the officer's own
    assert "Công đoàn các Khu công nghiệp Bình Dương" in boss.texts(subtree)
    groups = await boss.say("a")  # «Cả cấp dưới»
    assert "đối tượng" in boss.texts(groups).lower()
    chosen = await boss.say("nguoi lao dong")  # a label's first words
    assert "✓ Người lao động trực tiếp sản xuất, kinh doanh" in [
        b["label"] for m in chosen for b in m["buttons"]
    ]
    dates = await boss.say("XONG")  # «Xong», in capitals
    assert "01/12/2026 - 31/12/2026" in boss.texts(dates)
    preview = await boss.say("25/11/2026 - 31/12/2026")
    assert title in boss.texts(preview)
    saved = await boss.say("luu ban nhap")  # «Lưu bản nháp»
    assert "Đã lưu bản nháp" in boss.texts(saved), boss.texts(saved)


async def test_an_officer_answers_every_campaign_choice_by_typing(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE, english=False)
    await create_by_typing(boss, "Tháng thi đua năng suất")
    (draft,) = campaigns(runtime)
    assert (draft.unit_id, draft.include_subtree) == (ZONE, True)
    assert draft.target_groups == WorkerGroup.DIRECT_WORKER
    assert draft.criteria == ""

    edit = await boss.say("sua phong trao")  # «Sửa phong trào» on the card just shown
    assert "Bạn muốn sửa nội dung nào?" in boss.texts(edit)
    value = await boss.say("A")  # «Sửa tên»
    saved = await boss.say("Tháng thi đua an toàn lao động")
    assert "Tháng thi đua an toàn lao động" in boss.texts(saved), boss.texts(value)

    text = await boss.say("1")  # «Phát động», the card's first button
    assert "thông báo phát động" in boss.texts(text).lower()
    preview = await boss.say("dung noi dung co san")  # «Dùng nội dung có sẵn» at a free step
    assert "Dự kiến gửi xong" in boss.texts(preview)
    sent = await boss.say("xac nhan va gui")  # «Xác nhận và gửi»
    assert "Đang gửi: thông báo số" in boss.texts(sent)
    (launch,) = broadcasts(runtime)
    assert launch.kind == BroadcastKind.LAUNCH
    assert "Tháng thi đua an toàn lao động" in lan.texts(await lan.replies())

    ask = await boss.say(f"/close {draft.id}")
    again = await boss.say("maybe")  # names no choice: asked again with the choices
    assert "Bạn vui lòng trả lời bằng một trong các lựa chọn" in boss.texts(again)
    assert boss.payloads(again) == boss.payloads(ask)
    assert "Khi kết thúc, hệ thống sẽ lập báo cáo tổng kết" in boss.texts(ask)
    closed = await boss.say("dong y")  # «Đồng ý kết thúc»
    assert "đã kết thúc" in boss.texts(closed)
    assert "danh sách đề xuất danh hiệu chờ bạn xác nhận" in boss.texts(closed)
    assert campaigns(runtime)[0].status == CampaignStatus.CLOSED


async def test_a_member_opens_running_campaigns_by_typing(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE, english=False)
    await create_by_typing(boss, "Tháng thi đua năng suất")
    await boss.say("1")
    await boss.say("dung noi dung co san")
    await boss.say("1")
    await lan.replies()

    listing = await lan.say("phong trao thi dua")  # the main menu's «Phong trào thi đua»
    assert "Các phong trào thi đua đang diễn ra" in lan.texts(listing), lan.texts(listing)
    card = await lan.say("1")
    assert "Mỗi tổ đăng ký chỉ tiêu" in lan.texts(card)
    back = await lan.say("phong trao")  # the card's «Phong trào thi đua»
    assert lan.payloads(back) == lan.payloads(listing)
    menu = await lan.say("b")  # «Menu chính», the second choice of the list (one campaign)
    assert "Bạn muốn làm gì" in lan.texts(menu), lan.texts(menu)


async def test_a_creation_left_half_way_goes_on_at_its_step(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    boss = await officer(client, runtime, data, ZONE, english=False)
    await boss.say("/newcampaign")
    await boss.say("Tháng thi đua năng suất")
    await boss.say("Mô tả")
    await boss.say("bo qua")
    groups_asked = await boss.say("1")
    await boss.say("/menu")  # leaves for the main menu
    back = await boss.say("/newcampaign")
    assert "làm tiếp từ chỗ bạn dừng lại" in boss.texts(back)
    assert boss.payloads(back) == boss.payloads(groups_asked)  # the same question, the subtree
    groups = await boss.say("b")  # «Chỉ đơn vị này», typed at the step it went on at
    assert "đối tượng" in boss.texts(groups).lower()


async def test_an_officer_creates_and_launches_by_typed_numbers_without_buttons(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE, english=False)
    without_buttons(runtime)
    await boss.say("/newcampaign")
    await boss.say("Tháng thi đua năng suất")
    await boss.say("Mỗi tổ đăng ký chỉ tiêu và báo cáo hằng tuần.")
    units = await boss.say("Năng suất tăng 10% so với tháng trước.")  # the criteria
    assert boss.payloads(units) == []
    assert "1. Công đoàn các Khu công nghiệp Bình Dương" in boss.texts(units)
    assert "Bạn gõ số thứ tự của lựa chọn." in boss.texts(units)
    subtree = await boss.say("1")
    assert "1. Cả cấp dưới" in boss.texts(subtree)
    groups = await boss.say("1")
    assert "4. Người lao động trực tiếp sản xuất, kinh doanh" in boss.texts(groups)
    chosen = await boss.say("4")
    assert "4. ✓ Người lao động" in boss.texts(chosen)
    await boss.say("5")  # «Xong»
    preview = await boss.say("25/11/2026 - 31/12/2026")
    assert "1. Lưu bản nháp" in boss.texts(preview)
    card = await boss.say("1")
    assert "1. Phát động" in boss.texts(card)
    asked = await boss.say("1")
    assert "1. Dùng nội dung có sẵn" in boss.texts(asked)
    preview = await boss.say("Phát động Tháng thi đua năng suất! Mời các tổ đăng ký chỉ tiêu.")
    assert "1. Xác nhận và gửi" in boss.texts(preview)
    await boss.say("1")
    (campaign,) = campaigns(runtime)
    assert campaign.status == CampaignStatus.RUNNING
    assert campaign.criteria == "Năng suất tăng 10% so với tháng trước."
    (launch,) = broadcasts(runtime)
    assert launch.kind == BroadcastKind.LAUNCH
    assert "Mời các tổ đăng ký chỉ tiêu" in lan.texts(await lan.replies())


async def test_an_announcement_scheduled_by_typing(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE, english=False)
    units = await boss.say("/broadcast")
    assert "Công đoàn các Khu công nghiệp Bình Dương" in [
        b["label"] for m in units for b in m["buttons"]
    ]
    await boss.say("1")
    preview = await boss.say("Họp tổ công đoàn lúc 17 giờ thứ Sáu.")
    assert "Hẹn giờ gửi" in [b["label"] for m in preview for b in m["buttons"]]
    when = await boss.say("b")  # «Hẹn giờ gửi»
    assert "01/12/2026 08:00" in boss.texts(when)
    scheduled = await boss.say("01/12/2026 08:00")
    assert "Xác nhận hẹn giờ" in [b["label"] for m in scheduled for b in m["buttons"]]
    done = await boss.say("xac nhan hen gio")  # «Xác nhận hẹn giờ»
    assert "Đã hẹn giờ: thông báo số" in boss.texts(done)
    (announcement,) = broadcasts(runtime)
    assert announcement.kind == BroadcastKind.MESSAGE
    assert announcement.scheduled_at is not None and announcement.unit_id == ZONE
