# ruff: noqa: F811
"""One member on the officer desk in a real browser (Debian's chromium through Playwright), on
a phone-sized and a wide screen: found on the members page, their details corrected, moved to
another union of the officer's, removed after the desk's confirmation (the person told in their
chat); an officer's role changed from chair to committee member. Every page fits the screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings
from core.members.models import (
    Member,
    OfficerRole,
    OfficerRoleKind,
    UnionUnit,
    UnitKind,
    WorkerGroup,
)
from core.organisation import units
from tests.browser.live import LiveChat
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, sign_in
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo
from tests.fakes.server import serve_in_thread


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[str]:
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        yield base


@pytest.mark.parametrize("width", [360, 1280])
def test_a_member_corrected_moved_and_removed_on_the_desk(
    runtime: Runtime, served: str, pages, width: int
):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Phan Thị Lan")
    page = pages(width, 800)
    officer = sign_in(page, served, data.claim[ZONE])
    page.goto(f"{served}/web/members?unit={MINH_PHAT}&q=phan thi lan")
    page.get_by_role("link", name="Phan Thị Lan").click()
    expect(page.get_by_role("heading", name="Phan Thị Lan", exact=True)).to_be_visible()
    fits(page, width)

    page.get_by_label("Họ và tên").fill("Phan Thị Lan Anh")
    page.get_by_label("Đối tượng").select_option("civil_servant")
    page.get_by_label("Chức vụ lãnh đạo").select_option("yes")
    page.get_by_role("button", name="Lưu thông tin").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã lưu")
    expect(page.locator("#history")).to_contain_text("Phan Thị Lan → Phan Thị Lan Anh")
    fits(page, width)

    page.get_by_label("Đơn vị mới").select_option(str(HUNG_THINH))
    page.get_by_role("button", name="Chuyển đoàn viên").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã chuyển sang")
    expect(page.locator("#history")).to_contain_text("chuyển từ")
    fits(page, width)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Đưa đoàn viên này ra khỏi danh sách").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã đưa đoàn viên ra khỏi danh sách")
    fits(page, width)
    assert "đã đưa bạn ra khỏi danh sách đoàn viên" in worker.received(
        until="đã đưa bạn ra khỏi danh sách đoàn viên"
    )
    with Session(runtime.engine) as session:
        gone = session.exec(select(Member).where(Member.unit_id == HUNG_THINH)).all()
        removed = [m for m in gone if m.forgotten_at is not None]
        assert len(removed) == 1 and removed[0].full_name is None
        assert removed[0].worker_group == WorkerGroup.CIVIL_SERVANT
    for chat in (officer, worker):
        chat.close()


def test_an_officers_role_changed_on_a_phone(runtime: Runtime, served: str, pages):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    page = pages(360, 800)
    officer = sign_in(page, served, data.claim[ZONE])
    page.get_by_role("link", name="Cán bộ và quyền truy cập").click()
    row = page.locator("#roles tr", has_text="Công đoàn Công ty TNHH Cơ khí Minh Phát")
    row.get_by_role("combobox").select_option("officer")
    row.get_by_role("button", name="Đổi vai trò").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã đổi vai trò")
    fits(page, 360)
    with Session(runtime.engine) as session:
        role = session.exec(select(OfficerRole).where(OfficerRole.unit_id == MINH_PHAT)).one()
        assert role.role == OfficerRoleKind.OFFICER
    officer.close()


def test_units_found_by_name_on_a_phone_not_listed_whole(runtime: Runtime, served: str, pages):  # type: ignore[no-untyped-def]
    """The desk offers a unit through its way down, the units below it and a search by name
    (typed without diacritics), never the whole tree: on the members page to choose whose
    members are listed, on a member's page to choose where to move them."""
    data = load_demo(runtime)
    with Session(runtime.engine) as session, session.begin():
        shoes = session.get(UnionUnit, HUNG_THINH)
        assert shoes is not None
        fields = units.UnitFields(name="Tổ công đoàn Đế giày", kind=UnitKind.UNION_GROUP)
        units.create(session, parent=shoes, fields=fields, by=None, now=runtime.clock.now())
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Phan Thị Lan")
    page = pages(360, 800)
    officer = sign_in(page, served, data.claim[ZONE])
    page.goto(f"{served}/web/members")
    picker = page.locator("form.unit-picker")
    zone = "Công đoàn các Khu công nghiệp Bình Dương"
    expect(picker.locator(".picked strong")).to_have_text(zone)
    picker.get_by_label("Tìm đơn vị theo tên hoặc mã").fill("de giay")
    picker.get_by_role("button", name="Tìm đơn vị").click()
    picker.get_by_role("link", name="Tổ công đoàn Đế giày").click()
    expect(picker.locator(".picked strong")).to_have_text("Tổ công đoàn Đế giày")
    expect(page.locator("#members")).to_contain_text("Không có đoàn viên nào phù hợp")
    fits(page, 360)
    picker.get_by_role("link", name=zone).click()
    picker.locator("summary").click()
    picker.get_by_role("link", name="Công đoàn Công ty TNHH Cơ khí Minh Phát").click()
    expect(page.locator("#members")).to_contain_text("Phan Thị Lan")
    fits(page, 360)

    page.get_by_role("link", name="Phan Thị Lan").click()
    move_to = page.get_by_label("Đơn vị mới")
    expect(move_to.locator("option:checked")).to_have_text(
        "Công đoàn Công ty TNHH Cơ khí Minh Phát"
    )
    assert "Đế giày" not in move_to.inner_text()
    picker = page.locator("form.unit-picker")
    picker.get_by_label("Tìm đơn vị theo tên hoặc mã").fill("de giay")
    picker.get_by_role("button", name="Tìm đơn vị").click()
    move_to.select_option(label="Tổ công đoàn Đế giày")
    fits(page, 360)
    page.get_by_role("button", name="Chuyển đoàn viên").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã chuyển sang")
    with Session(runtime.engine) as session:
        lan = session.exec(select(Member).where(Member.full_name == "Phan Thị Lan")).one()
        unit = session.get(UnionUnit, lan.unit_id)
        assert unit is not None and unit.name == "Tổ công đoàn Đế giày"
    for chat in (officer, worker):
        chat.close()
