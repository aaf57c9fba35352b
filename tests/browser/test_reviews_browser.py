# ruff: noqa: F811
"""A campaign's review page in a real browser (Debian's chromium), at 1280 and 360 px: the
zone's officer opens the production campaign's reviews from its page, makes a mid-term review,
reads it (the summary, the unions' points as a chart and a table, the block, the people), finds
the workbook's link, and the page fits a phone's width with no horizontal scroll throughout."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, sign_in
from tests.e2e.block_support import zone_campaign
from tests.e2e.campaign_support import ZONE
from tests.fakes.server import serve_in_thread

MP_NAME = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[str]:
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        yield base


@pytest.mark.parametrize("width", [1280, 360])
def test_the_review_page(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    data, campaign_id = zone_campaign(runtime)
    page = pages(width, 900)
    sign_in(page, served, data.claim[ZONE])
    page.goto(f"{served}/web/campaigns/{campaign_id}")
    page.get_by_role("link", name="Sơ kết, tổng kết").click()
    expect(page.get_by_role("heading", name="Sơ kết, tổng kết")).to_be_visible()
    expect(page.locator("#reviews")).to_contain_text("chưa có bản sơ kết, tổng kết nào")
    fits(page, width)

    page.get_by_role("button", name="Làm sơ kết").click()
    expect(page.get_by_role("status")).to_contain_text("Đã làm xong")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sơ kết")
    expect(page.locator("#summary")).to_contain_text("Đoàn viên thuộc phạm vi phong trào")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    units = page.locator("#units tbody tr")
    expect(units.first).to_contain_text("1")
    expect(page.locator("#units")).to_contain_text(MP_NAME)
    expect(page.get_by_role("link", name="Tải bảng tính (XLSX)")).to_be_visible()
    fits(page, width)

    page.get_by_role("link", name="← Sơ kết, tổng kết").click()
    expect(page.locator("#reviews tbody tr")).to_have_count(1)
    fits(page, width)
