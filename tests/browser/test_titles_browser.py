# ruff: noqa: F811
"""A closed campaign's titles and commendations page in a real browser (Debian's chromium), at
1280 and 360 px: the zone's officer finds the titles of its closed production campaign proposed
with the final review, proposes them again from the latest figures, reads who
meets which (the two enterprise unions, ranked in their block) and the line of a title nobody
meets, takes a form off the list with a reason (refused first without one, the page says why),
confirms the list and finds the council's XLSX to download; the page fits a phone's width
throughout."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.emulation import blocks, title_defs
from core.emulation.block_models import BlockKind
from core.emulation.review import run_final_review
from core.emulation.title_defaults import Form, Level, Subject
from core.emulation.title_models import TitleChange, TitleProposal
from core.members.models import UnionUnit
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import fits, sign_in
from tests.e2e.block_support import zone_campaign
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE
from tests.fakes.server import serve_in_thread

HT_NAME = "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam"
MP_NAME = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


def held(cards):  # type: ignore[no-untyped-def]
    """Hưng Thịnh's card for its Giấy khen (the title in bold; the amend form lists others)."""
    return cards.filter(has_text=HT_NAME).filter(
        has=cards.page.locator("strong", has_text="Giấy khen")
    )


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[str]:
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        yield base


def closed_in_a_block(runtime: Runtime, data: object, campaign_id: int) -> None:
    """The zone's production campaign, its two unions in one block, a flag nobody reaches,
    closed with its final review (which proposes the titles), as on the desk."""
    actor, now = Actor.officer(data.officer_of[ZONE]), runtime.clock.now()  # type: ignore[attr-defined]
    t = runtime.catalogs.translator("vi")
    with Session(runtime.engine) as session, session.begin():
        blocks.create(
            session,
            actor=actor,
            data=blocks.BlockInput(
                owner_unit_id=ZONE,
                name="Cụm doanh nghiệp KCN Bình Dương",
                kind=BlockKind.INDUSTRIAL_ZONE,
                campaign_id=campaign_id,
                unit_ids=[MINH_PHAT, HUNG_THINH],
            ),
            now=now,
        )
        title_defs.seed(
            session, session.get(UnionUnit, ZONE), runtime.catalogs.translator("vi"), now
        )  # type: ignore[arg-type]
        title_defs.add(
            session,
            actor=actor,
            unit_id=ZONE,
            data=title_defs.DefinitionInput(
                name="Cờ thi đua của Công đoàn các KCN",
                subject=Subject.COLLECTIVE,
                form=Form.TITLE,
                level=Level.UPPER,
                min_score=Decimal(120),
            ),
            now=now,
        )
        campaigns.close(session, actor=actor, campaign_id=campaign_id, now=now)
        run_final_review(session, campaign_id, now, by=actor.member_id, t=t)  # as the desk does


@pytest.mark.parametrize("width", [1280, 360])
def test_the_titles_page(runtime: Runtime, served: str, pages, width: int):  # type: ignore[no-untyped-def]
    data, campaign_id = zone_campaign(runtime)
    page = pages(width, 900)
    sign_in(page, served, data.claim[ZONE])  # before the review's announcement reaches them
    closed_in_a_block(runtime, data, campaign_id)
    page.goto(f"{served}/web/campaigns/{campaign_id}")
    page.get_by_role("link", name="Danh hiệu, khen thưởng").click()
    expect(page.get_by_role("heading", name="Danh hiệu, khen thưởng")).to_be_visible()
    expect(page.locator("#state")).to_have_text("Đã đề xuất lúc 25/11/2026 10:00; chưa xác nhận.")
    expect(page.locator("#proposals section")).to_have_count(4)
    fits(page, width)

    page.get_by_role("button", name="Đề xuất lại theo số liệu mới nhất").click()
    expect(page.get_by_role("status")).to_contain_text(
        "thidua đã đề xuất những ai đạt từng danh hiệu"
    )
    cards = page.locator("#proposals section")
    expect(cards).to_have_count(4)
    expect(page.locator("#nobody")).to_contain_text(
        "Không ai đạt “Cờ thi đua của Công đoàn các KCN” (Công đoàn cấp trên trực tiếp cơ sở): "
        "đạt ít nhất 120% số điểm."
    )
    certificate = held(cards)
    expect(certificate).to_contain_text("xếp thứ 2/2 trong Cụm doanh nghiệp KCN Bình Dương")
    fits(page, width)

    certificate.get_by_text("Điều chỉnh").click()
    certificate.get_by_role("button", name="Đưa ra khỏi danh sách").click()
    expect(page.get_by_role("alert")).to_have_text("Bạn ghi lý do thay đổi (từ 1 đến 500 ký tự).")
    fits(page, width)
    certificate = held(page.locator("#proposals section"))
    certificate.get_by_text("Điều chỉnh").click()
    certificate.get_by_label("Lý do").fill("Tỷ lệ hàng lỗi còn vượt chỉ tiêu")
    certificate.get_by_role("button", name="Đưa ra khỏi danh sách").click()
    expect(page.get_by_role("status")).to_have_text("Đã đưa ra khỏi danh sách; lý do được lưu lại.")
    expect(certificate).to_contain_text("đã đưa ra khỏi danh sách")
    expect(certificate).to_contain_text("Lý do: Tỷ lệ hàng lỗi còn vượt chỉ tiêu")
    fits(page, width)

    page.get_by_role("button", name="Xác nhận danh sách").click()
    expect(page.get_by_role("status")).to_contain_text("Danh sách đã được xác nhận.")
    expect(
        page.get_by_role("link", name="Tải danh sách gửi Hội đồng thi đua – khen thưởng (XLSX)")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Xác nhận danh sách")).to_have_count(0)
    fits(page, width)
    with Session(runtime.engine) as session:
        statuses = sorted(p.status for p in session.exec(select(TitleProposal)))
        assert statuses == ["confirmed", "confirmed", "confirmed", "removed"]
        (change,) = session.exec(select(TitleChange)).all()
        assert (change.action, change.reason) == ("removed", "Tỷ lệ hàng lỗi còn vượt chỉ tiêu")
