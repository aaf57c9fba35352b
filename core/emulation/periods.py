"""Reporting periods of a campaign's criteria, and when each may be reported (pure).

A criterion reported monthly has one period per calendar month the campaign covers, quarterly
one per quarter, once one for the whole campaign; the first and last are cut to the
campaign's dates. A period is reported from `OPEN_DAYS` before its last day (`ONCE_OPEN_DAYS`
for the whole campaign's); from the day after it, a missing report is late and is reminded
`REMIND_AFTER_DAYS` later; `GRACE_DAYS` after its last day the period closes (and with the
campaign, whichever comes first). The campaign's last period has no days after it (a campaign
closes once its last day is over), so its reminder goes on its last day but one. The target
of a number criterion is a target for each period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.emulation.templates import Frequency

OPEN_DAYS = 2  # the period's last three days
ONCE_OPEN_DAYS = 13  # a once-only criterion: the campaign's last two weeks
REMIND_AFTER_DAYS = 3
GRACE_DAYS = 10


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # "2026-12", "2026-Q4", "all"
    start: date
    end: date
    last: bool = False  # the campaign's last period: it ends with the campaign

    @property
    def opens(self) -> date:
        days = ONCE_OPEN_DAYS if self.key == "all" else OPEN_DAYS
        return max(self.start, self.end - timedelta(days))

    @property
    def remind_on(self) -> date:
        if self.last:
            return max(self.opens, self.end - timedelta(1))
        return self.end + timedelta(REMIND_AFTER_DAYS)

    @property
    def closes(self) -> date:
        """The first day on which no report is taken any more."""
        return self.end + timedelta(GRACE_DAYS + 1)

    def open_on(self, day: date) -> bool:
        return self.opens <= day < self.closes

    def late_on(self, day: date) -> bool:
        return day > self.end


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(1)


def _quarter_end(day: date) -> date:
    last_month = (day.month - 1) // 3 * 3 + 3
    return _month_end(date(day.year, last_month, 1))


def periods(frequency: Frequency, starts_on: date, ends_on: date) -> list[Period]:
    """The periods of a criterion in a campaign from `starts_on` to `ends_on`, in order."""
    if frequency is Frequency.ONCE or ends_on < starts_on:
        return [Period("all", starts_on, max(starts_on, ends_on), last=True)]
    found: list[Period] = []
    day = starts_on
    while day <= ends_on:
        if frequency is Frequency.MONTHLY:
            end, key = _month_end(day), f"{day.year}-{day.month:02d}"
        else:
            end, key = _quarter_end(day), f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        found.append(Period(key, day, min(end, ends_on), last=end >= ends_on))
        day = end + timedelta(1)
    return found


def period_of(frequency: Frequency, starts_on: date, ends_on: date, key: str) -> Period | None:
    for period in periods(frequency, starts_on, ends_on):
        if period.key == key:
            return period
    return None


def ending_on(frequency: Frequency, starts_on: date, ends_on: date, due_on: date) -> Period | None:
    """The criterion's period that ends on `due_on`, if one does."""
    for period in periods(frequency, starts_on, ends_on):
        if period.end == due_on:
            return period
    return None


def open_ends(frequencies: set[Frequency], starts_on: date, ends_on: date, day: date) -> list[date]:
    """The last days of the periods open on `day`, latest first (several frequencies may share
    one: December ends a month and a quarter)."""
    ends = {p.end for f in frequencies for p in periods(f, starts_on, ends_on) if p.open_on(day)}
    return sorted(ends, reverse=True)
