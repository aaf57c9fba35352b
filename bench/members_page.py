"""The members page and its search at 10^5 members (issue 16: p99 under 50 ms).

Builds a fresh database with the real migrations and fills it with bulk SQL: a provincial
federation, 60 upper-level unions, 1,500 grassroots unions, `--members` members (Vietnamese
names with diacritics, 60 % verified on the roster, one messenger each) and a roster of as many
entries (the verified members' and people not on the bot yet). Then, with the app in this
process (httpx over ASGI, as a browser or a script would call it, background loops off, the
garbage collector tuned as `thidua serve` tunes it: bots/gc_tuning.py):

- the admin API's `GET /api/v1/members` (the operator's token) and the desk's `/web/members`
  (a signed-in officer of the federation), page 1, a page deep in the list, and searches typed
  without diacritics (a common name that matches thousands, a rare one);
- the same on one grassroots union (a few dozen members).

Each case is timed `--runs` times; its **reference** replays the very SQL statements the case
issued (captured once with SQLAlchemy's cursor events) on a raw DBAPI connection and fetches
every row: the database work alone, without our Python around it. The ratio ours ÷ reference
says what the routes, the ORM, the search's folding and the page cost on top.

  .venv/bin/python -m bench.members_page [--members 100000] [--runs 200]
  .venv/bin/python -m bench.members_page --database-url postgresql://postgres@127.0.0.1:5432/thidua_bench_members
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import event, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.common import print_provenance
from bots.app import create_app
from bots.bootstrap import build_runtime
from bots.gc_tuning import tune_for_latency
from bots.settings import load_settings
from core.members.models import (
    Identity,
    Member,
    OfficerRole,
    RosterEntry,
    UnionUnit,
)
from core.members.rules import key_of
from core.organisation import membership
from core.storage import migrate
from core.storage.engine import make_engine
from core.websignin import service as websignin

BLOCKS, GRASSROOTS = 60, 1500
ADMIN_TOKEN = "bench-admin-token-0123456789-abcdefghij"
SECRET = "bench-secret-of-the-officer-web-ui-0123456789"
NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Xuân"]
GIVEN = ["Lan", "Bình", "Hoa", "An", "Tài", "Mai", "Hùng", "Dũng", "Hương", "Tuấn", "Linh", "Yến"]
GROUPS = ["direct_worker"] * 6 + ["official", "civil_servant", "public_employee"]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def fresh(url: str | None, tmp: str) -> Engine:
    if url is None:
        engine = make_engine(f"sqlite:///{tmp}/members.db")
    else:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    return engine


def chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def units(conn) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    """The federation, its blocks and grassroots unions with their paths; (root, grassroots)."""
    base = {"created_at": NOW, "join_mode": "open"}
    rows = [
        {
            "id": 1,
            "parent_id": None,
            "path": "/1/",
            "name": "LĐLĐ tỉnh",
            "kind": "provincial_federation",
        }
    ]
    for b in range(BLOCKS):
        uid = 2 + b
        rows.append(
            {
                "id": uid,
                "parent_id": 1,
                "path": f"/1/{uid}/",
                "name": f"Công đoàn KCN số {b}",
                "kind": "upper_level_union",
            }
        )
    grassroots = []
    for g in range(GRASSROOTS):
        uid, parent = 2 + BLOCKS + g, 2 + g % BLOCKS
        grassroots.append(uid)
        rows.append(
            {
                "id": uid,
                "parent_id": parent,
                "path": f"/1/{parent}/{uid}/",
                "name": f"CĐCS Công ty số {g}",
                "kind": "grassroots_union",
            }
        )
    conn.execute(insert(UnionUnit), [{**base, **r} for r in rows])
    return 1, grassroots


def people(conn, grassroots: list[int], count: int) -> int:  # type: ignore[no-untyped-def]
    """`count` members, their messengers and the roster; returns the officer's member id."""
    rng = random.Random(16)
    members, roster, identities = [], [], []
    for i in range(1, count + 1):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        unit = grassroots[rng.randrange(len(grassroots))]
        verified = rng.random() < 0.6
        group, leader = rng.choice(GROUPS), rng.random() < 0.1
        joined = NOW - timedelta(minutes=i)
        members.append(
            {
                "id": i,
                "unit_id": unit,
                "full_name": name,
                "name_key": key_of(name),
                "worker_group": group,
                "holds_leadership_post": leader,
                "locale": "vi",
                "joined_at": joined,
                "onboarded_at": joined,
                "verified_at": joined if verified else None,
            }
        )
        identities.append(
            {
                "platform": "telegram",
                "platform_user_id": str(10**9 + i),
                "member_id": i,
                "first_seen_at": joined,
            }
        )
        roster.append(
            {
                "unit_id": unit if verified else grassroots[rng.randrange(len(grassroots))],
                "full_name": name
                if verified
                else f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "worker_group": group,
                "holds_leadership_post": leader,
                "card": f"CD{i:07d}",
                "member_id": i if verified else None,
                "imported_at": NOW,
            }
        )
    for row in roster:
        row["name_key"] = key_of(row["full_name"])
    for model, rows in ((Member, members), (Identity, identities), (RosterEntry, roster)):
        for part in chunks(rows):
            conn.execute(insert(model), part)
    conn.execute(
        insert(OfficerRole), [{"member_id": 1, "unit_id": 1, "role": "chair", "granted_at": NOW}]
    )
    return 1


class Capture:
    """The SQL statements (with their parameters) that the engine runs while it is on."""

    def __init__(self, engine: Engine) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if self.on and not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.statements.append((statement, parameters))

    @contextmanager
    def recording(self) -> Iterator[list[tuple[str, Any]]]:
        self.statements, self.on = [], True
        try:
            yield self.statements
        finally:
            self.on = False


def reference(engine: Engine, statements: list[tuple[str, Any]], runs: int) -> list[float]:
    """The same statements on a raw DBAPI connection, every row fetched, one transaction."""
    raw = engine.raw_connection()
    times = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            cursor.close()
            raw.rollback()
            times.append(time.perf_counter() - started)
    finally:
        raw.close()
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def sign_in(client: httpx.AsyncClient, engine: Engine, officer: int) -> None:
    with Session(engine) as session, session.begin():
        code = websignin.issue(session, member_id=officer, now=datetime.now(UTC))
    page = await client.get("/web/signin")
    found = CSRF.search(page.text)
    assert found, page.text[:300]
    answer = await client.post("/web/signin", data={"code": code, "csrf": found.group(1)})
    assert answer.status_code == 303, answer.text[:300]


async def measure(
    client: httpx.AsyncClient, engine: Engine, cases: list[tuple[str, str]], runs: int
) -> None:
    capture = Capture(engine)
    print("| case | ours p50 / p99 ms | reference p50 / p99 ms | ratio (p99) | rows |")
    print("|---|---|---|---|---|")
    for name, url in cases:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if url.startswith("/api") else {}
        first = await client.get(url, headers=headers)
        assert first.status_code == 200, (url, first.status_code, first.text[:300])
        shown = first.json()["total"] if url.startswith("/api") else "page"
        with capture.recording() as statements:
            await client.get(url, headers=headers)
        ours = []
        for _ in range(runs):
            started = time.perf_counter()
            answer = await client.get(url, headers=headers)
            ours.append(time.perf_counter() - started)
            assert answer.status_code == 200
        ref = await asyncio.to_thread(reference, engine, statements, runs)
        print(
            f"| {name} | {statistics.median(ours) * 1000:.1f} / **{p99(ours) * 1000:.1f}** | "
            f"{statistics.median(ref) * 1000:.1f} / {p99(ref) * 1000:.1f} | "
            f"{p99(ours) / p99(ref):.2f} | {shown} ({len(statements)} statements) |"
        )


def deep_anchor(engine: Engine, page: int, per_page: int = 50) -> int:
    """The id of the last member of page `page - 1` in the order of names: the desk reaches
    page `page` from it (its "next page" link), as an officer paging that far would."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT id FROM member WHERE onboarded_at IS NOT NULL AND forgotten_at IS NULL"
                    " ORDER BY full_name, id LIMIT 1 OFFSET :skip"
                ),
                {"skip": (page - 1) * per_page - 1},
            ).scalar_one()
        )


def anchor_cursor(engine: Engine, member_id: int) -> str:
    """The API's `next_cursor` of the page ending with this member."""
    with engine.connect() as conn:
        name = conn.execute(
            text("SELECT full_name FROM member WHERE id = :id"), {"id": member_id}
        ).scalar_one()
    return membership.Cursor(name, member_id).encode()


async def run(engine: Engine, url: str, runs: int, grassroots: int, count: int) -> None:
    settings = load_settings(
        environ={
            "THIDUA_DATABASE_URL": url,
            "THIDUA_ADMIN_TOKEN": ADMIN_TOKEN,
            "THIDUA_WEB_UI": "true",
            "THIDUA_WEB_SECRET": SECRET,
            "THIDUA_LOG_LEVEL": "warning",
        }
    )
    runtime = build_runtime(settings, engine=engine)
    app = create_app(settings, runtime=runtime, background=False)
    tune_for_latency()  # as `thidua serve` does once the app is built, before it serves
    transport = httpx.ASGITransport(app=app)
    deep = min(1000, count // 100)  # page 1,000 at 10^5 members, half way down with fewer
    anchor = deep_anchor(engine, deep)
    cursor = anchor_cursor(engine, anchor)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await sign_in(client, engine, 1)
        cases = [
            ("API, the federation, page 1", "/api/v1/members?unit_id=1"),
            (
                f"API, the federation, page {deep:,} (the cursor of the page before)",
                f"/api/v1/members?unit_id=1&cursor={cursor}",
            ),
            ("API, search «nguyen van» (common)", "/api/v1/members?unit_id=1&q=nguyen%20van"),
            (
                "API, search «huynh xuan yen» (rare)",
                "/api/v1/members?unit_id=1&q=huynh%20xuan%20yen",
            ),
            ("API, one grassroots union, page 1", f"/api/v1/members?unit_id={grassroots}"),
            ("desk, the federation, page 1", "/web/members?unit=1"),
            (
                f"desk, the federation, page {deep:,} (its link from the page before)",
                f"/web/members?unit=1&after={anchor}&page={deep}",
            ),
            ("desk, search «nguyen van» (common)", "/web/members?unit=1&q=nguyen%20van"),
            ("desk, search «huynh xuan yen» (rare)", "/web/members?unit=1&q=huynh%20xuan%20yen"),
            ("desk, one grassroots union, search «lan»", f"/web/members?unit={grassroots}&q=lan"),
            (
                "desk, the federation, unit search «cong ty so 12»",
                "/web/members?unit=1&unit_q=cong%20ty%20so%2012",
            ),
            ("desk, a member's page (where to move them)", f"/web/members/{anchor}"),
        ]
        await measure(client, engine, cases, runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", help="PostgreSQL: its public schema is emptied first")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        engine = fresh(args.database_url, tmp)
        url = args.database_url or str(engine.url)
        started = time.perf_counter()
        with engine.begin() as conn:
            _root, grassroots = units(conn)
            people(conn, grassroots, args.members)
        if engine.dialect.name == "postgresql":
            # as autovacuum would have left a real database: statistics, and the visibility
            # map without which no index-only scan is possible on freshly written rows
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        print(
            f"{engine.dialect.name}: {args.members} members, {GRASSROOTS} grassroots unions "
            f"generated in {time.perf_counter() - started:.1f} s"
        )
        asyncio.run(run(engine, url, args.runs, grassroots[0], args.members))
        engine.dispose()
    print(f"load average after: {os.getloadavg()}")
    print_provenance("bench.members_page")


if __name__ == "__main__":
    main()
