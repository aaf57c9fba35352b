"""`thidua report initiatives|commendations --unit U --from D --to D [--out file.csv|.xlsx]`:
the officers' reports for a unit and the units below it."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sqlmodel import Session

from bots.settings import load_settings
from core.campaigns.scope import Actor
from core.errors import NotFound
from core.members import service as members
from core.reports import export
from core.reports.service import Period, commendation_shares, initiatives_by_status
from core.storage.engine import make_engine


def build(
    session: Session, kind: str, unit_ref: str, period: Period
) -> tuple[list[str], list[list[object]]]:
    """The operator's report on one unit and the units below it."""
    unit = members.find_unit(session, ref=unit_ref)
    if kind == "initiatives":
        rows = initiatives_by_status(session, actor=Actor.admin(), period=period, within=unit)
        return export.INITIATIVE_HEADER, export.initiative_rows(rows)
    shares = commendation_shares(session, actor=Actor.admin(), period=period, within=unit)
    return export.SHARE_HEADER, export.share_rows(shares)


def _report(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    period = Period(date.fromisoformat(args.start), date.fromisoformat(args.end), settings.timezone)
    try:
        with Session(engine) as session:
            try:
                header, rows = build(session, args.kind, args.unit, period)
            except NotFound as exc:
                print(exc)
                return 1
    finally:
        engine.dispose()
    if args.out is None:
        print("\t".join(header))
        for row in rows:
            print("\t".join(str(v) for v in row))
        return 0
    out = Path(args.out)
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(export.to_xlsx({args.kind: (header, rows)}))
    else:
        out.write_bytes(export.to_csv(header, rows))
    print(f"{len(rows)} row(s) written to {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("report", help="initiative and commendation reports (CSV/XLSX)")
    parser.add_argument("kind", choices=["initiatives", "commendations"])
    parser.add_argument("--unit", required=True, help="unit id or exact name")
    parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    parser.add_argument("--out", help="a .csv or .xlsx file; printed when absent")
    parser.set_defaults(run=_report)
