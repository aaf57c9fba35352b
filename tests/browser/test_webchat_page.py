# ruff: noqa: F811
"""The web chat page in a real browser: the person's own messages are still there after a
reload, the conversation scrolls to the buttons once they are drawn (360 px), and the name typed
while joining is shown back with its buttons."""

from __future__ import annotations

from playwright.sync_api import expect

from bots.bootstrap import Runtime
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import served  # noqa: F401
from tests.e2e.campaign_support import load_demo


def at_bottom(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "(() => { const l = document.getElementById('log');"
        " return l.scrollTop + l.clientHeight >= l.scrollHeight - 2; })()"
    )


def test_own_messages_survive_a_reload_and_the_buttons_are_in_view(
    runtime: Runtime, served: str, pages
):  # type: ignore[no-untyped-def]
    load_demo(runtime)
    page = pages(360, 420)  # the consent text and its buttons overflow the log
    page.goto(f"{served}/chat")
    expect(page.locator(".msg.bot").first).to_be_visible()
    page.locator("#text").fill("CDCSTN33")
    page.locator("#text").press("Enter")
    agree = page.get_by_role("button", name="Tôi đồng ý")
    expect(agree).to_be_visible()
    assert at_bottom(page)
    agree.click()
    # the next question has come (the consent's own text names «họ tên», so waiting for that
    # passed at once when the check ran before the answer arrived, and failed after it)
    expect(page.locator(".msg.bot").last).to_contain_text("nhận thông báo")
    page.reload()
    mine = page.locator(".msg.me")
    expect(mine).to_have_text(["/start", "CDCSTN33", "Tôi đồng ý"])
    # in order: the code comes before the question it answered
    texts = page.locator(".msg").all_inner_texts()
    assert texts.index("CDCSTN33") < next(i for i, t in enumerate(texts) if "họ tên" in t)


def test_the_name_is_shown_back_with_its_buttons_in_view(runtime: Runtime, served: str, pages):  # type: ignore[no-untyped-def]
    """Joining in the page at 360 px: the name typed comes back with «Đúng» and «Nhập lại» in
    view; «Nhập lại» asks again, «Đúng» keeps the second name and the next question comes."""
    load_demo(runtime)
    page = pages(360, 640)
    page.goto(f"{served}/chat")
    expect(page.locator(".msg.bot").first).to_be_visible()
    box = page.locator("#text")
    box.fill("CDCSTN33")
    box.press("Enter")
    for label in ("Tôi đồng ý", "Có, gửi cho tôi", "Có, hiện tên tôi"):
        page.get_by_role("button", name=label).click()
        expect(page.locator(".msg.me").last).to_have_text(label)
    expect(page.locator(".msg.bot").last).to_contain_text("Họ và tên của bạn là gì?")
    box.fill("Nguyen Thi Lan")
    box.press("Enter")
    expect(page.locator(".msg.bot").last).to_contain_text("Họ và tên của bạn: Nguyen Thi Lan")
    again = page.get_by_role("button", name="Nhập lại")
    expect(again).to_be_visible()
    expect(page.get_by_role("button", name="Đúng", exact=True)).to_be_visible()
    assert at_bottom(page)
    again.click()
    expect(page.locator(".msg.bot").last).to_contain_text("Họ và tên của bạn là gì?")
    box.fill("Nguyễn Thị Lan")
    box.press("Enter")
    expect(page.locator(".msg.bot").last).to_contain_text("Họ và tên của bạn: Nguyễn Thị Lan")
    page.get_by_role("button", name="Đúng", exact=True).last.click()
    expect(page.locator(".msg.bot").last).to_contain_text("đối tượng")
    expect(page.locator(".msg.bot").filter(has_text="Cảm ơn Nguyễn Thị Lan.")).to_have_count(1)
