"""A province's campaign at its final review (issue #17): every block ranking and the final
review under 30 s, the review's workbook under 300 MB peak memory.

Builds a fresh database with the real migrations and fills it with Core bulk inserts: a
provincial federation, 60 upper-level unions each owning an emulation block of its 25
grassroots unions (1,500), `--members` members (10^5), a campaign of the federation from
January to June with the production-like criteria (output against plan, accidents, initiatives
per member reported by the unions monthly; hours of training reported by each member monthly),
half the members' pledges, 6 monthly reports by each member and by each union, a few
evaluators' adjustments, and the campaign closed. Then, timed in this process:

1. **every block ranking**: core/emulation/block_ranking.rankings for the 60 blocks, each
   month (the same rows as block_ranking.ranking gives one evaluation page);
2. **the final review**: core/emulation/review.run_final_review (computed and stored);
3. **the title proposals**: core/emulation/title_proposals.propose_titles, every member and
   union weighed against the standard titles of their levels (closing a campaign runs it with
   the final review; timed apart here);

and in a child process (so that its peak is the workbook's, not the set-up's): the review's
XLSX written by core/emulation/review_book.py (openpyxl write-only), with the child's peak
resident memory (VmHWM), interpreter and imports included, and tracemalloc's peak while
building.

  flock /tmp/thidua-bench.lock .venv/bin/python -m bench.review_province [--members 100000]
  ... --database-url postgresql://postgres@127.0.0.1:5432/thidua_bench_review
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bench.common import print_provenance
from core.campaigns.models import Campaign
from core.emulation import block_ranking, review, review_book, title_proposals
from core.emulation.block_models import BlockUnit, EmulationBlock, Evaluation
from core.emulation.models import (
    EmulationCriterion,
    EmulationPledge,
    EmulationReport,
    PledgeTarget,
)
from core.emulation.review_models import EmulationReview
from core.emulation.review_view import shown
from core.emulation.title_models import TitleProposal
from core.i18n import Catalogs
from core.members.models import Member, UnionUnit
from core.storage import migrate
from core.storage.engine import make_engine

BLOCKS, PER_BLOCK = 60, 25
NOW = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]
MONTH_ENDS = [date(2026, 2, 1).replace(month=m + 1) for m in range(1, 6)] + [date(2026, 7, 1)]
MONTH_ENDS = [date.fromordinal(d.toordinal() - 1) for d in MONTH_ENDS]
CRITERIA = [  # id, name, kind, points, target, per_member, lower_is_better, reporter
    (1, "Sản lượng so với kế hoạch", "number", 30, 100, False, False, "grassroots"),
    (2, "Tai nạn lao động", "number", 20, 1, False, True, "grassroots"),
    (3, "Sáng kiến", "number", 20, Decimal("0.02"), True, False, "grassroots"),
    (4, "Giờ học tập", "number", 30, 10, False, False, "member"),
]


def fresh(url: str | None, tmp: str) -> Engine:
    if url is None:
        engine = make_engine(f"sqlite:///{tmp}/review.db")
    else:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    return engine


def chunks(rows: list[dict[str, Any]], size: int = 20_000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def put(conn, model: type, rows: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    for part in chunks(rows):
        conn.execute(insert(model), part)


def fill(engine: Engine, members: int) -> int:
    """Everything the review reads; returns the campaign's id."""
    rng = random.Random(17)
    base = {"created_at": NOW, "join_mode": "open"}
    units = [
        {
            "id": 1,
            "parent_id": None,
            "path": "/1/",
            "name": "LĐLĐ tỉnh",
            "kind": "provincial_federation",
        }
    ]
    grassroots: list[int] = []
    blocks, block_units = [], []
    for b in range(BLOCKS):
        zone = 2 + b
        units.append(
            {
                "id": zone,
                "parent_id": 1,
                "path": f"/1/{zone}/",
                "name": f"Công đoàn KCN số {b}",
                "kind": "upper_level_union",
            }
        )
        blocks.append(
            {
                "id": b + 1,
                "owner_unit_id": zone,
                "name": f"Cụm KCN số {b}",
                "kind": "industrial_zone",
                "campaign_id": 1,
                "created_at": NOW,
            }
        )
        for g in range(PER_BLOCK):
            uid = 2 + BLOCKS + b * PER_BLOCK + g
            grassroots.append(uid)
            units.append(
                {
                    "id": uid,
                    "parent_id": zone,
                    "path": f"/1/{zone}/{uid}/",
                    "name": f"CĐCS Công ty số {b}-{g}",
                    "kind": "grassroots_union",
                    "declared_members": 60 + g,
                }
            )
            block_units.append({"block_id": b + 1, "unit_id": uid, "scope": "c1"})
    with engine.begin() as conn:
        put(conn, UnionUnit, [{**base, **u} for u in units])
        people = [
            {
                "id": i,
                "unit_id": grassroots[i % len(grassroots)],
                "full_name": f"Đoàn viên số {i}",
                "worker_group": "direct_worker",
                "joined_at": NOW,
                "onboarded_at": NOW,
                "locale": "vi",
            }
            for i in range(1, members + 1)
        ]
        put(conn, Member, people)
        conn.execute(
            insert(Campaign),
            [
                {
                    "id": 1,
                    "unit_id": 1,
                    "include_subtree": True,
                    "title": "Thi đua năng suất toàn tỉnh 2026",
                    "description": "",
                    "criteria": "",
                    "target_groups": "",
                    "starts_on": date(2026, 1, 1),
                    "ends_on": date(2026, 6, 30),
                    "status": "closed",
                    "remind_days_before": 3,
                    "created_at": NOW,
                    "updated_at": NOW,
                    "launched_at": datetime(2026, 1, 1, tzinfo=UTC),
                    "closed_at": NOW,
                }
            ],
        )
        put(
            conn,
            EmulationCriterion,
            [
                {
                    "id": cid,
                    "campaign_id": 1,
                    "position": cid,
                    "name": name,
                    "kind": kind,
                    "measure": "",
                    "target": Decimal(target),
                    "points": Decimal(points),
                    "per_member": per,
                    "lower_is_better": lower,
                    "reporter": reporter,
                    "frequency": "monthly",
                    "evidence": False,
                    "version": 1,
                    "created_at": NOW,
                }
                for cid, name, kind, points, target, per, lower, reporter in CRITERIA
            ],
        )
        put(conn, EmulationBlock, blocks)
        put(conn, BlockUnit, block_units)
        pledged = [m for m in range(1, members + 1) if m % 2 == 0]
        put(
            conn,
            EmulationPledge,
            [
                {
                    "id": n,
                    "campaign_id": 1,
                    "member_id": m,
                    "title": "good_worker",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n, m in enumerate(pledged, start=1)
            ],
        )
        put(
            conn,
            PledgeTarget,
            [
                {"pledge_id": n, "criterion_id": 4, "value": Decimal(8 + m % 5)}
                for n, m in enumerate(pledged, start=1)
            ],
        )
        reports = []
        for month in MONTHS:
            for uid in grassroots:
                figures = (
                    Decimal(rng.randint(85, 115)),
                    Decimal(rng.randint(0, 2)),
                    Decimal(rng.randint(0, 3)),
                )
                for cid, value in zip((1, 2, 3), figures, strict=True):
                    reports.append(
                        {
                            "campaign_id": 1,
                            "criterion_id": cid,
                            "period": month,
                            "unit_id": uid,
                            "member_id": None,
                            "reported_by": 1,
                            "value": value,
                            "late": False,
                            "created_at": NOW,
                        }
                    )
            for m in range(1, members + 1):
                reports.append(
                    {
                        "campaign_id": 1,
                        "criterion_id": 4,
                        "period": month,
                        "unit_id": grassroots[m % len(grassroots)],
                        "member_id": m,
                        "reported_by": m,
                        "value": Decimal(rng.randint(4, 14)),
                        "late": False,
                        "created_at": NOW,
                    }
                )
        put(conn, EmulationReport, reports)
        put(
            conn,
            Evaluation,
            [
                {
                    "chain": f"1:{MONTHS[-1]}:{uid}",
                    "previous_id": 0,
                    "block_id": 1 + i // PER_BLOCK,
                    "campaign_id": 1,
                    "criterion_id": 1,
                    "period": MONTHS[-1],
                    "unit_id": uid,
                    "value": Decimal(90),
                    "self_value": None,
                    "reason": "Đối chiếu sổ sách",
                    "evaluated_by": 1,
                    "evaluated_at": NOW,
                }
                for i, uid in enumerate(grassroots)
                if i % 10 == 0
            ],
        )
    print(
        f"data: {len(grassroots)} grassroots unions in {BLOCKS} blocks, {members} members, "
        f"{len(pledged)} pledges, {len(reports)} reports"
    )
    return 1


def _status(field: str) -> int:
    """A line of /proc/self/status in MiB (VmRSS: now; VmHWM: this process's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def workbook_child(url: str, review_id: int, out: str) -> None:
    """In a child process: the review's workbook; the memory its building took (tracemalloc's
    peak of Python allocations) and the process's resident memory before and at its peak."""
    engine = make_engine(url)
    t = Catalogs(Path("locales")).translator("vi")
    before = _status("VmRSS")
    tracemalloc.start()
    started = time.perf_counter()
    with Session(engine) as session, open(out, "wb") as file:
        row = session.get(EmulationReview, review_id)
        campaign = session.get(Campaign, row.campaign_id)  # type: ignore[union-attr]
        review_book.write(file, t, shown(session, row, campaign))  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    size = os.path.getsize(out) / 1024
    print(
        f"xlsx: {elapsed:.1f} s, {size:.0f} KiB; allocated at most {peak / 2**20:.0f} MiB while "
        f"building; resident {before} MiB before, peak {_status('VmHWM')} MiB (goal: under 300)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL: its public schema is emptied first")
    parser.add_argument(
        "--workbook", nargs=3, metavar=("URL", "REVIEW", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.workbook:
        workbook_child(args.workbook[0], int(args.workbook[1]), args.workbook[2])
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/review.db"
        engine = fresh(args.database_url, tmp)
        started = time.perf_counter()
        campaign_id = fill(engine, args.members)
        print(f"set-up: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with Session(engine) as session:
            campaign = session.get(Campaign, campaign_id)
            count = 0
            every = list(session.exec(select(EmulationBlock)).all())
            for due in MONTH_ENDS:
                for found in block_ranking.rankings(session, every, campaign, due):  # type: ignore[arg-type]
                    count += len(found.rows)
        rankings = time.perf_counter() - started
        print(
            f"block rankings: {BLOCKS} blocks x {len(MONTH_ENDS)} months, {count} rows, "
            f"{rankings:.1f} s"
        )
        started = time.perf_counter()
        with Session(engine) as session, session.begin():
            row = review.run_final_review(session, campaign_id, NOW)
            review_id = row.id
            figures = review.figures_of(row)
        final = time.perf_counter() - started
        best = figures.units[0]
        print(
            f"final review: {final:.1f} s ({len(figures.units)} unions, the first "
            f"{best.points} points, {figures.total('pledges_met')} pledges met)"
        )
        print(f"rankings + final review: {rankings + final:.1f} s (goal: under 30 s)")
        started = time.perf_counter()
        t = Catalogs(Path("locales")).translator("vi")
        with Session(engine) as session, session.begin():
            title_proposals.propose_titles(
                session, campaign_id, NOW, t=t, timezone="Asia/Ho_Chi_Minh"
            )
            proposed = session.exec(
                select(func.count())
                .select_from(TitleProposal)
                .where(TitleProposal.campaign_id == campaign_id)
            ).one()
        titles = time.perf_counter() - started
        print(
            f"title proposals: {titles:.1f} s ({proposed} proposals for 1,500 unions and "
            f"{args.members} members; closing runs them with the final review: "
            f"{final + titles:.1f} s together)"
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.review_province",
                "--workbook",
                url,
                str(review_id),
                f"{tmp}/review.xlsx",
            ],
            check=True,
        )
    print_provenance("bench.review_province")


if __name__ == "__main__":
    main()
