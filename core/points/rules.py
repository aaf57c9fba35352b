"""Pure rules of the ledger: which scopes an award counts in, and the histogram keys."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

ALL_TIME = "all"
BAND = 128  # width of a level-1 histogram band, in points
DEFAULT_TZ = "Asia/Ho_Chi_Minh"


def week_scope(when: datetime, tz: str = DEFAULT_TZ) -> str:
    """The ISO week, in the union's local time (a week starts Monday 00:00 in Vietnam)."""
    year, week, _ = when.astimezone(ZoneInfo(tz)).isocalendar()
    return f"week:{year}-W{week:02d}"


def week_start(scope: str) -> date:
    """The Monday a week scope ("week:2026-W49") starts on, to show it as a date."""
    year, week = scope.split(":", 1)[1].split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def month_scope(when: datetime, tz: str = DEFAULT_TZ) -> str:
    local = when.astimezone(ZoneInfo(tz))
    return f"month:{local.year}-{local.month:02d}"


def campaign_scope(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def quiz_scope(quiz_id: int) -> str:
    return f"quiz:{quiz_id}"


def scopes_for(
    when: datetime, *, campaign_id: int | None, extra_scope: str | None, tz: str = DEFAULT_TZ
) -> list[str]:
    scopes = [ALL_TIME, week_scope(when, tz), month_scope(when, tz)]
    if campaign_id is not None:
        scopes.append(campaign_scope(campaign_id))
    if extra_scope is not None:
        scopes.append(extra_scope)
    return scopes


def band(points: int) -> int:
    return points // BAND


def histogram_keys(points: int) -> list[tuple[int, int]]:
    """(level, key) rows a member holding `points` is counted in."""
    return [(0, points), (1, band(points))]
