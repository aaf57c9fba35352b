"""The officers' reports (core/reports) for a period chosen on a page: the figures come from the
report services and their row layout (core/reports/export.py, as the CLI and the API use);
only the column names and status words are put in the officer's language here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bots.web.context import Me, Visit, WebProblem
from core.i18n import Translator
from core.initiatives import texts as words
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


def headers(t: Translator, kind: str) -> list[str]:
    _ = t.gettext
    if kind == "initiatives":
        return [
            _("Union unit"),
            _("Initiative status"),
            _("Initiatives"),
            _("Accepted benefit (VND)"),
            _("Rewards (VND)"),
        ]
    return [
        _("Union unit"),
        _("People commended"),
        _("Direct production workers"),
        _("Share of direct production workers"),
        _("Without a leadership post"),
        _("Share without a leadership post"),
        _("With a leadership post"),
        _("Union or Party official"),
        _("Civil servant"),
        _("Public employee"),
        _("Worker in production or business"),
        _("Group and post from the members' list"),
    ]


def build(s: Session, me: Me, t: Translator, kind: str, period: Period) -> Table:
    if kind == "initiatives":
        rows = export.initiative_rows(initiatives_by_status(s, actor=me.actor, period=period))
        for row in rows:
            row[1] = words.status(t, str(row[1]))
    elif kind == "commendations":
        rows = export.share_rows(commendation_shares(s, actor=me.actor, period=period))
    else:
        raise WebProblem(404, "not_found")
    return Table(kind, period, headers(t, kind), rows)
