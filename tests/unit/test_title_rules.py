"""The pure rules of titles (core/emulation/title_rules.py): every threshold must hold, a
missing rank or pledge fails a threshold that asks for one, a pledge of a higher title counts,
and a candidate gets at most one title and one form, the higher level's form winning."""

from __future__ import annotations

from decimal import Decimal

from core.emulation.title_defaults import Form, Level
from core.emulation.title_rules import Standing, Thresholds, chosen, meets
from core.emulation.titles import Title

GOOD = Thresholds(1, Form.TITLE, Level.GRASSROOTS, 1, min_score=Decimal(80))
FIGHTER = Thresholds(
    2,
    Form.TITLE,
    Level.GRASSROOTS,
    2,
    min_score=Decimal(100),
    min_share=Decimal(80),
    all_targets=True,
    pledge_title=Title.FIGHTER,
)
CERTIFICATE = Thresholds(
    3, Form.CERTIFICATE, Level.GRASSROOTS, 3, min_score=Decimal(90), max_rank=3
)
PROVINCE = Thresholds(4, Form.MERIT, Level.PROVINCE, 1, min_score=Decimal(100))


def standing(score: str, **kw: object) -> Standing:
    values: dict[str, object] = {
        "score": Decimal(score),
        "weakest": Decimal(score),
        "targets_met": True,
        "rank": 1,
        "pledged": Title.FIGHTER,
    }
    values.update(kw)
    return Standing(**values)  # type: ignore[arg-type]


def test_each_threshold_must_hold():
    assert meets(GOOD, standing("80"))
    assert not meets(GOOD, standing("79.99"))
    assert meets(FIGHTER, standing("100"))
    assert not meets(FIGHTER, standing("100", weakest=Decimal(79)))
    assert not meets(FIGHTER, standing("100", targets_met=False))
    assert not meets(FIGHTER, standing("100", pledged=Title.GOOD_WORKER))
    assert not meets(FIGHTER, standing("100", pledged=None))
    assert not meets(CERTIFICATE, standing("95", rank=4))
    assert not meets(CERTIFICATE, standing("95", rank=None))


def test_a_higher_pledge_counts_for_a_lower_one():
    asks_good = Thresholds(5, Form.TITLE, Level.GRASSROOTS, pledge_title=Title.GOOD_WORKER)
    assert meets(asks_good, standing("0", pledged=Title.FIGHTER))
    assert not meets(asks_good, standing("0", pledged=Title.TAKING_PART))


def test_one_title_and_one_form_the_highest():
    rules = [GOOD, FIGHTER, CERTIFICATE, PROVINCE]
    assert chosen(rules, standing("120")) == [FIGHTER, PROVINCE]
    assert chosen(rules, standing("95", pledged=None)) == [GOOD, CERTIFICATE]
    assert chosen(rules, standing("85", rank=5)) == [GOOD]
    assert chosen(rules, standing("10")) == []
