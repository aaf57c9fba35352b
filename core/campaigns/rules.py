"""Pure rules about campaigns: dates typed in chat, groups, what may happen in which status."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.campaigns.models import CampaignStatus
from core.members.models import WorkerGroup

TITLE_MAX = 200
TEXT_MAX = 2000
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
REMINDER_LOCAL_TIME = time(8, 0)


def parse_date(text: str, *, today: date) -> date | None:
    """What Vietnamese officers type: 31/12/2026, 31/12, 31-12-26, or 2026-12-31."""
    match = _ISO.match(text)
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _DMY.match(text)
        if not match:
            return None
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else today.year
        if year < 100:
            year += 2000
        return date(year, month, day)
    except ValueError:
        return None


def parse_period(text: str, *, today: date) -> tuple[date, date] | None:
    """Two dates typed as a period: "01/12/2026 - 31/12/2026", "1/12 – 31/12", "1/12 đến 31/12"."""
    unified = text.replace("–", " - ").replace(" đến ", " - ")
    pieces = [p for p in unified.split(" - ") if p.strip()]
    if len(pieces) != 2:
        return None
    starts, ends = (parse_date(p, today=today) for p in pieces)
    if starts is None or ends is None:
        return None
    return starts, ends


def groups_text(groups: Iterable[str]) -> str:
    chosen = set(groups)
    return ",".join(g.value for g in WorkerGroup if g.value in chosen)


def groups_of(text: str) -> list[str]:
    return [g for g in text.split(",") if g]


def campaign_problem(
    *, title: str, description: str, criteria: str, starts_on: date, ends_on: date
) -> str | None:
    if not title.strip():
        return "title_empty"
    if len(title) > TITLE_MAX:
        return "title_too_long"
    if len(description) > TEXT_MAX or len(criteria) > TEXT_MAX:
        return "text_too_long"
    if ends_on < starts_on:
        return "ends_before_start"
    return None


def launch_problem(status: CampaignStatus) -> str | None:
    if status == CampaignStatus.CLOSED:
        return "campaign_closed"
    if status in (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED):
        return "campaign_already_launched"
    return None


def local_day_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(timezone))


def reminder_due(ends_on: date, days_before: int, timezone: str) -> datetime:
    """08:00 local time, `days_before` days before the last day."""
    day = ends_on - timedelta(days=days_before)
    return datetime.combine(day, REMINDER_LOCAL_TIME, tzinfo=ZoneInfo(timezone))


def ended(ends_on: date, now: datetime, timezone: str) -> bool:
    return now >= local_day_start(ends_on + timedelta(days=1), timezone)
