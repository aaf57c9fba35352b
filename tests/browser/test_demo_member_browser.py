# ruff: noqa: F811
"""Being a demo member in the browser: the link `thidua demo load` printed opens that member's
web chat (360 px) with the showcase's announcements already there, leaves the address bar, and
the quiz starts from its announcement's «Vào thi» button."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bots.bootstrap import Runtime
from core.clock import utcnow
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import served  # noqa: F401
from tests.e2e.test_demo_members import env, load_demo_by_cli  # noqa: F401


def test_a_demo_member_link_opens_their_chat(
    env: None, runtime: Runtime, served: str, pages, capsys: pytest.CaptureFixture[str], clock
):  # type: ignore[no-untyped-def]
    clock.current = utcnow()  # the command loads the demo around the real time
    doors = load_demo_by_cli(capsys)
    chat, _name, _unit = next(d for d in doors if "Minh Phát" in d[2])
    page = pages(360, 740)
    page.goto(f"{served}/chat#as={chat}")
    expect(page.locator(".msg.bot").first).to_be_visible()
    assert page.url == f"{served}/chat"  # the session is not left in the address bar
    assert page.evaluate("localStorage.getItem('thidua.session')") == chat
    expect(page.locator("#log")).to_contain_text("Thi đua năng suất, an toàn cuối năm")
    expect(page.locator(".msg.me")).to_have_count(0)  # no /start: the member has joined
    page.get_by_role("button", name="Vào thi").last.click()
    expect(page.locator(".msg.bot").last).to_contain_text("Câu 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
