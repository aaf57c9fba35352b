"""How a unit's emulation results become points, and points a ranking in its block.

The rule, in one place (issue #17):
- A **number** criterion (output, hours of training, initiatives ...) earns its points in
  proportion to how much of the target was reached, up to `cap` times the points (a unit that
  does more than pledged earns a little more, not without limit). Where lower is better
  (accidents, defect rate), reaching the target or staying under it earns the full points and
  each step above it loses points in proportion, down to none at twice the target. A
  maximum of 0 ("không để xảy ra tai nạn lao động", no accident at all) is that same rule at
  its limit: 0 earns the full points and any figure above 0 earns none (twice 0 is 0), as
  a union's rules take one accident to mean the target was missed for the period.
- A count is compared **per member** where the criterion says so: 12 initiatives in a union of
  1,200 members are worth what 1 initiative is in a union of 100. The member count is the
  roster's, or the declared membership where there is no roster, never the number of people
  who happen to use the bot.
- A **yes/no** criterion earns its points on yes.
- A **score** criterion is given by an evaluator of the level above, from 0 to its points.
- An evaluator's adjusted value replaces the self-assessed one (with its reason, kept apart).
- A unit's total is the sum over the criteria; the block ranks units by total, equal totals
  share a rank (1, 2, 2, 4), and a unit with no result on a criterion earns nothing on it.
- **Progress** as a reporter is shown it: where more is better, the share of the target
  reached (100 % at the target); where lower is better, the target is a maximum: met while
  the figure stays at or under it (0 accidents is perfect, not "0 %"), else by how much it
  is above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CAP = Decimal("1.2")  # at most 120 % of a criterion's points for beating its target
PLACES = Decimal("0.01")


class Kind(StrEnum):
    NUMBER = "number"
    YES_NO = "yes_no"
    SCORE = "score"


@dataclass(frozen=True, slots=True)
class Criterion:
    id: int
    kind: Kind
    points: Decimal  # the most a unit earns on it at its target (its weight)
    target: Decimal | None = None  # NUMBER: per member when `per_member`
    per_member: bool = False
    lower_is_better: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    """What a unit reported (or an evaluator set) on one criterion."""

    criterion_id: int
    value: Decimal  # NUMBER: the figure; YES_NO: 1 or 0; SCORE: the points given


@dataclass(frozen=True, slots=True)
class Standing:
    unit_id: int
    total: Decimal
    rank: int


def criterion_points(criterion: Criterion, value: Decimal | None, members: int | None) -> Decimal:
    """The points `value` earns on `criterion` for a unit of `members` members."""
    if value is None or value < 0:
        return Decimal(0)
    if criterion.kind is Kind.YES_NO:
        return criterion.points if value >= 1 else Decimal(0)
    if criterion.kind is Kind.SCORE:
        return _round(min(value, criterion.points))
    if criterion.target is None or criterion.target < 0:
        return Decimal(0)
    if criterion.target == 0:  # only "at most 0" (lower is better) takes a target of 0
        return criterion.points if criterion.lower_is_better and value == 0 else Decimal(0)
    figure = value
    if criterion.per_member:
        if not members or members <= 0:
            return Decimal(0)
        figure = value / Decimal(members)
    ratio = figure / criterion.target
    if criterion.lower_is_better:
        share = Decimal(1) if ratio <= 1 else max(Decimal(0), 2 - ratio)
    else:
        share = min(ratio, CAP)
    return _round(criterion.points * share)


@dataclass(frozen=True, slots=True)
class Progress:
    """A figure against its target (see the module's rule)."""

    met: bool
    share: Decimal | None = None  # more is better: the figure / the target (1 at the target)
    over: Decimal = Decimal(0)  # lower is better: how far above the maximum (0 when met)


def met(value: Decimal, target: Decimal | None, *, lower_is_better: bool) -> bool:
    """Whether `value` reached `target`: at most it where lower is better (a maximum of 0 is
    met by 0 only), at least it otherwise (a target of 0 there is no target: never met)."""
    if target is None or target < 0 or (target == 0 and not lower_is_better):
        return False
    return value <= target if lower_is_better else value >= target


def progress(value: Decimal, target: Decimal, *, lower_is_better: bool) -> Progress:
    """How far `value` is along `target`, in the figures the reporter types."""
    if lower_is_better:
        over = max(value - target, Decimal(0))
        return Progress(met=over == 0, over=over)
    return Progress(met=value >= target, share=value / target if target > 0 else None)


def unit_total(
    criteria: Sequence[Criterion], results: Sequence[Result], members: int | None
) -> Decimal:
    by_criterion = {r.criterion_id: r.value for r in results}
    return sum((criterion_points(c, by_criterion.get(c.id), members) for c in criteria), Decimal(0))


def rank_block(
    criteria: Sequence[Criterion],
    results: Mapping[int, Sequence[Result]],
    members: Mapping[int, int | None],
) -> list[Standing]:
    """Every unit of a block (the keys of `members`), best first, equal totals sharing a rank."""
    totals = {
        unit_id: unit_total(criteria, results.get(unit_id, ()), count)
        for unit_id, count in members.items()
    }
    return rank_totals(totals)


def rank_totals(totals: Mapping[int, Decimal]) -> list[Standing]:
    """Units by total, best first, equal totals sharing a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    standings: list[Standing] = []
    for position, (unit_id, total) in enumerate(ordered, start=1):
        rank = standings[-1].rank if standings and standings[-1].total == total else position
        standings.append(Standing(unit_id, total, rank))
    return standings


def period_total(people_points: Decimal, people: int, union_points: Decimal) -> Decimal:
    """A unit's total for a reporting period, as its reporters see their standing: the average
    points of its members who reported (`people_points` summed over the `people` of them) plus
    the points of the union's own figures."""
    average = people_points / people if people else Decimal(0)
    return quantize(average + union_points)


def most_points(criteria: Sequence[Criterion]) -> Decimal:
    """The highest total a unit can reach (every target beaten by the cap)."""
    return sum(
        (
            c.points * CAP if c.kind is Kind.NUMBER and not c.lower_is_better else c.points
            for c in criteria
        ),
        Decimal(0),
    )


def quantize(value: Decimal) -> Decimal:
    """A total as shown and ranked: two decimal places."""
    return _round(value)


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)
