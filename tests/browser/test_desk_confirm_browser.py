# ruff: noqa: F811
"""The desk's confirmations (desk.js) in a real browser: «Cancel» on the dialog sends nothing
and leaves the campaign running; «OK» closes it. The union tree page shows its unit forms once,
under a plain title. A quiz is announced from its page, and a commendation's announcement is
read and edited before approval, on a wide screen and a phone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.commendations import service as commendations
from core.members.models import Member
from tests.browser.live import LiveChat
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, served, sign_in  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, load_demo
from tests.e2e.test_quiz_announcement import published_quiz

SHOTS = os.environ.get("THIDUA_TEST_SCREENSHOTS")


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


@pytest.mark.parametrize("width", [1280, 360])
def test_a_quiz_announced_from_its_page(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Nguyễn Thị Lan")
    quiz_id = published_quiz(runtime, "Hiểu luật, giữ quyền", runtime.clock.now())
    page = pages(width, 800)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.goto(f"{served}/web/quizzes/{quiz_id}")
    expect(page.get_by_role("heading", name="Báo cho đoàn viên")).to_be_visible()
    fits(page, width)
    shot(page.locator("#announce"), f"quiz-announcement-{width}")
    page.get_by_label("Thông báo (đọc lại, sửa nếu cần)").fill("Thi tìm hiểu luật: vào thi ngay!")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi thông báo").click()
    expect(page).to_have_url(re.compile(r"/web/broadcasts/\d+$"))
    expect(page.locator('#progress td[data-k="sent"]').first).not_to_have_text("0")
    fits(page, width)
    assert "Thi tìm hiểu luật: vào thi ngay!" in worker.received(
        until="Thi tìm hiểu luật: vào thi ngay!"
    )
    page.get_by_role("link", name="← Thi tìm hiểu").click()  # back to the quiz
    expect(page.locator("#announce")).to_contain_text("Xem kết quả gửi")
    officer.close()
    worker.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_commendation_announcement_read_and_edited_before_approval(
    runtime: Runtime, served: str, pages, width: int
):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Nguyễn Thị Lan")
    with Session(runtime.engine) as session, session.begin():
        lan = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        commendations.officer_nominate(
            session,
            actor=Actor.officer(data.officer_of[MINH_PHAT]),
            unit_id=MINH_PHAT,
            member_ids=[lan.id],  # type: ignore[list-item]
            reason="Phát hiện sớm rò rỉ khí nén",
            now=runtime.clock.now(),
            adhoc=True,
        )
    page = pages(width, 800)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.goto(f"{served}/web/commendations")
    box = page.get_by_label("Thông báo tới đoàn viên (đọc lại, sửa nếu cần)")
    expect(box).to_have_value(re.compile("Khen thưởng đột xuất dành cho .*rò rỉ khí nén"))
    fits(page, width)
    shot(page.locator("article").first, f"commendation-preview-{width}")
    box.fill("Chúc mừng chị Lan: phát hiện sớm rò rỉ khí nén, chuyền không phải dừng!")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Duyệt khen thưởng").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã duyệt")
    told = worker.received(until="Chúc mừng chị Lan")
    assert "Chúc mừng chị Lan: phát hiện sớm rò rỉ khí nén" in told
    officer.close()
    worker.close()


def shot(locator, name: str) -> None:  # type: ignore[no-untyped-def]
    """`THIDUA_TEST_SCREENSHOTS=docs/img pytest tests/browser/test_desk_confirm_browser.py`
    refreshes the documentation's pictures of these cards."""
    if SHOTS:
        locator.screenshot(path=str(Path(SHOTS) / f"{name}.png"))
