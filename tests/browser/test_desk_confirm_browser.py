# ruff: noqa: F811
"""The desk's confirmations (desk.js) in a real browser: «Cancel» on the dialog sends nothing
and leaves the campaign running; «OK» closes it. The union tree page shows its unit forms once,
under a plain title. A quiz is announced from its page on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign, CampaignStatus
from tests.browser.live import LiveChat
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, served, sign_in  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, load_demo
from tests.e2e.test_quiz_announcement import published_quiz


def status_of(runtime: Runtime, campaign_id: int) -> str:
    with Session(runtime.engine) as session:
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        return str(campaign.status)


@pytest.mark.parametrize("width", [1280, 360])
def test_cancel_on_a_confirmation_sends_nothing(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    page = pages(width, 800)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.goto(f"{served}/web/campaigns")
    page.get_by_label("Tên phong trào").fill("Tháng an toàn lao động")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_role("heading", name="Tháng an toàn lao động")).to_be_visible()
    campaign_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    url = page.url

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    page.get_by_role("button", name="Kết thúc phong trào").click()
    expect(page.get_by_role("button", name="Kết thúc phong trào")).to_be_visible()
    assert asked and "Tháng an toàn lao động" in asked[0]  # the question named the campaign
    assert not [r for r in requests if r.startswith("POST")], requests  # nothing was sent
    assert page.url == url
    assert status_of(runtime, campaign_id) == CampaignStatus.DRAFT
    fits(page, width)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Kết thúc phong trào").click()
    expect(page.get_by_role("button", name="Kết thúc phong trào")).to_have_count(0)
    assert status_of(runtime, campaign_id) == CampaignStatus.CLOSED

    page.goto(f"{served}/web/org")
    assert page.title().startswith("Cây tổ chức")
    assert "<" not in page.title()
    expect(page.get_by_role("heading", name="Sửa một đơn vị")).to_have_count(1)
    expect(page.locator("#edit-unit")).to_have_count(1)
    fits(page, width)
    officer.close()


def test_a_quiz_announced_from_its_page_on_a_phone(runtime: Runtime, served: str, pages):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Nguyễn Thị Lan")
    quiz_id = published_quiz(runtime, "Hiểu luật, giữ quyền", runtime.clock.now())
    page = pages(360, 740)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.goto(f"{served}/web/quizzes/{quiz_id}")
    expect(page.get_by_role("heading", name="Báo cho đoàn viên")).to_be_visible()
    fits(page, 360)
    page.get_by_label("Thông báo (đọc lại, sửa nếu cần)").fill("Thi tìm hiểu luật: vào thi ngay!")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi thông báo").click()
    expect(page).to_have_url(re.compile(r"/web/broadcasts/\d+$"))
    expect(page.locator('#progress td[data-k="sent"]').first).not_to_have_text("0")
    fits(page, 360)
    assert "Thi tìm hiểu luật: vào thi ngay!" in worker.received()
    page.get_by_role("link", name="← Thi tìm hiểu").click()  # back to the quiz
    expect(page.locator("#announce")).to_contain_text("Xem kết quả gửi")
    officer.close()
    worker.close()
