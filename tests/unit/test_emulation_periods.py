"""The reporting periods of a campaign's criteria and their windows (pure)."""

from __future__ import annotations

from datetime import date

from core.emulation.periods import Period, open_ends, periods
from core.emulation.templates import Frequency

START, END = date(2026, 11, 15), date(2027, 4, 10)


def test_months_are_cut_to_the_campaign() -> None:
    found = periods(Frequency.MONTHLY, START, END)
    assert [p.key for p in found] == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
    ]
    assert found[0] == Period("2026-11", START, date(2026, 11, 30))
    assert found[2].end == date(2027, 1, 31) and found[3].end == date(2027, 2, 28)
    assert found[-1] == Period("2027-04", date(2027, 4, 1), END, last=True)
    assert not any(p.last for p in found[:-1])


def test_quarters_and_once() -> None:
    assert [(p.key, p.end) for p in periods(Frequency.QUARTERLY, START, END)] == [
        ("2026-Q4", date(2026, 12, 31)),
        ("2027-Q1", date(2027, 3, 31)),
        ("2027-Q2", END),
    ]
    assert periods(Frequency.ONCE, START, END) == [Period("all", START, END, last=True)]


def test_the_campaigns_last_period_is_reminded_before_it_ends() -> None:
    (once,) = periods(Frequency.ONCE, START, END)
    assert once.opens == date(2027, 3, 28)  # the last two weeks
    assert once.remind_on == date(2027, 4, 9)
    april = periods(Frequency.MONTHLY, START, END)[-1]
    assert (april.opens, april.remind_on) == (date(2027, 4, 8), date(2027, 4, 9))


def test_a_period_opens_three_days_before_its_end_and_closes_ten_days_after() -> None:
    november = periods(Frequency.MONTHLY, START, END)[0]
    assert not november.open_on(date(2026, 11, 27))
    assert november.open_on(date(2026, 11, 28)) and not november.late_on(date(2026, 11, 30))
    assert november.late_on(date(2026, 12, 1)) and november.remind_on == date(2026, 12, 3)
    assert november.open_on(date(2026, 12, 10)) and not november.open_on(date(2026, 12, 11))


def test_december_ends_a_month_and_a_quarter_in_one_call() -> None:
    both = {Frequency.MONTHLY, Frequency.QUARTERLY}
    assert open_ends(both, START, END, date(2026, 12, 30)) == [date(2026, 12, 31)]
    assert open_ends(both, START, END, date(2027, 1, 5)) == [date(2026, 12, 31)]
    assert open_ends(both, START, END, date(2027, 1, 15)) == []
