"""A campaign's review (core/emulation/review.py) on the demo's production campaign of the
industrial-zone union: the unions' points over the periods over, checked against a plain
recomputation from the report rows and the evaluations (tests/e2e/block_support.py), ranked
in the campaign and in their block; closing the campaign (in chat: the scheduler makes it then)
stores the final review once (a second run returns it unchanged) and announces it; a mid-term review of a closed campaign, of a draft, and by an
officer outside the campaign's scope are refused; a campaign with no criteria and no reports
still gets a review, with zeros and the notes that say why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation import block_ranking, blocks, evaluation, review
from core.emulation.block_models import BlockKind
from core.emulation.review_models import EmulationReview
from core.errors import DomainError, Forbidden
from core.members.models import UnionUnit
from scheduler.emulation import review_announcements
from tests.e2e.block_support import OCTOBER, plain_totals, zone_campaign
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE


def test_review_figures_and_the_final_review(runtime: Runtime):
    data, campaign_id = zone_campaign(runtime)
    zone = Actor.officer(data.officer_of[ZONE])
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        block = blocks.create(
            session,
            actor=zone,
            data=blocks.BlockInput(
                ZONE,
                "Cụm KCN",
                BlockKind.INDUSTRIAL_ZONE,
                campaign_id,
                None,
                (MINH_PHAT, HUNG_THINH),
            ),
            now=now,
        )
        campaign = session.get(Campaign, campaign_id)
        ranking = block_ranking.ranking(session, block, campaign, date(2026, 10, 31))  # type: ignore[arg-type]
        cell = ranking.rows[0].cells[0]
        evaluation.evaluate(
            session,
            actor=zone,
            block_id=block.id,  # type: ignore[arg-type]
            data=evaluation.EvaluationInput(
                campaign_id,
                date(2026, 10, 31),
                cell.unit_id,
                cell.due.criterion.id,  # type: ignore[arg-type]
                Decimal(50),
                "Số liệu chưa khớp sổ sách",
                cell.version,
            ),
            now=now,
        )
        block_id = block.id
        units = session.exec(
            select(UnionUnit).where(UnionUnit.id.in_((MINH_PHAT, HUNG_THINH)))
        ).all()  # type: ignore[union-attr]
        sizes = {u: n for u, (n, _b) in block_ranking.sizes(session, list(units)).items()}

    with Session(runtime.engine) as session, session.begin():
        row = review.run_mid_review(session, actor=zone, campaign_id=campaign_id, now=now)
        mid = review.figures_of(row)
    assert mid.periods == ["2026-08", "2026-09", OCTOBER, "2026-Q3"]
    expected = dict.fromkeys(sizes, Decimal(0))
    for period in mid.periods:
        for unit, total in plain_totals(runtime, campaign_id, period, sizes).items():
            expected[unit] += total
    got = {u.unit_id: u.points for u in mid.units if u.unit_id in expected}
    assert got == expected
    best = max(expected, key=lambda u: expected[u])
    assert mid.units[0].unit_id == best and mid.units[0].rank == 1
    assert [b.block_id for b in mid.blocks] == [block_id]
    assert {u for u, _p, _r in mid.blocks[0].units} == {MINH_PHAT, HUNG_THINH}
    assert all(u.figures_due == u.figures_in == 11 for u in mid.units if u.rank)
    assert mid.notes == []
    assert sum(c.points for c in mid.criteria) == sum(expected.values())

    with Session(runtime.engine) as session, session.begin():
        campaigns.close(session, actor=zone, campaign_id=campaign_id, now=now)  # as in chat
    policy = runtime.processor.config.delivery
    assert review_announcements(runtime.engine, runtime.clock, policy, runtime.catalogs) == 1
    assert review_announcements(runtime.engine, runtime.clock, policy, runtime.catalogs) == 0
    with Session(runtime.engine) as session, session.begin():
        final = review.final_of(session, campaign_id)
        assert final is not None and final.kind == "final" and not final.announce
        assert final.created_by is None  # the scheduler's
        sent = session.get(Broadcast, final.broadcast_id)
        assert sent is not None and sent.key == f"review:{final.id}"
        assert sent.text.startswith("Tổng kết phong trào")
        assert "Các công đoàn dẫn đầu: 1. Công đoàn Công ty TNHH" in sent.text
        again = review.run_final_review(session, campaign_id, now)
        assert again.id == final.id
        assert len(session.exec(select(EmulationReview)).all()) == 2
        frozen = review.figures_of(final)
        with pytest.raises(DomainError) as refused:
            review.run_mid_review(session, actor=zone, campaign_id=campaign_id, now=now)
        assert refused.value.code == "review_campaign_closed"
    # closed early, in November: its figures count November too (none reported yet)
    assert frozen.periods == [*mid.periods[:3], "2026-11", "2026-Q3", "2026-Q4"]
    assert frozen.kind == "final"
    assert [(u.unit_id, u.points, u.rank) for u in frozen.units] == [
        (u.unit_id, u.points, u.rank) for u in mid.units
    ]
    assert all(u.figures_due == 16 and u.figures_in == 11 for u in frozen.units if u.rank)


def test_bad_input(runtime: Runtime):
    data, campaign_id = zone_campaign(runtime)
    now = runtime.clock.now()
    minh_phat = Actor.officer(data.officer_of[MINH_PHAT])
    with Session(runtime.engine) as session, session.begin():
        with pytest.raises(Forbidden):  # the zone's campaign is beyond a grassroots officer
            review.run_mid_review(session, actor=minh_phat, campaign_id=campaign_id, now=now)
        draft = campaigns.create(
            session,
            actor=minh_phat,
            data=campaigns.CampaignInput(
                MINH_PHAT, "Chưa phát động", starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31)
            ),
            now=now,
        )
        with pytest.raises(DomainError) as refused:
            review.run_mid_review(session, actor=minh_phat, campaign_id=draft.id, now=now)  # type: ignore[arg-type]
        assert refused.value.code == "review_not_running"
        draft.status = "running"  # a campaign without criteria or reports
        row = review.run_mid_review(session, actor=minh_phat, campaign_id=draft.id, now=now)  # type: ignore[arg-type]
        empty = review.figures_of(row)
    assert empty.notes == ["no_criteria", "no_reports"]
    assert empty.criteria == [] and empty.people == [] and empty.blocks == []
    assert [u.unit_id for u in empty.units] == [MINH_PHAT]
    assert empty.units[0].points == 0 and empty.units[0].members > 0
