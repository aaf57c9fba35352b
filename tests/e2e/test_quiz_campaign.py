"""A quiz of a campaign: only the campaign's audience takes it, while the campaign runs, and
its points count on the campaign's leaderboard."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.campaigns.models import Campaign, CampaignStatus
from core.leaderboards.buttons import Board, Period, Ranking
from core.members.buttons import Menu, MenuItem
from core.members.models import UnionUnit
from core.points.models import MemberScore, PointsEntry
from core.points.rules import campaign_scope
from core.quizzes import service as quizzes
from core.quizzes.buttons import Start
from tests.e2e.test_quiz_chat import answer_button, join
from tests.points_helpers import quiz_drafts
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


@pytest.fixture
def campaign_quiz(runtime: Runtime) -> tuple[int, int]:
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=now)
        zone = session.exec(select(UnionUnit).where(UnionUnit.name == demo.ZONE.name)).one()
        campaign = Campaign(
            unit_id=zone.id,  # type: ignore[arg-type]
            title="Tháng an toàn lao động",
            target_groups="direct_worker",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 12, 31),
            status=CampaignStatus.RUNNING,
            launched_at=now,
        )
        session.add(campaign)
        session.flush()
        quiz = quizzes.create_quiz(
            session,
            unit_id=zone.id,  # type: ignore[arg-type]
            settings=quizzes.QuizSettings(
                title="An toàn là bạn",
                opens_at=now,
                closes_at=now + timedelta(days=3),
                speed_bonus=False,
                campaign_id=campaign.id,
            ),
            questions=quiz_drafts()[:1],
            now=now,
        )
        return campaign.id, quiz.id  # type: ignore[return-value]


async def test_campaign_quiz_counts_on_the_campaign_board(
    client: httpx.AsyncClient, runtime: Runtime, campaign_quiz: tuple[int, int]
):
    campaign_id, quiz_id = campaign_quiz
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Đỗ Văn Sơn")  # a direct worker of Minh Phát, in the zone
    menu = await worker.say(payload=Menu(MenuItem.QUIZ).pack())
    assert "An toàn là bạn" in worker.texts(menu)
    await worker.say(payload=Start(quiz_id).pack())
    done = await worker.say("B", payload=answer_button(worker, "300 giờ"))
    assert "Chính xác! +1.000 điểm" in worker.texts(done)
    with Session(runtime.engine) as session:
        entry = session.exec(select(PointsEntry)).one()
        assert entry.campaign_id == campaign_id
        score = session.exec(
            select(MemberScore).where(MemberScore.scope == campaign_scope(campaign_id))
        ).one()
        assert score.points == 1000
    board_menu = await worker.say(payload=Menu(MenuItem.LEADERBOARD).pack())
    campaign_board = Board(Ranking.PEOPLE, Period.CAMPAIGN, campaign_id).pack()
    assert campaign_board in worker.payloads(board_menu)
    board = await worker.tap(campaign_board)
    assert "Bảng xếp hạng đoàn viên – phong trào “Tháng an toàn lao động”" in worker.texts(board)
    assert "1. Đỗ Văn Sơn" in worker.texts(board)

    # a member of the Department's union (under the province, not the zone) cannot take it
    clerk = await ChatUser(client, runtime).open()
    await join(clerk, "Bùi Thu Hà", code="CDCSNN22")
    refused = await clerk.say(payload=Start(quiz_id).pack())
    assert "thuộc một phong trào hiện không dành cho bạn" in clerk.texts(refused)
    # nor anyone once the campaign has closed
    with Session(runtime.engine) as session, session.begin():
        campaign = session.get(Campaign, campaign_id)
        campaign.status = CampaignStatus.CLOSED  # type: ignore[union-attr]
    late = await ChatUser(client, runtime).open()
    await join(late, "Hoàng Minh Tâm")
    listing = await late.say(payload=Menu(MenuItem.QUIZ).pack())
    assert "An toàn là bạn" not in late.texts(listing)
