"""Shared set-up of the evaluation-by-chat tests: the demo's production campaign of the
industrial-zone union with the criterion the level above scores (the demo's: culture, sports
and union activities, 10 points, monthly), and a block of its two enterprise unions owned by the zone's
union (made here: the demo's own block is left out by zone_campaign)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns.scope import Actor
from core.emulation import blocks
from core.emulation.block_models import BlockKind, Evaluation
from core.emulation.models import EmulationCriterion
from core.members.models import Member, OfficerRole
from scheduler.emulation import evaluation_calls
from tests.e2e.block_support import zone_campaign
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, Demo

BLOCK = "Cụm doanh nghiệp KCN Bình Dương"


def scored_block(runtime: Runtime) -> tuple[Demo, int, int, int]:
    """The demo, the zone's campaign id, the culture criterion's id and the block's id."""
    data, campaign_id = zone_campaign(runtime, scored=True)
    actor, now = Actor.officer(data.officer_of[ZONE]), runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        culture = session.exec(
            select(EmulationCriterion).where(
                EmulationCriterion.campaign_id == campaign_id, EmulationCriterion.kind == "score"
            )
        ).one()  # the demo's: culture, sports and union activities, 10 points, monthly
        block = blocks.create(
            session,
            actor=actor,
            data=blocks.BlockInput(
                owner_unit_id=ZONE,
                name=BLOCK,
                kind=BlockKind.INDUSTRIAL_ZONE,
                campaign_id=campaign_id,
                unit_ids=(MINH_PHAT, HUNG_THINH),
            ),
            now=now,
        )
        return data, campaign_id, culture.id, block.id  # type: ignore[return-value]


def make_zone_officer(runtime: Runtime, name: str) -> int:
    with Session(runtime.engine) as session, session.begin():
        person = session.exec(select(Member).where(Member.full_name == name)).one()
        session.add(OfficerRole(member_id=person.id, unit_id=ZONE))  # type: ignore[arg-type]
        return person.id  # type: ignore[return-value]


def evaluation_rows(runtime: Runtime) -> list[Evaluation]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(Evaluation).order_by(col(Evaluation.id))))


def eval_calls(runtime: Runtime) -> int:
    policy = runtime.processor.config.delivery
    return evaluation_calls(runtime.engine, runtime.clock, policy, runtime.catalogs)
