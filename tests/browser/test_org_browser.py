# ruff: noqa: F811
"""The union's own organisation in a real browser (Debian's chromium through Playwright), on a
wide and on a phone-sized screen: join requests approved (with the group corrected) and
refused on the desk, the person told in their chat."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings
from core.members.models import JoinMode, Member, UnionUnit, UnitKind, WorkerGroup
from core.organisation import units
from tests.browser.live import LiveChat
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, sign_in
from tests.e2e.campaign_support import MINH_PHAT, load_demo
from tests.fakes.server import serve_in_thread

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[str]:
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        yield base


def roster_only(runtime: Runtime, unit_id: int) -> None:
    with Session(runtime.engine) as session, session.begin():
        unit = session.get(UnionUnit, unit_id)
        assert unit is not None
        units.set_join_mode(session, unit=unit, mode=JoinMode.ROSTER_ONLY, by=None, now=NOW)


def waiting_worker(base: str, name: str) -> LiveChat:
    worker = LiveChat(base)
    for text, payload in (
        ("/start", None),
        ("CDCSTN33", None),
        ("", "onb_ok:1"),
        ("", "onb_pur:announcements:1"),
        ("", "onb_pur:public_name:1"),
        (name, None),
        ("", "onb_name:1"),  # «Đúng»: the name shown back is right
        ("", "onb_group:official"),
        ("", "onb_lead:1"),
    ):
        worker.send(text, payload, until_buttons=text == name or payload == "onb_name:1")
    assert "đã được gửi tới cán bộ công đoàn" in worker.text_of("", "onb_lang:vi")
    return worker


@pytest.mark.parametrize("width", [1280, 360])
def test_join_requests_approved_and_refused_on_the_desk(
    runtime: Runtime, served: str, pages, width: int
):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    roster_only(runtime, MINH_PHAT)
    mai = waiting_worker(served, "Đỗ Thị Mai")
    hung = waiting_worker(served, "Trần Văn Hùng")
    page = pages(width, 800)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.get_by_role("link", name="Yêu cầu gia nhập").click()
    expect(page.get_by_role("heading", name="Đang chờ: 2")).to_be_visible()
    fits(page, width)
    mai_card = page.locator("article", has_text="Đỗ Thị Mai")
    mai_card.get_by_label("Đối tượng").select_option("direct_worker")
    mai_card.get_by_label("Chức vụ lãnh đạo").select_option("no")
    mai_card.get_by_role("button", name="Duyệt yêu cầu").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã duyệt")
    expect(page.get_by_role("heading", name="Đang chờ: 1")).to_be_visible()
    assert "Tin vui, Đỗ Thị Mai" in mai.received(until="Tin vui, Đỗ Thị Mai")
    page.locator("article", has_text="Trần Văn Hùng").get_by_role(
        "button", name="Từ chối yêu cầu"
    ).click()
    expect(page.locator("[role=status]")).to_contain_text("Đã từ chối")
    expect(page.locator("main")).to_contain_text("Không có yêu cầu gia nhập nào đang chờ.")
    fits(page, width)
    assert "chưa chấp thuận yêu cầu gia nhập" in hung.received(
        until="chưa chấp thuận yêu cầu gia nhập"
    )
    with Session(runtime.engine) as session:
        mai_row = session.exec(select(Member).where(Member.full_name == "Đỗ Thị Mai")).one()
        assert mai_row.onboarded_at is not None
        assert mai_row.worker_group == WorkerGroup.DIRECT_WORKER
        assert mai_row.holds_leadership_post is False
        assert (
            session.exec(select(Member).where(Member.full_name == "Trần Văn Hùng")).first() is None
        )
    for chat in (officer, mai, hung):
        chat.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_an_officer_withdraws_a_role_and_an_invite_code_on_the_desk(
    runtime: Runtime, served: str, pages, width: int
):  # type: ignore[no-untyped-def]
    from tests.e2e.campaign_support import ZONE

    data = load_demo(runtime)
    below = pages(width, 800)
    sign_in(below, served, data.claim[MINH_PHAT])
    page = pages(width, 800)
    officer = sign_in(page, served, data.claim[ZONE])
    page.get_by_role("link", name="Cán bộ và quyền truy cập").click()
    expect(page.get_by_role("heading", name="Cán bộ các đơn vị của bạn")).to_be_visible()
    fits(page, width)
    company = "Công đoàn Công ty TNHH Cơ khí Minh Phát"
    expect(page.get_by_role("heading", name="Đơn vị chưa có cán bộ: 0")).to_be_visible()
    page.locator("#roles tr", has_text=company).locator("button.danger").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã thu hồi quyền")
    expect(page.locator("#vacant")).to_contain_text(company)
    fits(page, width)
    below.goto(f"{served}/web/campaigns")  # the withdrawn officer's very next page
    expect(below).to_have_url(f"{served}/web/signin")

    page.goto(f"{served}/web/invites/CDCSTN33")
    page.get_by_role("button", name="Thu hồi mã này").click()
    expect(page.locator("[role=alert]")).to_contain_text("đã thu hồi")
    fits(page, width)
    worker = LiveChat(served)
    worker.send("/start")
    assert "không còn hiệu lực" in worker.text_of("CDCSTN33")
    officer.close()
    worker.close()


def test_the_members_page_goes_page_by_page_and_finds_names_without_diacritics(
    runtime: Runtime, served: str, pages
):  # type: ignore[no-untyped-def]
    from tests.e2e.campaign_support import bulk_members

    data = load_demo(runtime)
    bulk_members(
        runtime.engine,
        unit_id=MINH_PHAT,
        count=120,
        platform="telegram",
        seen=NOW,
        now=NOW,
        prefix="Nguyễn Văn Đức",
    )
    from core.organisation import membership

    with Session(runtime.engine) as session:
        unit = session.get(UnionUnit, MINH_PHAT)
        joined = membership.counts(session, unit=unit).joined  # type: ignore[arg-type]
    assert 101 <= joined <= 150  # three pages of 50
    page = pages(360, 740)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.get_by_role("link", name="Đoàn viên và mã mời").click()
    expect(page.locator("#members tbody tr")).to_have_count(50)
    expect(page.locator("#member-pages")).to_contain_text("Trang 1 / 3")
    fits(page)
    page.get_by_role("link", name="Trang sau").click()
    expect(page.locator("#member-pages")).to_contain_text("Trang 2 / 3")
    second = page.locator("#members tbody td a").first.inner_text()
    page.get_by_role("link", name="Trang sau").click()
    expect(page.locator("#members tbody tr")).to_have_count(joined - 100)
    expect(page.locator("#member-pages")).not_to_contain_text("Trang sau")
    fits(page)
    page.get_by_role("link", name="Trang trước").click()  # back from the third page's first
    expect(page.locator("#member-pages")).to_contain_text("Trang 2 / 3")
    expect(page.locator("#members tbody tr")).to_have_count(50)
    expect(page.locator("#members tbody td a").first).to_have_text(second)
    page.get_by_role("link", name="Trang trước").click()
    expect(page.locator("#member-pages")).to_contain_text("Trang 1 / 3")
    expect(page.locator("#member-pages")).not_to_contain_text("Trang trước")
    page.get_by_label("Một phần họ tên đoàn viên").fill("nguyen van duc 11")
    expect(page.locator("#members tbody tr")).to_have_count(11)  # 11, 110 … 119
    expect(page.locator("#member-counts")).to_contain_text(f"tự khai: {joined}")
    officer.close()


def roster_xlsx(*rows: list[object]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Đơn vị", "Đối tượng", "Chức vụ lãnh đạo", "Số thẻ đoàn viên"])
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_roster_is_checked_then_imported_on_the_desk(
    runtime: Runtime, served: str, pages, width: int
):  # type: ignore[no-untyped-def]
    from core.members.models import RosterEntry

    data = load_demo(runtime)
    company = "Công đoàn Công ty TNHH Cơ khí Minh Phát"
    page = pages(width, 800)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.get_by_role("link", name="Cây tổ chức và danh sách đoàn viên").click()
    expect(page.get_by_role("heading", name="Nhập bảng tính")).to_be_visible()
    fits(page, width)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    bad = roster_xlsx(
        ["Trịnh Thị Hồng", company, "Công nhân", "Không", "MP-0001"],
        ["Lý Văn Khoa", "Công ty khác", "Công nhân", "Không", "MP-0002"],
        ["Đinh Thị Ánh", company, "Thợ lặn", "Không", "MP-0003"],
    )
    page.get_by_label("Tệp bảng tính").set_input_files(
        {"name": "danh-sach.xlsx", "mimeType": xlsx, "buffer": bad}
    )
    page.get_by_role("button", name="Kiểm tra tệp (chạy thử)").click()
    expect(page.locator("#row-errors tbody tr")).to_have_count(2)
    expect(page.locator("#row-errors tbody tr").first.locator("td").first).to_have_text("3")
    expect(page.locator("#row-errors")).to_contain_text("Công ty khác")
    expect(page.get_by_role("button", name="Nhập tệp này")).to_have_count(0)
    fits(page, width)
    with Session(runtime.engine) as session:
        assert session.exec(select(RosterEntry)).all() == []

    good = roster_xlsx(
        ["Trịnh Thị Hồng", company, "Công nhân", "Không", "MP-0001"],
        ["Lý Văn Khoa", company, "Cán bộ", "Có", "MP-0002"],
    )
    page.get_by_label("Tệp bảng tính").set_input_files(
        {"name": "danh-sach.xlsx", "mimeType": xlsx, "buffer": good}
    )
    page.get_by_role("button", name="Kiểm tra tệp (chạy thử)").click()
    expect(page.locator("#dry-counts")).to_contain_text("Sẽ thêm: 2")
    expect(page.locator("#to-add")).to_contain_text("Lý Văn Khoa")
    with Session(runtime.engine) as session:
        assert session.exec(select(RosterEntry)).all() == []  # the dry run wrote nothing
    page.get_by_role("button", name="Nhập tệp này").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã nhập: thêm 2, sửa 0")
    fits(page, width)
    with Session(runtime.engine) as session:
        assert len(session.exec(select(RosterEntry)).all()) == 2
    officer.close()


def test_officer_codes_for_the_units_without_an_officer_make_their_users_officers(
    runtime: Runtime, served: str, pages
):  # type: ignore[no-untyped-def]
    from tests.e2e.campaign_support import ZONE

    data = load_demo(runtime)
    with Session(runtime.engine) as session, session.begin():
        company = session.get(UnionUnit, MINH_PHAT)
        assert company is not None
        for name in ("Tổ Cơ khí 1", "Tổ Sơn"):
            units.create(
                session,
                parent=company,
                fields=units.UnitFields(name=name, kind=UnitKind.UNION_GROUP),
                by=None,
                now=NOW,
            )
    page = pages(360, 740)
    officer = sign_in(page, served, data.claim[ZONE])
    page.get_by_role("link", name="Cán bộ và quyền truy cập").click()
    expect(page.get_by_role("heading", name="Đơn vị chưa có cán bộ: 2")).to_be_visible()
    page.get_by_role("button", name="In mã cán bộ cho từng đơn vị này").click()
    expect(page.locator("#officer-codes figure")).to_have_count(2)
    fits(page)
    line = page.locator("#officer-codes figure", has_text="Tổ Sơn").locator(".code").inner_text()
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Đỗ Thị Mai")
    answer = worker.text_of(line)
    assert "Tổ Sơn" in answer
    page.get_by_role("link", name="Cán bộ và quyền truy cập").click()
    expect(page.get_by_role("heading", name="Đơn vị chưa có cán bộ: 1")).to_be_visible()
    expect(page.locator("#roles")).to_contain_text("Đỗ Thị Mai")
    officer.close()
    worker.close()
