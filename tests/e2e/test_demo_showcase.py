"""The demo shows every feature at any hour: at 21:30 in Vietnam a new worker joins, finds the
running campaign and the open quiz, takes it (ranked among the demo's other takers), sends an initiative and hears it accepted; the
officer finds initiatives in every state, a reward table in force and boards with scores."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo, demo_showcase
from core import initiatives as service
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.initiatives.models import Initiative
from core.leaderboards import service as boards
from core.members.buttons import Menu, MenuItem
from core.members.models import UnionUnit
from core.points.rules import campaign_scope
from core.quizzes.buttons import Answer, Next, Start
from tests.e2e.campaign_support import MINH_PHAT, member, member_id
from tests.e2e.initiative_support import notifier, sent_initiative

pytestmark = pytest.mark.anyio


def load_showcase(runtime: Runtime) -> dict[str, int]:
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=now)
        return demo_showcase.load(
            session,
            now=now,
            notifier=notifier(runtime),
            policy=runtime.processor.config.delivery,
        )


async def test_the_demo_has_something_everywhere_in_the_evening(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    clock.current = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)  # 21:30 in Hồ Chí Minh City
    counts = load_showcase(runtime)
    assert counts["initiatives"] == 6 and counts["scores"] > 40 and counts["quiz_takers"] >= 4
    with Session(runtime.engine) as session:
        statuses = {i.status for i in session.exec(select(Initiative))}
        assert statuses == {
            "received",
            "under_review",
            "needs_info",
            "accepted",
            "applied",
            "rejected",
        }
        campaign = session.exec(select(Campaign)).one()
        assert campaign.status == CampaignStatus.RUNNING
        assert service.table_in_force(session, unit_id=MINH_PHAT, on=clock.current.date())
        assert len(boards.top_members(session, scope="all", limit=50)) > 10
        # the overview's participation per unit: the weeks' points count in the campaign
        zone = session.get(UnionUnit, campaign.unit_id)
        rows = boards.unit_rows(session, scope=campaign_scope(campaign.id or 0), within=zone)
        taking_part = {r.unit_id: r.participants for r in rows}
        assert taking_part.get(MINH_PHAT, 0) > 0, taking_part

    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    campaigns = await lan.say("x", payload=Menu(MenuItem.CAMPAIGNS).pack())
    labels = [b["label"] for m in campaigns for b in m["buttons"]]
    assert "Thi đua năng suất, an toàn cuối năm" in labels
    quizzes = await lan.say("x", payload=Menu(MenuItem.QUIZ).pack())
    assert "Hiểu luật, giữ quyền" in lan.texts(quizzes) + str(quizzes)
    start = next(p for p in lan.payloads(quizzes) if p.startswith(f"{Start.prefix()}:"))
    question = await lan.say("", payload=start)
    answer = next(p for p in lan.payloads(question) if p.startswith(f"{Answer.prefix()}:"))
    answered = await lan.say("", payload=answer)
    assert answered, "the quiz answers at 21:30"
    while "Bạn đã hoàn thành" not in lan.texts(answered):
        following = next(p for p in lan.payloads(answered) if p.startswith(f"{Next.prefix()}:"))
        question = await lan.say("", payload=following)
        answer = next(p for p in lan.payloads(question) if p.startswith(f"{Answer.prefix()}:"))
        answered = await lan.say("", payload=answer)
    # she ranks among the demo's other takers: a ranking of one would look broken
    rank = re.search(r"xếp hạng (\d+)/(\d+)", lan.texts(answered))
    assert rank is not None and int(rank.group(2)) == counts["quiz_takers"] + 1 >= 5, rank

    item_id, code = sent_initiative(runtime, member_id(runtime, "Nguyễn Thị Lan"))
    assert code in lan.texts(await lan.replies())
    clock.current += timedelta(minutes=5)
    with Session(runtime.engine) as session, session.begin():
        officer = Actor.officer(runtime_officer(session))
        service.accept(
            session,
            actor=officer,
            initiative_id=item_id,
            notifier=notifier(runtime),
            now=clock.current,
        )
    assert "đã được công nhận" in lan.texts(await lan.replies())


def runtime_officer(session: Session) -> int:
    from core.members.models import OfficerRole

    return session.exec(select(OfficerRole.member_id).where(OfficerRole.unit_id == MINH_PHAT)).one()
