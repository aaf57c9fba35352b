"""The reply to a reporter's last figure, alone (issue 17, "Speed"): the member's progress and
their unit's standing (core/emulation/report_chat.py: finish), at the P1 report bench's scale.

Seeds what bench/report_answers_p1.py seeds (5,000 members in 10 grassroots unions of a
province, a running campaign of `--criteria` number criteria members report monthly), then
every member's figures for the month as if all had reported (bulk inserts) and a pledge with
its targets for `--pledged` of them. Times, for members picked across the units, the reply's
reading: `unit_standing.standing` and `progress.figures`, each in a committed transaction of
its own after the member's figure and another member's (of any unit) are kept, as the worker
does, so that the units' kept totals (core/emulation/unit_totals.py) serve the next reply;
the period's first reply (which computes and keeps every unit's total) is shown apart; and for
`--plain` of them the roll of the whole campaign scored line by line with a target read per
member and criterion (the code before, kept as the test's plain recomputation:
tests/e2e/test_emulation_standing.py), and checks that both give the same standing.

    .venv/bin/python -m bench.report_finish [--members 5000] [--criteria 10] [--samples 50]
        [--plain 3] [--pledged 0.5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from bench import report_answers_p1
from bench.telegram_webhook import print_machine
from core.campaigns.models import Campaign
from core.emulation import progress, reporting, unit_standing
from core.emulation.models import EmulationPledge, EmulationReport, PledgeTarget
from core.emulation.pledges import local_today
from core.members.models import Member, UnionUnit
from core.storage import migrate
from core.storage.engine import make_engine
from tests.e2e.test_emulation_standing import plain_standing


def everyone_reported(database_url: str, period: str, pledged: float) -> int:
    """Every member's figures for the period (as bench/report_answers_p1.py would type them),
    and a pledge for a share of them; returns the campaign's id."""
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    chance = random.Random(17)
    with Session(engine) as session, session.begin():
        campaign = session.exec(select(Campaign)).one()
        criteria = unit_standing.dues(session, campaign, campaign.ends_on)[0]
        members = list(session.exec(select(Member.id, Member.unit_id)))
        session.execute(
            insert(EmulationReport),
            [
                {
                    "campaign_id": campaign.id,
                    "criterion_id": d.criterion.id,
                    "period": period,
                    "unit_id": unit,
                    "member_id": member,
                    "reported_by": member,
                    "value": Decimal(1 + (member + n) % 20),
                    "late": False,
                    "created_at": now,
                }
                for n, d in enumerate(criteria)
                for member, unit in members
            ],
        )
        chosen = [m for m, _u in members if chance.random() < pledged]
        session.execute(
            insert(EmulationPledge),
            [
                {
                    "id": m,
                    "campaign_id": campaign.id,
                    "member_id": m,
                    "title": "good_worker",
                    "created_at": now,
                    "updated_at": now,
                }
                for m in chosen
            ],
        )
        session.execute(
            insert(PledgeTarget),
            [
                {
                    "pledge_id": m,
                    "criterion_id": d.criterion.id,
                    "value": Decimal(chance.randint(0, 15)),
                }
                for m in chosen
                for d in criteria
            ],
        )
        campaign_id = campaign.id
    engine.dispose()
    return campaign_id  # type: ignore[return-value]


def reply_reading(session: Session, campaign: Campaign, member: Member) -> tuple:  # type: ignore[type-arg]
    """What finish reads for the member's reply (its texts apart)."""
    items = reporting.items_for(session, campaign, member, campaign.ends_on)
    unit = session.get(UnionUnit, member.unit_id)
    size, place = unit_standing.standing(session, campaign, campaign.ends_on, unit)  # type: ignore[arg-type]
    progress.figures(session, items, size)
    return size, place


def reply_reading_of(engine, campaign_id: int, member_id: int) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    """The standing the new way, on the data as it now stands (for the check)."""
    with Session(engine) as session, session.begin():
        campaign = session.get(Campaign, campaign_id)
        member = session.get(Member, member_id)
        size, place = reply_reading(session, campaign, member)  # type: ignore[arg-type]
        return size, place and (place.rank, place.units, place.reported, place.reporters)


def refigure(session: Session, campaign: Campaign, member: Member, value: int) -> None:
    """The member types their last figure again (a correction, kept as the chat keeps it):
    their unit's kept totals go stale, as a last figure's do."""
    items = reporting.items_for(session, campaign, member, campaign.ends_on)
    today = local_today(datetime.now(UTC), "Asia/Ho_Chi_Minh")
    now = datetime.now(UTC)
    reporting.record(session, item=items[-1], value=Decimal(value), by=member, today=today, now=now)


def timed(engine, campaign_id: int, member_ids: list[int], plain: bool) -> tuple[list[float], list]:  # type: ignore[no-untyped-def, type-arg]
    """Each member's reply timed, in a transaction of its own (committed: the kept totals stay
    for the next); the new way after the member's figure and one of another member (of any
    unit) are kept, so that the reply brings two units' totals up to date."""
    took, answers = [], []
    chance = random.Random(5)
    for member_id in member_ids:
        with Session(engine) as session, session.begin():
            campaign = session.get(Campaign, campaign_id)
            member = session.get(Member, member_id)
            if not plain:
                other = session.get(Member, chance.choice(member_ids))
                refigure(session, campaign, other, chance.randint(1, 20))  # type: ignore[arg-type]
                refigure(session, campaign, member, chance.randint(1, 20))  # type: ignore[arg-type]
                session.flush()
            started = time.perf_counter()
            if plain:
                answer = plain_standing(session, campaign, member.unit_id, campaign.ends_on)  # type: ignore[arg-type, union-attr]
            else:
                size, place = reply_reading(session, campaign, member)  # type: ignore[arg-type]
                got = place and (place.rank, place.units, place.reported, place.reporters)
                answer = (size, got)
            took.append(time.perf_counter() - started)
            answers.append(answer)
    return took, answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=report_answers_p1.MEMBERS)
    parser.add_argument("--criteria", type=int, default=10)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--plain", type=int, default=3, help="members timed the former way")
    parser.add_argument("--pledged", type=float, default=0.5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-finish-"))
    database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    report_answers_p1.MEMBERS = args.members
    started = time.perf_counter()
    _figures, period = report_answers_p1.seed(database_url, args.criteria)
    campaign_id = everyone_reported(database_url, period, args.pledged)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    seeded = time.perf_counter() - started
    print(
        f"reply to a last figure: {args.members} members x {args.criteria} criteria reported, "
        f"{args.pledged:.0%} pledged, {engine.dialect.name}; set-up {seeded:.1f} s"
    )
    with Session(engine) as session:
        ids = list(session.exec(select(Member.id).order_by(col(Member.id))))
    picked = random.Random(3).sample(ids, min(args.samples, len(ids)))
    took, _answers = timed(engine, campaign_id, picked, plain=False)
    print(
        f"first reply of the period (every unit's total computed and kept): {took[0] * 1000:.1f} ms"
    )
    took = took[1:]
    print(
        f"now (unit_standing + figures, after the member's figure and another's), "
        f"{len(took)} members: "
        f"p50 {statistics.median(took) * 1000:.1f} ms, max {max(took) * 1000:.1f} ms"
    )
    if args.plain:
        now = [reply_reading_of(engine, campaign_id, m) for m in picked[: args.plain]]
        before, then = timed(engine, campaign_id, picked[: args.plain], plain=True)
        print(
            f"before (the roll scored line by line), {len(before)} members: "
            f"p50 {statistics.median(before) * 1000:.1f} ms, max {max(before) * 1000:.1f} ms"
        )
        assert then == now, (then, now)
        print("same standing both ways: yes")
    engine.dispose()
    print_machine("bench.report_finish")


if __name__ == "__main__":
    main()
