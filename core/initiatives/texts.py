"""What initiatives say: labels of statuses and categories, and the status messages."""

from __future__ import annotations

from core.dispatch import button, reply
from core.i18n import N_, Translator
from core.initiatives.buttons import Answer, Decision, Review
from core.initiatives.models import Initiative
from core.initiatives.rules import BenefitKind, Status
from core.messages import Button, OutgoingMessage

STATUS_LABELS: dict[str, str] = {
    Status.DRAFT: N_("draft"),
    Status.RECEIVED: N_("received"),
    Status.UNDER_REVIEW: N_("under review"),
    Status.NEEDS_INFO: N_("needs more information"),
    Status.ACCEPTED: N_("accepted"),
    Status.REJECTED: N_("not accepted"),
    Status.APPLIED: N_("applied"),
}

CATEGORIES: dict[str, str] = {
    "technical": N_("Technical improvement"),
    "process": N_("Work process"),
    "safety": N_("Safety and hygiene"),
    "saving": N_("Saving materials or energy"),
    "other": N_("Other"),
}


def status(t: Translator, value: str) -> str:
    return t.gettext(STATUS_LABELS[value])


def category(t: Translator, value: str | None) -> str:
    return t.gettext(CATEGORIES.get(value or "other", CATEGORIES["other"]))


def benefit(t: Translator, kind: str | None, amount: int | None) -> str:
    if kind is None or amount is None:
        return t.gettext("not given")
    if kind == BenefitKind.TIME:
        return t.gettext("{hours} hours saved a year", hours=t.number(amount))
    return t.gettext("{money} a year", money=t.money(amount))


def label(item: Initiative) -> str:
    return f"{item.code} «{item.title}»" if item.code else f"«{item.title}»"


def status_message(
    t: Translator, item: Initiative, *, share_vnd: int | None = None, points: int | None = None
) -> list[OutgoingMessage]:
    """What an author is told when their initiative changes status."""
    name = label(item)
    current = Status(item.status)
    if current == Status.RECEIVED:
        text = t.gettext(
            "Your initiative {name} has been received. The union officers will review it.",
            name=name,
        )
    elif current == Status.UNDER_REVIEW:
        text = t.gettext("Your initiative {name} is now under review.", name=name)
    elif current == Status.NEEDS_INFO:
        text = t.gettext(
            "The union officer reviewing {name} asks for more information:\n«{question}»\n"
            "Tap «Answer» and write your answer.",
            name=name,
            question=item.info_request or "",
        )
        return [reply(text, button(t.gettext("Answer"), Answer(item.id)))]
    elif current == Status.ACCEPTED:
        text = t.gettext("Congratulations! Your initiative {name} has been accepted.", name=name)
        if share_vnd is not None:
            text += "\n" + t.gettext(
                "Your reward: {money} and {points} points.",
                money=t.money(share_vnd),
                points=t.number(points or 0),
            )
    elif current == Status.REJECTED:
        text = t.gettext(
            "Your initiative {name} was not accepted. Reason: {reason}",
            name=name,
            reason=item.reject_reason or "",
        )
    else:
        text = t.gettext(
            "Your initiative {name} is now applied in your workplace. Thank you!", name=name
        )
    return [reply(text)]


def review_card(
    t: Translator, item: Initiative, authors: str, *, reminder: bool = False
) -> list[OutgoingMessage]:
    """The card an officer gets for an initiative to review, with the decisions as buttons."""
    head = (
        t.gettext("Reminder: this initiative has been waiting for your review.")
        if reminder
        else t.gettext("A new initiative to review.")
    )
    lines = [
        head,
        f"{item.code}: {item.title}",
        t.gettext("Authors: {names}", names=authors),
        t.gettext("Problem: {text}", text=item.problem),
        t.gettext("Solution: {text}", text=item.solution),
        t.gettext(
            "Expected benefit: {benefit}",
            benefit=benefit(t, item.benefit_kind, item.benefit_amount),
        ),
        t.gettext("Category: {name}", name=category(t, item.category)),
        t.gettext("Status: {status}", status=status(t, item.status)),
    ]
    return [reply("\n".join(lines), *review_buttons(t, item))]


def review_buttons(t: Translator, item: Initiative) -> tuple[Button, ...]:
    current = Status(item.status)
    if current in (Status.RECEIVED, Status.UNDER_REVIEW, Status.NEEDS_INFO):
        return (
            button(t.gettext("Accept"), Review(Decision.ACCEPT, item.id)),
            button(t.gettext("Do not accept"), Review(Decision.REJECT, item.id)),
            button(t.gettext("Ask for information"), Review(Decision.ASK, item.id)),
            button(t.gettext("Assign to another officer"), Review(Decision.ASSIGN, item.id)),
        )
    if current == Status.ACCEPTED:
        return (button(t.gettext("Mark as applied"), Review(Decision.APPLIED, item.id)),)
    return ()


def accepted_announcement(t: Translator, item: Initiative, authors: str) -> str:
    """The unit's announcement of an accepted initiative (`authors` already respects the
    authors' choice to stay unnamed)."""
    return t.gettext(
        "Good news: the initiative {name} by {authors} has been accepted by the union. Its "
        "expected benefit is {benefit}. Do you have an idea too? Tap «Submit an initiative».",
        name=label(item),
        authors=authors,
        benefit=benefit(t, item.benefit_kind, item.benefit_amount),
    )
