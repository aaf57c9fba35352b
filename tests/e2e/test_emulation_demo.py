"""The demo's emulation: the zone's production campaign has the reports of its two enterprise
unions for every period already over, so the progress page and the standings show something
on the day the demo is loaded."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation import demo, progress, roll
from core.emulation.models import EmulationReport
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo


def test_the_demo_campaign_shows_progress(runtime: Runtime) -> None:
    data = load_demo(runtime)
    t = runtime.catalogs.translator("vi")
    with Session(runtime.engine) as session, session.begin():
        counts = demo.load(session, now=runtime.clock.now(), t=t, timezone="Asia/Ho_Chi_Minh")
    assert counts["campaigns"] == 2 and counts["pledges"] == 5
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
            u: progress.standing(session, campaign, last, u).rank  # type: ignore[union-attr]
            for u in (MINH_PHAT, HUNG_THINH)
        }
        assert sorted(ranks.values()) == [1, 2]
        rows = session.exec(select(EmulationReport).where(col(EmulationReport.late))).all()
        assert rows == []
        opened = roll.chosen_due(campaign, session, date(2026, 11, 25), None)
        assert opened == last + timedelta(0)
