"""The kinds of title and commendation form and the union levels that issue them (defined with
the commendations, core/commendations/forms.py), and the standard set each level starts from
(issue #17). Names are catalog messages, copied in the officer's language when a level takes
the standard set; its officers then edit their copy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.commendations.forms import (  # noqa: F401  (the emulation's names for them)
    FORM_LABELS,
    LEVEL_LABELS,
    LEVEL_OF_KIND,
    Form,
    Level,
    form_label,
    level_label,
    level_of,
)
from core.emulation.titles import Title
from core.i18n import N_, Translator


class Subject(StrEnum):
    PERSON = "person"  # cá nhân
    COLLECTIVE = "collective"  # tập thể: a grassroots union


SUBJECT_LABELS = {Subject.PERSON: N_("Person"), Subject.COLLECTIVE: N_("Collective")}
# a pledge's title, from the least to the most: "pledged this or higher"
PLEDGE_ORDER = (Title.TAKING_PART, Title.GOOD_WORKER, Title.FIGHTER)


def subject_label(t: Translator, value: str) -> str:
    return t.gettext(SUBJECT_LABELS[Subject(value)])


@dataclass(frozen=True, slots=True)
class Standard:
    name: str  # a catalog message
    subject: Subject
    form: Form
    min_score: Decimal | None = None
    min_share: Decimal | None = None
    all_targets: bool = False
    max_rank: int | None = None
    pledge_title: Title | None = None


STANDARD: dict[Level, tuple[Standard, ...]] = {
    Level.GRASSROOTS: (
        Standard(N_("Good worker"), Subject.PERSON, Form.TITLE, min_score=Decimal(80)),
        Standard(
            N_("Grassroots emulation fighter"),
            Subject.PERSON,
            Form.TITLE,
            min_score=Decimal(100),
            min_share=Decimal(80),
            all_targets=True,
            pledge_title=Title.FIGHTER,
        ),
        Standard(
            N_("Certificate of merit of the grassroots union's executive committee"),
            Subject.PERSON,
            Form.CERTIFICATE,
            min_score=Decimal(90),
            max_rank=3,
        ),
    ),
    Level.UPPER: (
        Standard(
            N_("Advanced labour collective"), Subject.COLLECTIVE, Form.TITLE, min_score=Decimal(80)
        ),
        Standard(
            N_("Excellent labour collective"),
            Subject.COLLECTIVE,
            Form.TITLE,
            min_score=Decimal(100),
            all_targets=True,
        ),
        Standard(
            N_("Certificate of merit of the upper-level union"),
            Subject.COLLECTIVE,
            Form.CERTIFICATE,
            min_score=Decimal(90),
            max_rank=3,
        ),
    ),
    Level.PROVINCE: (
        Standard(
            N_("Diploma of merit of the provincial federation of labour"),
            Subject.COLLECTIVE,
            Form.MERIT,
            min_score=Decimal(100),
            all_targets=True,
            max_rank=1,
        ),
        Standard(
            N_("Diploma of merit of the provincial federation of labour"),
            Subject.PERSON,
            Form.MERIT,
            min_score=Decimal(110),
            all_targets=True,
            pledge_title=Title.FIGHTER,
        ),
    ),
    Level.CONFEDERATION: (
        Standard(
            N_("Diploma of merit of the Vietnam General Confederation of Labour"),
            Subject.COLLECTIVE,
            Form.MERIT,
            min_score=Decimal(110),
            min_share=Decimal(100),
            all_targets=True,
            max_rank=1,
        ),
        Standard(
            N_("Diploma of merit of the Vietnam General Confederation of Labour"),
            Subject.PERSON,
            Form.MERIT,
            min_score=Decimal(115),
            min_share=Decimal(100),
            all_targets=True,
            pledge_title=Title.FIGHTER,
        ),
    ),
}
