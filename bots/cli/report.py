"""`thidua report initiatives|commendations --unit U --from D --to D [--out file.csv|.xlsx]
[--lang vi|en]`: the officers' reports for a unit and the units below it, with the column names
and status words of the language (THIDUA_DEFAULT_LOCALE unless --lang), the CSV as a
spreadsheet of that language reads it (bots/spreadsheets.py, as the desk's downloads)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sqlmodel import Session

from bots.settings import load_settings
from bots.spreadsheets import csv_bytes, report_header, report_rows
from core.campaigns.scope import Actor
from core.errors import NotFound
from core.i18n import Catalogs, Translator
from core.members import service as members
from core.reports import export
from core.reports.service import Period, commendation_shares, initiatives_by_status
from core.storage.engine import make_engine


def build(
    session: Session, kind: str, unit_ref: str, period: Period, t: Translator
) -> tuple[list[str], list[list[object]]]:
    """The operator's report on one unit and the units below it, in the language of `t`."""
    unit = members.find_unit(session, ref=unit_ref)
    if kind == "initiatives":
        found = initiatives_by_status(session, actor=Actor.admin(), period=period, within=unit)
        rows = export.initiative_rows(found)
    else:
        shares = commendation_shares(session, actor=Actor.admin(), period=period, within=unit)
        rows = export.share_rows(shares)
    return report_header(t, kind), report_rows(t, kind, rows)


def _report(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    period = Period(date.fromisoformat(args.start), date.fromisoformat(args.end), settings.timezone)
    locale = args.lang or settings.default_locale
    t = Catalogs(settings.locales_dir, settings.default_locale).translator(
        locale, settings.timezone
    )
    try:
        with Session(engine) as session:
            try:
                header, rows = build(session, args.kind, args.unit, period, t)
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
        out.write_bytes(csv_bytes(header, rows, locale))
    print(f"{len(rows)} row(s) written to {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("report", help="initiative and commendation reports (CSV/XLSX)")
    parser.add_argument("kind", choices=["initiatives", "commendations"])
    parser.add_argument("--unit", required=True, help="unit id or exact name")
    parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    parser.add_argument("--out", help="a .csv or .xlsx file; printed when absent")
    parser.add_argument(
        "--lang", choices=["vi", "en"], help="the columns' language (default THIDUA_DEFAULT_LOCALE)"
    )
    parser.set_defaults(run=_report)
