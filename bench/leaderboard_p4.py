"""P4: leaderboard queries at 10^6 members and 10^7 ledger rows (issue 7).

Builds a fresh database with the real migrations, fills it with bulk SQL (1,000 grassroots
unions, `--members` members, `--rows` ledger rows of 0–1,000 points each), derives the
materialised tables (`member_score`, `score_histogram`, `unit_score` for the all-time scope)
from the ledger in bulk, as `award` would have left them, then times:

- top-10: `core.leaderboards.service.top_members` (with the members' names);
- my rank: `core.leaderboards.service.my_rank` for random members;
- the naive query it replaces: RANK() OVER the per-member sums of the ledger.

  .venv/bin/python -m bench.leaderboard_p4                      # SQLite file in var/
  .venv/bin/python -m bench.leaderboard_p4 --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.leaderboards import service as boards
from core.points.rules import ALL_TIME, BAND
from core.storage import migrate
from core.storage.engine import make_engine, normalise_url

T0 = datetime(2026, 1, 5, tzinfo=UTC)
NAIVE_RANK = """
SELECT r FROM (
  SELECT member_id, RANK() OVER (ORDER BY SUM(points) DESC) AS r
  FROM points_ledger GROUP BY member_id
) ranked WHERE member_id = :m
"""
NAIVE_TOP = """
SELECT member_id, SUM(points) AS s FROM points_ledger GROUP BY member_id
ORDER BY s DESC LIMIT 10
"""


def fresh_database(url: str | None, reuse: bool) -> tuple[Engine, Callable[[], None]]:
    if url is None:
        path = Path("var") / "bench-p4.db"
        path.parent.mkdir(exist_ok=True)
        if reuse and path.exists():
            engine = make_engine(f"sqlite:///{path}")
            return engine, engine.dispose
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
        return engine, engine.dispose
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    name = f"thidua_bench_p4_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(normalise_url(url).rsplit("/", 1)[0] + f"/{name}")

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return engine, drop


def series(engine: Engine, n: int) -> str:
    """A table expression `s(i)` of 1..n."""
    if engine.dialect.name == "postgresql":
        return f"generate_series(1::bigint, {n}) AS s(i)"
    return (
        f"(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) "
        "SELECT i FROM c) AS s"
    )


def generate(engine: Engine, members: int, rows: int, units: int) -> dict[str, float]:
    pg = engine.dialect.name == "postgresql"
    ts = "'2026-01-05 00:00:00'" if not pg else "TIMESTAMPTZ '2026-01-05 00:00:00+00'"

    def at(expr: str) -> str:
        if pg:
            return f"({ts} + ({expr}) * INTERVAL '1 millisecond')"
        # the text form SQLAlchemy writes for a DateTime on SQLite: microseconds, 6 digits
        return (
            f"(strftime('%Y-%m-%d %H:%M:%S', '2026-01-05 00:00:00', '+' || (({expr}) / 1000) "
            f"|| ' seconds') || '.' || printf('%06d', (({expr}) % 1000) * 1000))"
        )

    timings: dict[str, float] = {}

    def step(name: str, sql: str) -> None:
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text(sql))
        timings[name] = time.perf_counter() - started
        print(f"  {name}: {timings[name]:.1f} s", flush=True)

    step(
        "units",
        f"""INSERT INTO union_unit (id, parent_id, path, name, kind, created_at)
        SELECT 1, NULL, '/1/', 'LĐLĐ tỉnh', 'provincial_federation', {at("0")}
        UNION ALL
        SELECT i + 1, 1, '/1/' || (i + 1) || '/', 'CĐCS ' || i, 'grassroots_union', {at("0")}
        FROM {series(engine, units)}""",
    )
    step(
        "members",
        f"""INSERT INTO member (id, unit_id, full_name, locale, joined_at, onboarded_at)
        SELECT i, 2 + (i % {units}), 'Đoàn viên ' || i, 'vi', {at("0")}, {at("0")}
        FROM {series(engine, members)}""",
    )
    step(
        "ledger",
        f"""INSERT INTO points_ledger
            (id, member_id, unit_id, points, source, source_id, created_at)
        SELECT i, 1 + (i * 7919) % {members}, 2 + ((1 + (i * 7919) % {members}) % {units}),
               (i * 104729) % 1001, 'commendation', 'bench:' || i, {at("i")}
        FROM {series(engine, rows)}""",
    )
    step(
        "member_score",
        f"""INSERT INTO member_score (scope, member_id, unit_id, points, entries, reached_at)
        SELECT '{ALL_TIME}', member_id, MIN(unit_id), SUM(points), COUNT(*),
               COALESCE(MAX(CASE WHEN points <> 0 THEN created_at END), MIN(created_at))
        FROM points_ledger GROUP BY member_id""",
    )
    step(
        "score_histogram",
        f"""INSERT INTO score_histogram (scope, level, key, members)
        SELECT '{ALL_TIME}', 0, points, COUNT(*) FROM member_score
        WHERE scope = '{ALL_TIME}' GROUP BY points
        UNION ALL
        SELECT '{ALL_TIME}', 1, points / {BAND}, COUNT(*) FROM member_score
        WHERE scope = '{ALL_TIME}' GROUP BY points / {BAND}""",
    )
    step(
        "unit_score",
        f"""INSERT INTO unit_score (scope, unit_id, points, participants, members, reached_at)
        SELECT '{ALL_TIME}', s.unit_id, SUM(s.points), COUNT(*),
               (SELECT COUNT(*) FROM member m WHERE m.unit_id = s.unit_id), MAX(s.reached_at)
        FROM member_score s WHERE s.scope = '{ALL_TIME}' GROUP BY s.unit_id""",
    )
    step("analyze", "ANALYZE")
    return timings


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="SQLite: keep var/bench-p4.db from the last run"
    )
    args = parser.parse_args()
    engine, cleanup = fresh_database(args.database_url, args.reuse)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            present = conn.execute(text("SELECT COUNT(*) FROM member")).scalar()
        if present:
            print(f"{engine.dialect.name}: reusing {present:,} members")
        else:
            print(
                f"{engine.dialect.name}: generating {args.members:,} members, "
                f"{args.rows:,} ledger rows"
            )
            started = time.perf_counter()
            generate(engine, args.members, args.rows, args.units)
            print(f"generated in {time.perf_counter() - started:.0f} s")
        rng = random.Random(7)
        with Session(engine) as session:
            boards.top_members(session, scope=ALL_TIME)  # warm the caches
            top = timed(lambda: boards.top_members(session, scope=ALL_TIME, limit=10), args.runs)
            ids = [rng.randint(1, args.members) for _ in range(args.runs)]
            it = iter(ids)
            mine = timed(
                lambda: boards.my_rank(session, scope=ALL_TIME, member_id=next(it)), args.runs
            )
            for name, values in (("top-10", top), ("my rank", mine)):
                print(
                    f"{name:8} p50 {statistics.median(values):.2f} ms  p99 {p99(values):.2f} ms"
                    f"  max {max(values):.2f} ms  ({args.runs} runs)",
                    flush=True,
                )
            conn = session.connection()
            naive_rank, naive_top = [], []
            for member_id in ids[: args.naive_runs]:
                started = time.perf_counter()
                naive = conn.execute(text(NAIVE_RANK), {"m": member_id}).scalar()
                naive_rank.append((time.perf_counter() - started) * 1000)
                # RANK() gives tied members one rank; ours breaks ties by who reached the
                # score first, so ours falls inside the naive tie group
                ours = boards.my_rank(session, scope=ALL_TIME, member_id=member_id)
                assert ours is not None
                ties = conn.execute(
                    text("SELECT COUNT(*) FROM member_score WHERE scope = :s AND points = :p"),
                    {"s": ALL_TIME, "p": ours.points},
                ).scalar()
                assert naive <= ours.rank < naive + ties, (member_id, naive, ours)  # type: ignore[operator]
                print(f"  naive my rank of {member_id}: {naive_rank[-1]:.0f} ms", flush=True)
            for _ in range(args.naive_runs):
                started = time.perf_counter()
                conn.execute(text(NAIVE_TOP)).all()
                naive_top.append((time.perf_counter() - started) * 1000)
                print(f"  naive top-10: {naive_top[-1]:.0f} ms", flush=True)
        print(
            f"naive RANK() OVER my rank: median {statistics.median(naive_rank):.0f} ms; "
            f"naive top-10: median {statistics.median(naive_top):.0f} ms ({args.naive_runs} runs)"
        )
        print(
            f"ratio naive / ours (p99): my rank {statistics.median(naive_rank) / p99(mine):,.0f}x, "
            f"top-10 {statistics.median(naive_top) / p99(top):,.0f}x"
        )
        print(
            f"load average {os.getloadavg()[0]:.1f}; command: python -m bench.leaderboard_p4 "
            + " ".join(sys.argv[1:])
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
