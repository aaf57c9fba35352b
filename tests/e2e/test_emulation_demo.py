"""The demo's emulation: the zone's production campaign has the reports of its two enterprise
unions for every period already over, and the zone's block of them with its evaluations, so the
progress page, the standings, the evaluation page and the block's ranking show something on
the day the demo is loaded."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation import block_ranking, demo, roll, unit_standing
from core.emulation.block_models import EmulationBlock, Evaluation
from core.emulation.models import EmulationReport
from core.members.models import UnionUnit
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo


def test_the_demo_campaign_shows_progress(runtime: Runtime) -> None:
    data = load_demo(runtime)
    t = runtime.catalogs.translator("vi")
    with Session(runtime.engine) as session, session.begin():
        counts = demo.load(session, now=runtime.clock.now(), t=t, timezone="Asia/Ho_Chi_Minh")
    assert counts["campaigns"] == 2 and counts["pledges"] == 5
    # the zone's block of its two unions, scored every month over (August to October), the
    # output verified and the defect rate adjusted in October
    assert (counts["blocks"], counts["evaluations"]) == (1, 3 * 2 + 2)
    # 25 November 2026: August's start; August, September, October, the third quarter over
    assert counts["reports"] == 2 * (3 * 3 + 2)
    with Session(runtime.engine) as session:
        campaign = session.exec(select(Campaign).where(Campaign.unit_id == ZONE)).one()
        assert campaign.starts_on == date(2026, 8, 1)
        last = date(2026, 10, 31)
        found = roll.roll(
            session,
            actor=Actor.officer(data.officer_of[ZONE]),
            campaign_id=campaign.id,
            due_on=last,  # type: ignore[arg-type]
        )
        assert {line.unit.id for line in found.reported} == {MINH_PHAT, HUNG_THINH}
        assert all(line.member is None for line in found.lines)
        ranks = {
            u: unit_standing.standing(session, campaign, last, session.get(UnionUnit, u))[1].rank  # type: ignore[arg-type, union-attr]
            for u in (MINH_PHAT, HUNG_THINH)
        }
        assert sorted(ranks.values()) == [1, 2]
        rows = session.exec(select(EmulationReport).where(col(EmulationReport.late))).all()
        assert rows == []
        (block,) = session.exec(select(EmulationBlock)).all()
        assert block.owner_unit_id == ZONE and block.name == "Cụm doanh nghiệp các KCN Bình Dương"
        ranked = block_ranking.ranking(session, block, campaign, last)
        assert sorted(r.unit.id for r in ranked.rows) == [MINH_PHAT, HUNG_THINH]
        assert [r.rank for r in ranked.rows] == [1, 2] and ranked.rows[0].total > 0
        adjusted = [e for e in session.exec(select(Evaluation)) if e.reason]
        assert [(e.unit_id, e.value, e.self_value, e.period) for e in adjusted] == [
            (HUNG_THINH, Decimal("2.1"), Decimal("2.4"), "2026-10")
        ]
        assert adjusted[0].reason == "Sổ theo dõi chất lượng của tháng ghi tỷ lệ lỗi 2,1 %."
        opened = roll.chosen_due(campaign, session, date(2026, 11, 25), None)
        assert opened == last + timedelta(0)
