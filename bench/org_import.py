"""Importing a provincial federation: 60 upper-level unions, 1,500 grassroots unions, and a
roster of 10^5 members, from XLSX files, each as a dry run and then the import.

Goal (issue #16): dry run and import each under 60 s on this 2-core machine, peak memory under
300 MB. Run it as a child per database so the peak is the import's own (VmHWM). Each roster
step has a **reference**: the SQL statements it issued (captured with SQLAlchemy's cursor
events) replayed on a raw DBAPI connection, every row fetched, in one transaction (the
import's replay is rolled back: its rows are already there), i.e. the database work alone:

    .venv/bin/python -m bench.org_import [--members 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.common import print_provenance
from core.members import service as members
from core.members.models import UnionUnit, UnitKind
from core.organisation import roster_import, tree_import
from core.organisation.roster_file import read_roster
from core.storage import migrate
from core.storage.engine import make_engine

BLOCKS, GRASSROOTS = 60, 1500
TODAY = date(2026, 12, 2)
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc"]
GIVEN = ["Lan", "Bình", "Hoa", "An", "Tài", "Mai", "Hùng", "Dũng", "Hương", "Tuấn", "Linh"]


def workbook(header: list[str], rows) -> bytes:  # type: ignore[no-untyped-def]
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def tree_file() -> bytes:
    rows = [
        [f"B{b}", f"Công đoàn cấp trên cơ sở số {b}", "", "Công đoàn cấp trên cơ sở", "", ""]
        for b in range(BLOCKS)
    ]
    rows += [
        [
            f"G{g}",
            f"CĐCS Công ty số {g}",
            f"B{g % BLOCKS}",
            "CĐCS",
            "Doanh nghiệp tư nhân",
            str(40 + g % 400),
        ]
        for g in range(GRASSROOTS)
    ]
    return workbook(
        [
            "Mã đơn vị",
            "Tên đơn vị",
            "Mã đơn vị cấp trên",
            "Loại đơn vị",
            "Loại hình doanh nghiệp",
            "Số đoàn viên",
        ],
        rows,
    )


def roster_file(count: int) -> bytes:
    rng = random.Random(7)
    rows = []
    for i in range(count):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        rows.append(
            [
                name,
                f"G{i % GRASSROOTS}",
                "Người lao động",
                "Không",
                f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1970 + i % 35}",
                f"CD{i:07d}",
                "",
            ]
        )
    return workbook(
        [
            "Họ và tên",
            "Đơn vị",
            "Đối tượng",
            "Chức vụ lãnh đạo",
            "Ngày sinh",
            "Số thẻ đoàn viên",
            "Số điện thoại",
        ],
        rows,
    )


def peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    """Start VmHWM again from the current resident size (Linux: clear_refs 5), so that each
    step's peak is its own, not an earlier step's."""
    Path("/proc/self/clear_refs").write_text("5")


class Capture:
    """The statements the engine runs while `on` (with their parameters and executemany).
    Off (`attach=False`) in the run that measures memory: holding every insert's parameters
    for the replay would count in the import's peak."""

    def __init__(self, engine: Engine, attach: bool = True) -> None:
        self.on, self.statements = False, []  # type: ignore[var-annotated]
        if attach:
            event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if self.on:
            self.statements.append((statement, parameters, executemany))

    def start(self) -> None:
        self.statements, self.on = [], True

    def stop(self) -> list:  # type: ignore[type-arg]
        self.on = False
        return self.statements


def replay(engine: Engine, statements: list) -> float:  # type: ignore[type-arg]
    """The statements on a raw DBAPI connection, rows fetched, rolled back: seconds taken."""
    if not statements:
        return 0.0
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        cursor = raw.cursor()
        for statement, parameters, many in statements:
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
        taken = time.perf_counter() - started
        raw.rollback()
        return taken
    finally:
        raw.close()


def run_one(url: str, members_count: int, references_on: bool = True) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        root = members.create_unit(session, name="LĐLĐ tỉnh", kind=UnitKind.PROVINCIAL_FEDERATION)
        root_id = root.id
    tree_bytes, roster_bytes = tree_file(), roster_file(members_count)
    timings = {}
    references = {}
    capture = Capture(engine, attach=references_on)
    peaks: dict[str, float] = {}
    with Session(engine) as session:
        root = session.get(UnionUnit, root_id)
        started = time.perf_counter()
        plan = tree_import.dry_run(
            session, root=root, file=tree_import.read_tree(tree_bytes, "t.xlsx", today=TODAY)
        )
        timings["tree dry run"] = time.perf_counter() - started
        assert not plan.problems and len(plan.create) == BLOCKS + GRASSROOTS
    with Session(engine) as session, session.begin():
        root = session.get(UnionUnit, root_id)
        started = time.perf_counter()
        tree_import.apply(
            session,
            root=root,
            file=tree_import.read_tree(tree_bytes, "t.xlsx", today=TODAY),
            by=None,
            now=now,
        )
    timings["tree import"] = time.perf_counter() - started
    with Session(engine) as session:
        root = session.get(UnionUnit, root_id)
        reset_peak()
        capture.start()
        started = time.perf_counter()
        roster = read_roster(roster_bytes, "r.xlsx", today=TODAY)
        plan = roster_import.dry_run(session, root=root, file=roster)
        timings["roster dry run"] = time.perf_counter() - started
        peaks["roster dry run"] = peak_mib()
        assert not plan.problems and len(plan.create) == members_count, plan.problems[:3]
        del roster, plan
    references["roster dry run"] = replay(engine, capture.stop())
    with Session(engine) as session, session.begin():
        root = session.get(UnionUnit, root_id)
        reset_peak()
        capture.start()
        started = time.perf_counter()
        roster = read_roster(roster_bytes, "r.xlsx", today=TODAY)
        result = roster_import.apply(session, root=root, file=roster, now=now)
        del roster
    timings["roster import"] = time.perf_counter() - started
    peaks["roster import"] = peak_mib()
    references["roster import"] = replay(engine, capture.stop())
    assert result.created == members_count
    with Session(engine) as session:
        root = session.get(UnionUnit, root_id)
        reset_peak()
        capture.start()
        started = time.perf_counter()
        again = roster_import.dry_run(
            session, root=root, file=read_roster(roster_bytes, "r.xlsx", today=TODAY)
        )
        timings["roster dry run, same file again"] = time.perf_counter() - started
        peaks["roster dry run, same file again"] = peak_mib()
        assert again.unchanged == members_count and not again.create and not again.update
    references["roster dry run, same file again"] = replay(engine, capture.stop())
    engine.dispose()
    for name, seconds in timings.items():
        ref = references.get(name)
        shown = f" (reference {ref:.2f} s, ratio {seconds / ref:.1f})" if ref else ""
        peak = f", peak {peaks[name]:.0f} MiB" if name in peaks and not references_on else ""
        print(f"  {name}: {seconds:.1f} s{shown}{peak}")
    print(f"  peak memory of the process (VmHWM since the last step began): {peak_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database is emptied first")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--no-references", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_one(args.child, args.members, references_on=not args.no_references)
        return
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/org.db")]
        if args.postgres:
            targets.append(("PostgreSQL", args.postgres))
        for name, url in targets:
            # times with their references, then again (a fresh database) for the peaks alone
            for extra, what in (([], "times and references"), (["--no-references"], "memory")):
                print(f"{name}: {BLOCKS + GRASSROOTS} units, {args.members} roster rows ({what})")
                if url.startswith("sqlite"):
                    Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
                else:
                    engine = make_engine(url)
                    with engine.begin() as conn:
                        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                    engine.dispose()
                command = [sys.executable, "-m", "bench.org_import", "--members"]
                subprocess.run([*command, str(args.members), "--child", url, *extra], check=True)
    print(f"load average after: {os.getloadavg()}")
    print_provenance("bench.org_import")


if __name__ == "__main__":
    main()
