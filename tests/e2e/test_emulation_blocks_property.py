"""A block's ranking against a plain recomputation, for any evaluators' adjustments
(hypothesis): on the demo's production campaign (September: monthly and quarterly criteria,
one counted per member), random figures set by the zone's evaluator on random units and
criteria through core/emulation/evaluation.py; block_ranking's totals and ranks must equal
those the test works out from the report and evaluation rows by hand (tests/e2e/block_support),
with per-member figures divided by the roster (else the declared membership)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, delete, func, select

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation import block_ranking, blocks, evaluation
from core.emulation.block_models import BlockKind, Evaluation
from core.members.models import RosterEntry, UnionUnit
from tests.e2e.block_support import plain_totals, zone_campaign
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE

SEPTEMBER = date(2026, 9, 30)
figures = st.decimals(min_value=0, max_value=300, places=1, allow_nan=False, allow_infinity=False)
adjustments = st.lists(
    st.tuples(st.sampled_from([MINH_PHAT, HUNG_THINH]), st.integers(0, 4), figures),
    max_size=6,
)


def divisor(session: Session, unit_id: int) -> int:
    unit = session.get(UnionUnit, unit_id)
    assert unit is not None
    listed = session.exec(
        select(func.count())
        .select_from(RosterEntry)
        .join(UnionUnit, col(UnionUnit.id) == RosterEntry.unit_id)
        .where(col(UnionUnit.path).startswith(unit.path), col(RosterEntry.removed_at).is_(None))
    ).one()
    return int(listed) or int(unit.declared_members or 0)


def test_ranking_equals_a_plain_recomputation(runtime: Runtime) -> None:
    data, campaign_id = zone_campaign(runtime)
    actor, now = Actor.officer(data.officer_of[ZONE]), runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        made = blocks.create(
            session,
            actor=actor,
            data=blocks.BlockInput(
                ZONE,
                "Cụm KCN",
                BlockKind.INDUSTRIAL_ZONE,
                campaign_id,
                None,
                [MINH_PHAT, HUNG_THINH],
            ),
            now=now,
        )
        block_id = made.id
        # Minh Phát has a members' list (which wins over its declared 250), Hưng Thịnh none
        session.get(UnionUnit, MINH_PHAT).declared_members = 250  # type: ignore[union-attr]
        session.get(UnionUnit, HUNG_THINH).declared_members = 120  # type: ignore[union-attr]
        for n in range(7):
            session.add(
                RosterEntry(unit_id=MINH_PHAT, full_name=f"Người {n}", name_key=f"nguoi {n}")
            )
    with Session(runtime.engine) as session:
        sizes = {u: divisor(session, u) for u in (MINH_PHAT, HUNG_THINH)}
    assert sizes == {MINH_PHAT: 7, HUNG_THINH: 120}

    @settings(
        max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(adjustments)
    def check(changes: list[tuple[int, int, Decimal]]) -> None:
        with Session(runtime.engine) as session, session.begin():
            session.exec(delete(Evaluation))  # type: ignore[call-overload]
            block = blocks.visible(session, actor, block_id)  # type: ignore[arg-type]
            campaign = session.get(Campaign, campaign_id)
            dues = block_ranking.dues(session, campaign, SEPTEMBER)  # type: ignore[arg-type]
            assert len(dues) == 5
            for unit, which, value in changes:
                due = dues[which]
                cell = block_ranking.cell(session, due, unit)
                evaluation.evaluate(
                    session,
                    actor=actor,
                    block_id=block.id,  # type: ignore[arg-type]
                    data=evaluation.EvaluationInput(
                        campaign_id,
                        SEPTEMBER,
                        unit,
                        due.criterion.id,
                        value,
                        "Kiểm tra",
                        cell.version,  # type: ignore[arg-type]
                    ),
                    now=now,
                )
            found = block_ranking.ranking(session, block, campaign, SEPTEMBER)  # type: ignore[arg-type]
            got = {r.unit.id: (r.total, r.rank, r.members) for r in found.rows}
        totals = {
            **plain_totals(runtime, campaign_id, "2026-09", sizes),
        }
        quarter = plain_totals(runtime, campaign_id, "2026-Q3", sizes)
        totals = {u: totals[u] + quarter[u] for u in totals}
        ranks = {u: 1 + sum(other > t for other in totals.values()) for u, t in totals.items()}
        assert got == {u: (totals[u], ranks[u], sizes[u]) for u in totals}

    check()
