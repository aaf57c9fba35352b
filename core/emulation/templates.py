"""Ready-made sets of criteria an officer starts a campaign from (issue #17): short, tied to
production for private and foreign-invested enterprises, as the seed asks; one for state
agencies; one for the annual individual titles. Names are catalog messages, translated where
they are shown; an officer edits the copy, never the template."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.emulation.scoring import Kind
from core.i18n import N_


class Reporter(StrEnum):
    MEMBER = "member"  # each person reports their own figure
    GRASSROOTS = "grassroots"  # the grassroots union reports for its unit
    EVALUATOR = "evaluator"  # an evaluator of the level above scores it


class Frequency(StrEnum):
    ONCE = "once"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


@dataclass(frozen=True, slots=True)
class CriterionTemplate:
    name: str  # a catalog message
    kind: Kind
    points: Decimal
    reporter: Reporter
    frequency: Frequency
    measure: str | None = None  # the unit of a number, a catalog message ("%", "initiatives")
    target: Decimal | None = None
    per_member: bool = False
    lower_is_better: bool = False
    evidence: bool = False


@dataclass(frozen=True, slots=True)
class CampaignTemplate:
    key: str
    name: str
    criteria: tuple[CriterionTemplate, ...]

    @property
    def points(self) -> Decimal:
        return sum((c.points for c in self.criteria), Decimal(0))


PERCENT = N_("% of plan")
PRODUCTION = CampaignTemplate(
    "production",
    N_("Emulation tied to production (private and foreign-invested enterprises)"),
    (
        CriterionTemplate(
            N_("Output against the production plan"),
            Kind.NUMBER,
            Decimal(30),
            Reporter.GRASSROOTS,
            Frequency.MONTHLY,
            PERCENT,
            Decimal(100),
        ),
        CriterionTemplate(
            N_("Defect rate"),
            Kind.NUMBER,
            Decimal(15),
            Reporter.GRASSROOTS,
            Frequency.MONTHLY,
            N_("% of products"),
            Decimal(2),
            lower_is_better=True,
        ),
        CriterionTemplate(
            N_("Workplace accidents"),
            Kind.NUMBER,
            Decimal(20),
            Reporter.GRASSROOTS,
            Frequency.MONTHLY,
            N_("accidents"),
            Decimal(0),  # «không để xảy ra tai nạn lao động»: at most 0
            lower_is_better=True,
        ),
        CriterionTemplate(
            N_("Initiatives and technical improvements"),
            Kind.NUMBER,
            Decimal(20),
            Reporter.GRASSROOTS,
            Frequency.QUARTERLY,
            N_("initiatives"),
            Decimal("0.02"),
            per_member=True,
            evidence=True,
        ),
        CriterionTemplate(
            N_("Workers' average income against the plan"),
            Kind.NUMBER,
            Decimal(15),
            Reporter.GRASSROOTS,
            Frequency.QUARTERLY,
            PERCENT,
            Decimal(100),
        ),
    ),
)
STATE_AGENCY = CampaignTemplate(
    "state_agency",
    N_("Emulation in a state agency"),
    (
        CriterionTemplate(
            N_("Assigned tasks completed"),
            Kind.SCORE,
            Decimal(40),
            Reporter.EVALUATOR,
            Frequency.QUARTERLY,
        ),
        CriterionTemplate(
            N_("Administrative reform and digital transformation initiatives"),
            Kind.NUMBER,
            Decimal(20),
            Reporter.GRASSROOTS,
            Frequency.QUARTERLY,
            N_("initiatives"),
            Decimal("0.02"),
            per_member=True,
            evidence=True,
        ),
        CriterionTemplate(
            N_("Discipline and culture at work"),
            Kind.SCORE,
            Decimal(20),
            Reporter.EVALUATOR,
            Frequency.QUARTERLY,
        ),
        CriterionTemplate(
            N_("Members taking part in union activities"),
            Kind.NUMBER,
            Decimal(20),
            Reporter.GRASSROOTS,
            Frequency.QUARTERLY,
            N_("% of members"),
            Decimal(90),
        ),
    ),
)
INDIVIDUAL_TITLES = CampaignTemplate(
    "individual_titles",
    N_("Annual individual titles (Good worker, Grassroots emulation fighter)"),
    (
        CriterionTemplate(
            N_("Tasks completed well"), Kind.YES_NO, Decimal(40), Reporter.MEMBER, Frequency.ONCE
        ),
        CriterionTemplate(
            N_("Initiatives recognised"),
            Kind.NUMBER,
            Decimal(30),
            Reporter.MEMBER,
            Frequency.ONCE,
            N_("initiatives"),
            Decimal(1),
            evidence=True,
        ),
        CriterionTemplate(
            N_("Hours of training"),
            Kind.NUMBER,
            Decimal(10),
            Reporter.MEMBER,
            Frequency.ONCE,
            N_("hours"),
            Decimal(40),
        ),
        CriterionTemplate(
            N_("Labour discipline kept"),
            Kind.YES_NO,
            Decimal(20),
            Reporter.EVALUATOR,
            Frequency.ONCE,
        ),
    ),
)
TEMPLATES = (PRODUCTION, STATE_AGENCY, INDIVIDUAL_TITLES)
