"""Whether a candidate meets a title's thresholds, and which titles to propose: pure rules
(issue #17).

- `score`: the candidate's points over the campaign as a percentage of the points its
  criteria give at their targets (100 = every target met exactly; beating targets goes
  above, up to the cap of core/emulation/scoring.py). Each criterion counts the average of
  its periods over when the campaign closed; a period not reported earns nothing.
- `weakest`: the lowest of those per-criterion percentages.
- `targets_met`: a person met every target they pledged (on average over the periods); a
  person without a pledge has not. A grassroots union met every criterion's target.
- `rank`: a grassroots union's rank in its block (or among the campaign's unions in no
  block); a person's among the people of their grassroots union. Equal scores share a rank.
- `pledged`: the title a person pledged (None: no pledge; always None for a union).

A candidate gets at most one emulation title and at most one commendation form: of those
whose thresholds it meets, the one of the highest issuing level, then placed highest (the
most demanding) by its level's officers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.emulation.title_defaults import PLEDGE_ORDER, Form, Level
from core.emulation.titles import Title

LEVELS = tuple(Level)  # from the grassroots up: a higher level's form wins


@dataclass(frozen=True, slots=True)
class Thresholds:
    id: int
    form: Form
    level: Level
    position: int = 0
    min_score: Decimal | None = None
    min_share: Decimal | None = None
    all_targets: bool = False
    max_rank: int | None = None
    pledge_title: Title | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    score: Decimal
    weakest: Decimal
    targets_met: bool
    rank: int | None
    pledged: Title | None = None


def meets(rule: Thresholds, found: Standing) -> bool:
    if rule.min_score is not None and found.score < rule.min_score:
        return False
    if rule.min_share is not None and found.weakest < rule.min_share:
        return False
    if rule.all_targets and not found.targets_met:
        return False
    if rule.max_rank is not None and (found.rank is None or found.rank > rule.max_rank):
        return False
    if rule.pledge_title is not None:
        if found.pledged is None:
            return False
        if PLEDGE_ORDER.index(found.pledged) < PLEDGE_ORDER.index(rule.pledge_title):
            return False
    return True


def chosen(rules: Sequence[Thresholds], found: Standing) -> list[Thresholds]:
    """The titles to propose: the highest met of the emulation titles, and the highest met of
    the commendation forms (Giấy khen, Bằng khen)."""
    picked: list[Thresholds] = []
    for titles in (
        [r for r in rules if r.form is Form.TITLE],
        [r for r in rules if r.form is not Form.TITLE],
    ):
        met = [r for r in titles if meets(r, found)]
        if met:
            picked.append(max(met, key=lambda r: (LEVELS.index(r.level), r.position, r.id)))
    return picked
