# ruff: noqa: F811
"""The officer web UI in a real browser (Debian's chromium through Playwright), against the app
served with its background workers: sign in with the code the bot sent, create and launch a
campaign and watch its report fill, review an initiative, export a leaderboard; and the
officer of one grassroots union cannot reach another's things."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings
from core.initiatives.models import Initiative
from tests.browser.live import LiveChat
from tests.browser.support import CODE, code_in, settings, submitted_initiative  # noqa: F401
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo
from tests.fakes.server import serve_in_thread


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[str]:
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        yield base


def sign_in(page, base: str, claim: str) -> LiveChat:  # type: ignore[no-untyped-def]
    officer = LiveChat(base)
    officer.send(f"/link {claim}")
    code = code_in("\n".join(m["text"] for m in officer.send("/signin", until=CODE)))
    page.goto(f"{base}/web/")
    expect(page).to_have_url(f"{base}/web/signin")
    page.get_by_label("Mã đăng nhập bot đã gửi").fill(code)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}/web/")
    return officer


def test_an_officer_runs_a_campaign_reviews_an_initiative_and_exports(
    runtime: Runtime, served: str, pages
):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Nguyễn Thị Lan")
    initiative_id = submitted_initiative(runtime, unit_id=MINH_PHAT, title="Cữ chặn máy dập")

    page = pages()
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    expect(page.get_by_role("heading", name="Tổng quan đơn vị")).to_be_visible()

    # create a campaign
    page.get_by_role("link", name="Phong trào thi đua").click()
    page.get_by_label("Tên phong trào").fill("Tháng năng suất xanh")
    page.get_by_label("Nội dung phong trào").fill("Mỗi tổ đề xuất một cách tiết kiệm điện.")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.get_by_role("heading", name="Tháng năng suất xanh")).to_be_visible()
    expect(page.locator("#plan")).to_contain_text("Trò chuyện trên web")
    expect(page.locator("#plan")).not_to_contain_text("webchat")  # never a platform id
    # the preview per messenger follows the text as it is typed (htmx)
    page.get_by_label("Thông báo phát động").fill("Phát động tháng năng suất xanh!")
    expect(page.locator("#preview")).to_contain_text("Phát động tháng năng suất xanh!")

    # launch it and watch the report fill
    page.get_by_role("button", name="Phát động phong trào").click()
    expect(page).to_have_url(f"{served}/web/broadcasts/1")
    expect(page.locator('#progress td[data-k="sent"]').first).to_have_text(
        "2", timeout=15000
    )  # Lan and the signed-in officer (on the web chat too)
    expect(page.locator("#progress")).to_contain_text("Đã gửi xong")
    assert "Phát động tháng năng suất xanh!" in worker.received(
        until="Phát động tháng năng suất xanh!"
    )

    # review the initiative: accept it with the reward from the band table
    page.get_by_role("link", name="Xét duyệt sáng kiến").click()
    page.get_by_role("link", name=f"SK-2026-{initiative_id:06d}").click()
    expect(page.locator("#reward")).to_contain_text("3.000.000")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Công nhận với mức thưởng này").click()
    expect(page.locator("[role=status]")).to_be_visible()
    with Session(runtime.engine) as session:
        item = session.get(Initiative, initiative_id)
        assert item is not None and item.status == "accepted" and item.reward_vnd == 3_000_000
    assert "3.000.000" in asked[0] and asked[0].startswith("Công nhận SK-")  # confirmed first

    # export the people's leaderboard
    page.get_by_role("link", name="Bảng xếp hạng").click()
    expect(page.locator("svg title").first).to_have_text("Tỷ lệ tham gia của từng đơn vị theo tuần")
    with page.expect_download() as download:
        page.locator("#export-people-csv").click()
    saved = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(saved), delimiter=";"))  # as a Vietnamese Excel splits it
    assert rows[0] == ["Hạng", "Họ tên đoàn viên", "Công đoàn cơ sở", "Điểm"]
    assert rows[1][3] == "150" and rows[1][2] == "Công đoàn Công ty TNHH Cơ khí Minh Phát"
    officer.close()
    worker.close()


def test_a_phone_sized_screen_and_another_unions_campaign(runtime: Runtime, served: str, pages):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    other = pages()
    sign_in(other, served, data.claim[HUNG_THINH])
    other.goto(f"{served}/web/campaigns")
    other.get_by_label("Tên phong trào").fill("Phong trào của Hưng Thịnh")
    other.get_by_role("button", name="Tạo bản nháp").click()
    expect(other.get_by_role("heading", name="Phong trào của Hưng Thịnh")).to_be_visible()
    theirs = other.url

    page = pages(360, 740)
    sign_in(page, served, data.claim[MINH_PHAT])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the dashboard is {width} px wide on a 360 px screen"
    response = page.goto(theirs)
    assert response is not None and response.status == 404
    page.goto(f"{served}/web/campaigns")
    expect(page.locator("main")).not_to_contain_text("Phong trào của Hưng Thịnh")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Bỏ qua" in focused  # the first Tab reaches the skip link


BAD_BANK = (
    "question,option_1,option_2,correct\n"
    "Ngày Quốc tế Lao động là ngày nào?,1/5,2/9,1\n"
    "Câu hỏi thiếu đáp án,Có,Không,\n"
)
GOOD_BANK = "question,option_1,option_2,correct\nNgày Quốc tế Lao động là ngày nào?,1/5,2/9,1\n"


def fits(page, width: int = 360) -> None:  # type: ignore[no-untyped-def]
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} is {scrolled} px wide on a {width} px screen"


def test_quizzes_invites_commendations_and_exports_on_a_phone(runtime: Runtime, served: str, pages):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Nguyễn Thị Lan")
    page = pages(360, 740)
    officer = sign_in(page, served, data.claim[MINH_PHAT])

    # a question bank with a bad row, then a good one: preview, publish
    page.get_by_role("link", name="Thi tìm hiểu").click()
    fits(page)
    page.get_by_label("Tên cuộc thi").fill("Tìm hiểu ngày 1/5")
    upload = {"name": "bank.csv", "mimeType": "text/csv"}
    page.get_by_label("Tệp bộ câu hỏi").set_input_files({**upload, "buffer": BAD_BANK.encode()})
    page.get_by_role("button", name="Nhập và xem trước").click()
    expect(page.locator("#row-errors tbody tr")).to_have_count(1)
    expect(page.locator("#row-errors tbody td").first).to_have_text("3")
    fits(page)
    page.get_by_label("Tệp bộ câu hỏi").set_input_files({**upload, "buffer": GOOD_BANK.encode()})
    page.get_by_role("button", name="Nhập và xem trước").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã nhập 1 câu hỏi")
    expect(page.locator("ul.options li.right")).to_contain_text("1/5")
    page.get_by_role("button", name="Công bố cuộc thi").click()
    expect(page.locator("#quiz-state")).to_have_text("đang mở")
    fits(page)

    # an invite code and its poster with the QR codes
    page.get_by_role("link", name="Đoàn viên và mã mời").click()
    expect(page.locator("#members")).to_contain_text("Nguyễn Thị Lan")
    fits(page)
    # typing part of a name filters the list in place (htmx), without a button
    page.get_by_label("Một phần họ tên đoàn viên").fill("thị lan")
    expect(page.locator("#members tbody tr")).to_have_count(1)
    expect(page.locator("#members")).to_contain_text("Nguyễn Thị Lan")
    expect(page).to_have_url(re.compile(r"q=th"))
    page.get_by_role("button", name="Tạo mã mời và áp phích").click()
    expect(page.locator("#invite-code")).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    # each image's load event (wait_for_function would evaluate a string, which the desk's
    # Content-Security-Policy forbids when it has to poll)
    page.evaluate(
        "Promise.all(Array.from(document.images).map(i => i.complete ? null : new Promise("
        "r => { i.addEventListener('load', r); i.addEventListener('error', r); })))"
    )
    assert page.evaluate("Array.from(document.images).every(i => i.naturalWidth > 300)")
    fits(page)

    # commend the worker, approve it
    page.get_by_role("link", name="Khen thưởng").click()
    page.get_by_label("Một phần họ tên đoàn viên").fill("lan")
    page.get_by_role("button", name="Tìm đoàn viên").click()
    page.get_by_label("Nguyễn Thị Lan").check()
    page.get_by_label("Lý do khen thưởng").fill("Phát hiện sớm rò rỉ khí nén.")
    page.get_by_role("button", name="Ghi nhận khen thưởng").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã ghi nhận")
    approving: list[str] = []
    page.on("dialog", lambda dialog: (approving.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Duyệt khen thưởng").click()
    expect(page.locator("[role=status]")).to_contain_text("Đã duyệt")
    assert approving and "điểm" in approving[0] and "{points}" not in approving[0]
    fits(page)
    assert "Phát hiện sớm rò rỉ khí nén." in worker.received(until="Phát hiện sớm rò rỉ khí nén.")

    # the share report from the exports page
    page.get_by_role("link", name="Xuất dữ liệu").click()
    fits(page)
    page.get_by_label("Báo cáo nào").select_option("commendations")
    page.locator("#rp-fmt").select_option("csv")
    with page.expect_download() as download:
        page.locator("#export-report").click()
    saved = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(saved), delimiter=";"))
    assert rows[1][:3] == ["Công đoàn Công ty TNHH Cơ khí Minh Phát", "1", "1"]
    officer.close()
    worker.close()


def test_each_initiative_decision_posts_its_own_form_on_a_phone(
    runtime: Runtime, served: str, pages
):  # type: ignore[no-untyped-def]
    """Start the review, assign it, ask the authors (a blank question is refused on the page),
    reject another, accept and mark a third as applied: one form and one route each."""
    data = load_demo(runtime)
    worker = LiveChat(served)
    worker.join("CDCSTN33", "Nguyễn Thị Lan")
    asked, rejected, applied = (
        submitted_initiative(runtime, unit_id=MINH_PHAT, title=title)
        for title in ("Cữ chặn máy dập", "Đèn tiết kiệm điện", "Khay hứng dầu")
    )
    page = pages(360, 740)
    officer = sign_in(page, served, data.claim[MINH_PHAT])

    def status_of(initiative_id: int) -> str:
        with Session(runtime.engine) as session:
            item = session.get(Initiative, initiative_id)
            assert item is not None
            return item.status

    def done() -> None:
        expect(page.locator("[role=status]")).to_contain_text("Đã xong")
        fits(page)

    page.goto(f"{served}/web/initiatives/{asked}")
    page.get_by_role("button", name="Bắt đầu xét duyệt").click()
    done()
    assert status_of(asked) == "under_review"
    page.get_by_label("Giao xét duyệt cho").select_option(index=0)
    page.get_by_role("button", name="Giao việc").click()
    done()
    page.get_by_label("Đề nghị tác giả bổ sung thông tin").fill("   ")
    page.get_by_role("button", name="Gửi câu hỏi").click()
    expect(page.locator("[role=alert]")).to_be_visible()
    assert status_of(asked) == "under_review"
    question = "Cữ chặn làm bằng vật liệu gì?"
    page.get_by_label("Đề nghị tác giả bổ sung thông tin").fill(question)
    page.get_by_role("button", name="Gửi câu hỏi").click()
    done()
    assert status_of(asked) == "needs_info"
    assert question in worker.received(until=question)  # after the review's news

    page.goto(f"{served}/web/initiatives/{rejected}")
    page.get_by_label("Lý do không công nhận").fill("Đã có đề xuất tương tự.")
    page.get_by_role("button", name="Không công nhận").click()
    done()
    assert status_of(rejected) == "rejected"

    page.goto(f"{served}/web/initiatives/{applied}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Công nhận với mức thưởng này").click()
    done()
    page.get_by_role("button", name="Đánh dấu đã áp dụng vào sản xuất").click()
    done()
    assert status_of(applied) == "applied"
    officer.close()
    worker.close()
