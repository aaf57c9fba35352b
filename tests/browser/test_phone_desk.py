# ruff: noqa: F811
"""The officer desk on a phone (360 px) and a desktop (1280 px), on the demo with its showcase:
every page fits the screen, every section of the menu is on screen, the leaderboard's two
charts carry their own visible titles and ids, the delivery report shows its numbers first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo_chats, demo_showcase
from core.broadcasts.models import Broadcast
from core.campaigns.models import Campaign
from core.initiatives.models import Initiative
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, served, sign_in  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, ZONE, load_demo
from tests.e2e.initiative_support import notifier

PAGES = [
    "/",
    "/campaigns",
    "/initiatives",
    "/reward-tables",
    "/leaderboards",
    "/quizzes",
    "/commendations",
    "/members",
    "/exports",
]
# `THIDUA_TEST_SCREENSHOTS=docs/img pytest tests/browser/test_phone_desk.py` refreshes docs/img
SHOTS = os.environ.get("THIDUA_TEST_SCREENSHOTS")


def showcase(runtime: Runtime):  # type: ignore[no-untyped-def]
    """The demo as `thidua demo load` makes it: the showcase, its past delivered to the demo
    members' web chats (the dashboard's reach is theirs)."""
    data = load_demo(runtime)
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        demo_chats.open_web_chats(session, now=now)
        demo_showcase.load(
            session,
            now=now,
            notifier=notifier(runtime),
            policy=runtime.processor.config.delivery,
        )
        demo_chats.deliver_past(session, before=now)
    with Session(runtime.engine) as session:
        campaign = session.exec(select(Campaign)).one().id
        broadcast = (
            session.exec(select(Broadcast).where(Broadcast.campaign_id == campaign)).one().id
        )
        initiative = session.exec(
            select(Initiative.id).where(Initiative.status == "received")
        ).one()
    return data, campaign, broadcast, initiative


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def menu_on_screen(page, width: int) -> None:  # type: ignore[no-untyped-def]
    links = page.locator("nav.main a")
    assert links.count() >= 8  # every section of the desk, whatever their number
    for n in range(links.count()):
        box = links.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            links.nth(n).inner_text(),
            box,
        )


@pytest.mark.parametrize("width", [360, 1280])
def test_every_page_fits_and_shows_every_section(runtime: Runtime, served: str, pages, width):  # type: ignore[no-untyped-def]
    data, campaign, broadcast, initiative = showcase(runtime)
    page = pages(width, 800)
    officer = sign_in(page, served, data.claim[ZONE])
    extra = [f"/campaigns/{campaign}", f"/broadcasts/{broadcast}", f"/initiatives/{initiative}"]
    for path in PAGES + extra:
        page.goto(f"{served}/web{path}")
        expect(page.locator("main h1").first).to_be_visible()
        fits(page, width)
        menu_on_screen(page, width)
    # the delivery report: its numbers before the announcement's text
    page.goto(f"{served}/web/broadcasts/{broadcast}")
    progress = page.locator("#progress").bounding_box()
    announcement = page.locator("#announcement").bounding_box()
    assert progress and announcement and progress["y"] < announcement["y"]
    shot(page, f"report-{width}")
    # the leaderboard: two charts, each with its own visible title and ids
    page.goto(f"{served}/web/leaderboards")
    titles = page.locator("section.chart figure h3")
    expect(titles).to_have_text(
        [
            "Tỷ lệ tham gia của từng đơn vị theo tuần",
            "Điểm bình quân mỗi đoàn viên của từng đơn vị theo tuần",
        ]
    )
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    expect(
        page.locator("svg#chart-participation-t, svg title#chart-participation-t")
    ).to_have_count(1)
    if SHOTS:
        page.locator("section.chart").screenshot(path=str(Path(SHOTS) / f"charts-{width}.png"))
    page.goto(f"{served}/web/")
    shot(page, f"dashboard-{width}")
    page.goto(f"{served}/web/reward-tables")
    expect(page.locator("#in-force")).to_be_visible()  # the showcase's table is in force
    shot(page, f"reward-tables-{width}")
    page.goto(f"{served}/web/initiatives/{initiative}")
    shot(page, f"initiative-{width}")
    officer.close()


def test_a_long_title_and_the_launch_time_fit_a_phone(runtime: Runtime, served: str, pages):  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    page = pages(360, 800)
    officer = sign_in(page, served, data.claim[MINH_PHAT])
    page.get_by_role("link", name="Phong trào thi đua").click()
    title = "Phong trào thi đua lao động sản xuất giỏi, đảm bảo an toàn vệ sinh lao động " * 2
    page.get_by_label("Tên phong trào").fill(title.strip()[:190])
    page.get_by_label("Nội dung phong trào").fill("Mỗi tổ đăng ký chỉ tiêu năng suất.")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.locator("#scheduled_at")).to_be_visible()
    fits(page)
    box = page.locator("#scheduled_at").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Kết thúc phong trào").click()
    assert asked and asked[0].startswith("Kết thúc phong trào “Phong trào thi đua")
    expect(page.get_by_role("button", name="Kết thúc phong trào")).to_be_visible()  # not closed
    shot(page, "campaign-360")
    officer.close()
