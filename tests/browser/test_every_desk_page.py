# ruff: noqa: F811
"""Every page of the officer desk on a phone (360 px), measured: the demo as `make run` loads it
(`thidua demo load`: the showcase, the members' web chats, the organisation, the emulation
campaigns and their block), the province's officer signed in, and every GET route of the desk
that answers with a page visited with the demo's ids: its scroll width is at most 360 px. A new
page is measured as soon as it is routed; a new kind of id in a path fails here until the test
knows where to find one."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from fastapi.routing import iter_route_contexts
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.cli import main
from bots.settings import Settings
from core.broadcasts.models import Broadcast
from core.campaigns.models import Campaign
from core.clock import utcnow
from core.emulation.block_models import EmulationBlock
from core.emulation.review_models import EmulationReview
from core.initiatives.models import Initiative
from core.members.models import InviteCode, Member, UnionUnit
from core.quizzes.models import Quiz
from tests.browser.support import settings  # noqa: F401
from tests.browser.test_web_browser import sign_in
from tests.e2e.test_demo_members import env  # noqa: F401
from tests.fakes.server import serve_in_thread

WIDTH = 360
# Routes that answer with a file or a fragment, not a page (and the sign-in page, signed out).
FILES = re.compile(
    r"(\.csv|\.xlsx|\.\{fmt\}|\.png|/xlsx|/export|/exports/report|/evidence"
    r"|/files/\{file_id\}|/progress|/preview|/signin)$"
)
PROVINCE_CLAIM = re.compile(r"^  ([A-Z2-9]{5}-[A-Z2-9]{5})  .+, Liên đoàn Lao động tỉnh", re.M)


@pytest.fixture
def served(runtime: Runtime, settings: Settings) -> Iterator[tuple[str, list[str]]]:
    """The running desk and the paths of its GET routes."""
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        routes = sorted(
            {
                r.path
                for r in iter_route_contexts(app.routes)
                if r.path.startswith("/web") and "GET" in (r.methods or set())
            }
        )
        yield base, routes


def ids(runtime: Runtime, campaign: int) -> dict[str, list[object]]:
    """The demo's ids for each kind of path parameter (every one of the few there are)."""
    with Session(runtime.engine) as s:
        blocks = s.exec(select(EmulationBlock.id).where(EmulationBlock.campaign_id == campaign))
        return {
            "broadcast_id": list(s.exec(select(Broadcast.id))),
            "initiative_id": list(s.exec(select(Initiative.id))),
            "member_id": list(s.exec(select(Member.id).limit(1))),
            "quiz_id": list(s.exec(select(Quiz.id))),
            "code": list(s.exec(select(InviteCode.code).limit(1))),
            "unit_id": list(s.exec(select(UnionUnit.id).order_by(col(UnionUnit.id)).limit(1))),
            "block_id": list(blocks),
            "review_id": list(s.exec(select(EmulationReview.id))),
            "campaign_id": list(s.exec(select(Campaign.id).order_by(col(Campaign.id)))),
        }


def paths(template: str, known: dict[str, list[object]]) -> list[str]:
    names = re.findall(r"\{(\w+)\}", template)
    missing = [n for n in names if n not in known]
    assert not missing, f"{template}: the test does not know where to find a {missing}"
    if "block_id" in names or "review_id" in names:
        # a block's or a review's pages are under their own campaign (the zone's)
        known = {**known, "campaign_id": [known["campaign_id"][-1]]}
    found = []
    for values in itertools.product(*(known[n] for n in names)):
        path = template
        for name, value in zip(names, values, strict=True):
            path = path.replace(f"{{{name}}}", str(value))
        found.append(path)
    return found


def test_every_desk_page_fits_a_phone(
    env: None,
    runtime: Runtime,
    served: tuple[str, list[str]],
    pages,
    capsys: pytest.CaptureFixture[str],
    clock,
):  # type: ignore[no-untyped-def]
    base, routes = served
    clock.current = utcnow()  # the command loads the demo around the real time
    assert main(["demo", "load"]) == 0
    claim = PROVINCE_CLAIM.search(capsys.readouterr().out)
    assert claim, "the province officer's claim code is printed"
    page = pages(WIDTH, 800)
    officer = sign_in(page, base, claim.group(1))
    with Session(runtime.engine) as s:
        zone_campaign = s.exec(select(EmulationBlock.campaign_id)).first()
    assert zone_campaign is not None
    # a mid-term review, so that a review's own page is measured too
    page.goto(f"{base}/web/campaigns/{zone_campaign}/reviews")
    page.get_by_role("button", name="Làm sơ kết").click()
    expect(page.get_by_role("status")).to_contain_text("Đã làm xong")

    known = ids(runtime, zone_campaign)
    wide: list[str] = []
    visited = 0
    for template in (r for r in routes if not FILES.search(r)):
        for path in paths(template, known):
            response = page.goto(f"{base}{path}")
            assert response is not None
            kind = response.headers.get("content-type", "")
            assert response.status == 200 and kind.startswith("text/html"), (path, response)
            expect(page.locator("main h1").first).to_be_visible()
            visited += 1
            scrolled = page.evaluate("document.documentElement.scrollWidth")
            if scrolled > WIDTH:
                wide.append(f"{path}: {scrolled} px")
    assert not wide, "wider than a phone:\n" + "\n".join(wide)
    assert visited >= 40, visited
    officer.close()
