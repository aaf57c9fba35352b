"""Pure rules about a criterion as an officer writes it: what each kind needs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter

NAME_MAX = 200
MEASURE_MAX = 60
POINTS_MAX = Decimal(1000)
TARGET_MAX = Decimal(10) ** 12


@dataclass(frozen=True)
class CriterionInput:
    """A criterion as the officer gives it (the desk's form, the admin API's body)."""

    name: str
    kind: Kind
    points: Decimal
    reporter: Reporter
    frequency: Frequency
    measure: str = ""
    target: Decimal | None = None
    per_member: bool = False
    lower_is_better: bool = False
    evidence: bool = False


def criterion_problem(data: CriterionInput) -> str | None:
    """Why the criterion cannot be kept as given, as a code; None when it can."""
    if not data.name.strip():
        return "criterion_name_empty"
    if len(data.name) > NAME_MAX or len(data.measure) > MEASURE_MAX:
        return "criterion_text_too_long"
    if not Decimal(0) < data.points <= POINTS_MAX:
        return "criterion_points"
    if data.kind is Kind.NUMBER:
        if data.target is None or data.target > TARGET_MAX or data.target < 0:
            return "criterion_target"
        if data.target == 0 and not data.lower_is_better:  # "at most 0" only, never "at least 0"
            return "criterion_target"
        return None
    if data.target is not None or data.per_member or data.lower_is_better or data.measure.strip():
        return "criterion_not_a_number"
    if data.kind is Kind.SCORE and data.reporter is not Reporter.EVALUATOR:
        return "criterion_score_by_evaluator"
    return None
