"""The officers' reports (core/reports) for a period chosen on a page: the figures come from the
report services and their row layout (core/reports/export.py, as the CLI and the API use);
the column names and status words in the officer's language come from bots/spreadsheets.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bots.spreadsheets import report_header, report_rows
from bots.web.context import Me, Visit, WebProblem
from core.i18n import Translator
from core.reports import export
from core.reports.service import Period, commendation_shares, initiatives_by_status

KINDS = ("initiatives", "commendations")


@dataclass(frozen=True)
class Table:
    kind: str
    period: Period
    header: list[str]
    rows: list[list[object]]


def period_of(visit: Visit, start: str, end: str) -> Period:
    """Local dates from the query (first of this month to today when left empty)."""
    tz = visit.web.settings.timezone
    today = visit.now.astimezone(ZoneInfo(tz)).date()
    try:
        first = date.fromisoformat(start) if start else today.replace(day=1)
        last = date.fromisoformat(end) if end else today
    except ValueError as exc:
        raise WebProblem(422, "bad_date") from exc
    if last < first:
        raise WebProblem(422, "bad_period")
    return Period(first, last, tz)


def build(s: Session, me: Me, t: Translator, kind: str, period: Period) -> Table:
    if kind == "initiatives":
        rows = export.initiative_rows(initiatives_by_status(s, actor=me.actor, period=period))
    elif kind == "commendations":
        rows = export.share_rows(commendation_shares(s, actor=me.actor, period=period))
    else:
        raise WebProblem(404, "not_found")
    return Table(kind, period, report_header(t, kind), report_rows(t, kind, rows))
