# ruff: noqa: F811
"""The emulation criteria editor in a real browser (Debian's chromium), at 1280 and 360 px:
criteria from a template, a figure typed the Vietnamese way, a refusal shown on the page with
nothing lost, a removal; the editor of another union's campaign is a 404."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings
from core.campaigns.models import Campaign
from core.emulation import demo as emulation_demo
from core.emulation import pledges
from core.emulation.models import EmulationCriterion
from core.emulation.titles import Title
from core.members.models import Member
from tests.browser.live import LiveChat
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, sign_in
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo
from tests.e2e.progress_support import launch
from tests.fakes.server import serve_in_thread


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[str]:
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        yield base


def criteria_rows(runtime: Runtime) -> list[EmulationCriterion]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(EmulationCriterion).order_by(col(EmulationCriterion.id))))


def new_campaign(page, served: str, title: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{served}/web/campaigns")
    page.get_by_label("Tên phong trào").fill(title)
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.get_by_role("link", name="Tiêu chí thi đua").click()
    expect(page.get_by_role("heading", name="Tiêu chí thi đua")).to_be_visible()
    return page.url


@pytest.mark.parametrize("width", [1280, 360])
def test_the_criteria_editor(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    page = pages(width, 900)
    sign_in(page, served, data.claim[MINH_PHAT])
    editor = new_campaign(page, served, "Thi đua sản xuất quý I")
    expect(page.locator("#criteria")).to_contain_text("Chưa có tiêu chí nào")
    fits(page, width)

    page.get_by_label("Thi đua gắn với sản xuất", exact=False).check()
    page.get_by_role("button", name="Dùng mẫu này").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm các tiêu chí của mẫu")
    table = page.locator("#criteria")
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table).to_contain_text("2 sáng kiến trên 100 đoàn viên")
    expect(table).to_contain_text("không quá 2 % sản phẩm")
    expect(page.locator("#most")).to_have_text("113")  # 30·1,2 + 15 + 20 + 20·1,2 + 15·1,2
    fits(page, width)

    # the output's target raised to 102,5 % of plan, typed with a decimal comma
    page.get_by_text("Sửa “Sản lượng so với kế hoạch sản xuất”").click()
    first = criteria_rows(runtime)[0]
    page.locator(f"#c{first.id}-target").fill("102,5")
    page.get_by_role("button", name="Lưu tiêu chí").first.click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu thay đổi.")
    assert criteria_rows(runtime)[0].target == Decimal("102.5")
    expect(table.locator("tbody tr").first).to_contain_text("102,5 % kế hoạch")

    # a yes/no criterion with a target is refused on the page; nothing is added
    add = page.locator("section[aria-labelledby=h-add]")
    add.get_by_label("Tên tiêu chí").fill("Không có vi phạm kỷ luật")
    add.get_by_label("Cách đánh giá").select_option("yes_no")
    add.get_by_label("Điểm (trọng số)").fill("10")
    add.get_by_label("Chỉ tiêu", exact=False).fill("1")
    add.get_by_role("button", name="Thêm tiêu chí này").click()
    expect(page.get_by_role("alert")).to_contain_text("Chỉ tiêu chí tính bằng số mới có chỉ tiêu")
    assert len(criteria_rows(runtime)) == 5
    fits(page, width)
    add = page.locator("section[aria-labelledby=h-add]")
    add.get_by_label("Tên tiêu chí").fill("Không có vi phạm kỷ luật")
    add.get_by_label("Cách đánh giá").select_option("yes_no")
    add.get_by_label("Điểm (trọng số)").fill("10")
    add.get_by_role("button", name="Thêm tiêu chí này").click()
    expect(page.get_by_role("status")).to_have_text("Đã thêm tiêu chí.")
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(table.locator("tbody tr").last).to_contain_text("Có hoặc không")

    # removed from the draft
    page.get_by_text("Sửa “Không có vi phạm kỷ luật”").click()
    page.get_by_role("button", name="Xóa tiêu chí này").last.click()
    expect(page.get_by_role("status")).to_have_text("Đã xóa tiêu chí.")
    assert [r.name for r in criteria_rows(runtime)][
        -1
    ] == "Thu nhập bình quân của người lao động so với kế hoạch"

    other = pages(width, 900)
    sign_in(other, served, data.claim[HUNG_THINH])
    response = other.goto(editor)
    assert response is not None and response.status == 404


@pytest.mark.parametrize("width", [1280, 360])
def test_registrations_and_reminding_the_rest(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    lan, binh = LiveChat(served), LiveChat(served)
    lan.join("CDCSTN33", "Nguyễn Thị Lan")
    binh.join("CDCSTN33", "Trần Văn Bình")
    now = runtime.clock.now()
    # one transaction: the background scheduler's pledge call must not see the campaign
    # before the pledge is made (both would make its PledgeCall row)
    with Session(runtime.engine) as session, session.begin():
        campaign_id, _criteria = launch(
            session,
            runtime,
            data.officer_of[MINH_PHAT],
            title="Thi đua lao động giỏi",
            dates=(date(2026, 11, 25), date(2026, 12, 31)),
            rows="individual_titles",
            text="Phát động!",
        )
        person = session.exec(select(Member).where(Member.full_name == "Trần Văn Bình")).one()
        pledges.save(
            session,
            member=person,
            campaign_id=campaign_id,
            title=Title.GOOD_WORKER,
            targets={},
            now=now,
            timezone="Asia/Ho_Chi_Minh",
        )
    assert "Phát động!" in lan.received(until="Phát động!")

    page = pages(width, 900)
    sign_in(page, served, data.claim[MINH_PHAT])
    page.goto(f"{served}/web/campaigns/{campaign_id}")
    page.get_by_role("link", name="Đăng ký thi đua").click()
    table = page.locator("#pledges")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Trần Văn Bình")
    expect(table).to_contain_text("Lao động giỏi")
    expect(table).to_contain_text("40 giờ")
    expect(page.locator("#summary")).to_contain_text("1 người đã đăng ký")
    fits(page, width)

    page.get_by_label("Ngày cuối cùng nhận đăng ký").fill("2027-01-31")
    page.get_by_role("button", name="Lưu hạn đăng ký").click()
    expect(page.get_by_role("alert")).to_contain_text("Hạn đăng ký phải nằm trong thời gian")
    page.get_by_label("Ngày cuối cùng nhận đăng ký").fill("2026-11-30")
    page.get_by_role("button", name="Lưu hạn đăng ký").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu hạn đăng ký.")
    expect(page.locator("#summary")).to_contain_text("30/11/2026")

    page.get_by_role("button", name="Nhắc những người chưa đăng ký").click()
    # Lan and the officer signed in here (a member of the unit too, on the web chat; the demo's
    # members now carry the announcements consent), not Bình who registered
    expect(page.get_by_role("status")).to_contain_text("tới 2 đoàn viên chưa đăng ký")
    assert "bạn chưa đăng ký thi đua" in lan.received(until="bạn chưa đăng ký thi đua")
    fits(page, width)
    lan.close()
    binh.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_progress_reports_page(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    """The demo's production campaign of the industrial zones: its enterprise unions' reports
    for the last month opened, another period by its date, on a phone's width too."""
    data = load_demo(runtime)
    with Session(runtime.engine) as session, session.begin():
        t = runtime.catalogs.translator("vi")
        emulation_demo.load(session, now=runtime.clock.now(), t=t, timezone="Asia/Ho_Chi_Minh")
        (campaign_id,) = session.exec(select(Campaign.id).where(Campaign.unit_id == ZONE)).all()
    page = pages(width, 900)
    sign_in(page, served, data.claim[ZONE])
    page.goto(f"{served}/web/campaigns/{campaign_id}")
    page.get_by_role("link", name="Báo cáo kết quả thi đua").click()
    expect(page.get_by_role("heading", name="Báo cáo kết quả thi đua")).to_be_visible()
    table = page.locator("#reports")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("Công đoàn Công ty TNHH Cơ khí Minh Phát")
    expect(table).to_contain_text("Sản lượng so với kế hoạch sản xuất: 104 % kế hoạch")
    expect(page.locator("#summary")).to_contain_text("2 đã báo cáo đủ, 0 chưa báo cáo đủ")
    expect(page.get_by_role("navigation", name="Các kỳ báo cáo")).to_contain_text("31/10/2026")
    fits(page, width)
    page.get_by_role("link", name="30/09/2026").click()
    expect(table).to_contain_text("Sáng kiến, cải tiến kỹ thuật: 4 sáng kiến")
    fits(page, width)
