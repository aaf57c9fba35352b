# ruff: noqa: F811
"""The emulation blocks and their evaluation page in a real browser (Debian's chromium), at
1280 and 360 px: the zone's officer makes a block of its two enterprise unions from the
campaign's page, reads the block's ranking for October, adjusts one union's output with a
reason and sees the ranking turn; the page fits a phone's width throughout."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings
from core.emulation.block_models import Evaluation
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, sign_in
from tests.e2e.block_support import zone_campaign
from tests.e2e.campaign_support import HUNG_THINH, ZONE
from tests.fakes.server import serve_in_thread

HT_NAME = "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam"
MP_NAME = "Công đoàn Công ty TNHH Cơ khí Minh Phát"
OUTPUT = "Sản lượng so với kế hoạch sản xuất"


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[str]:
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        yield base


@pytest.mark.parametrize("width", [1280, 360])
def test_the_evaluation_page(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    data, campaign_id = zone_campaign(runtime)
    page = pages(width, 900)
    sign_in(page, served, data.claim[ZONE])
    page.goto(f"{served}/web/campaigns/{campaign_id}")
    page.get_by_role("link", name="Cụm, khối thi đua").click()
    expect(page.get_by_role("heading", name="Cụm, khối thi đua")).to_be_visible()
    expect(page.locator("#blocks")).to_contain_text("Chưa có cụm, khối nào")
    fits(page, width)

    page.get_by_label("Tên cụm, khối").fill("Cụm doanh nghiệp KCN Bình Dương")
    page.get_by_label("Cách nhóm").select_option("industrial_zone")
    page.get_by_label(MP_NAME).check()
    page.get_by_label(HT_NAME).check()
    page.get_by_role("button", name="Lập cụm, khối này").click()
    expect(page.get_by_role("status")).to_have_text("Đã lập cụm, khối.")
    expect(page.get_by_role("heading", name="Cụm doanh nghiệp KCN Bình Dương")).to_be_visible()
    ranking = page.locator("#ranking tbody tr")
    expect(ranking).to_have_count(2)
    expect(ranking.first).to_contain_text(MP_NAME)
    expect(ranking.first).to_contain_text("66,2")
    expect(page.locator(f"#u{HUNG_THINH}")).to_contain_text("97")
    fits(page, width)

    section = page.locator(f"section[aria-labelledby=h-u{HUNG_THINH}]")
    section.get_by_text(f"Xác nhận hoặc sửa “{OUTPUT}”").click()
    section.get_by_label(f"Số liệu của {HT_NAME}: {OUTPUT}").fill("120")
    section.get_by_role("button", name="Lưu kết quả chấm").first.click()
    expect(page.get_by_role("alert")).to_contain_text("Bạn ghi lý do sửa số liệu")
    fits(page, width)
    section = page.locator(f"section[aria-labelledby=h-u{HUNG_THINH}]")
    # the refused form is open again with the figure typed: nothing lost
    expect(section.get_by_label(f"Số liệu của {HT_NAME}: {OUTPUT}")).to_have_value("120")
    section.get_by_label("Lý do", exact=False).first.fill("Đã đối chiếu sổ sản xuất tháng 10")
    section.get_by_role("button", name="Lưu kết quả chấm").first.click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu kết quả chấm")
    expect(ranking.first).to_contain_text(HT_NAME)
    expect(ranking.first).to_contain_text("68")
    expect(page.locator(f"#u{HUNG_THINH}")).to_contain_text("Đã đối chiếu sổ sản xuất tháng 10")
    fits(page, width)
    # the ranking as an Excel workbook first, the CSV beside it with its separators stated
    expect(page.locator(".csv-note")).to_contain_text("dấu chấm phẩy ; ngăn các cột")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bảng xếp hạng (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert download.value.path().read_bytes()[:2] == b"PK"  # a workbook, not text
    with Session(runtime.engine) as session:
        (row,) = session.exec(select(Evaluation)).all()
        assert (row.value, row.self_value, row.evaluated_by) == (
            Decimal(120),
            Decimal(97),
            data.officer_of[ZONE],
        )
