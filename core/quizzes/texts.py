"""Words of the quiz feature: each problem code of the services, said to a member."""

from __future__ import annotations

from core.dispatch import Context


def problem(ctx: Context, code: str) -> str:
    _ = ctx.t.gettext
    texts = {
        "no_consent": _(
            "To take a quiz you first need to agree to take part in your union's campaigns. "
            "Send /start to give your agreement."
        ),
        "not_for_your_unit": _("This quiz is for the members of another union."),
        "not_for_you": _(
            "This quiz belongs to a campaign that is not running for you (it may have ended, "
            "or be meant for another group of members)."
        ),
        "not_published": _("This quiz is not open yet."),
        "closed": _("This quiz has closed, so answers are no longer counted. Thank you!"),
        "no_attempts_left": _(
            "You have already taken this quiz. Each member has the attempts the quiz allows, "
            "whichever app they use."
        ),
        "not_your_attempt": _(
            "This button belongs to another member's quiz. Open your own quiz from the menu."
        ),
        "wrong_quiz": _(
            "That answer does not belong to the question you are on. Please use the buttons "
            "of your current question."
        ),
        "already_answered": _(
            "You have already answered this question; only your first answer counts."
        ),
        "not_current": _("That question is over. Please continue with your current question."),
        "bad_option": _("That button is not a valid answer."),
        "quiz_unknown": _("This quiz no longer exists."),
        "attempt_unknown": _("This quiz no longer exists."),
        "question_unknown": _("This quiz no longer exists."),
        "not_closed": _(
            "The answers are shown once the quiz has closed, so that nobody can pass them on."
        ),
        "not_an_officer": _("Only union officers can create a quiz."),
    }
    return texts.get(code, _("Sorry, that cannot be done now."))


def draft_problem(ctx: Context, code: str) -> str:
    """A problem with a question an officer typed in chat."""
    _ = ctx.t.gettext
    texts = {
        "empty_question": _("The question is empty."),
        "question_too_long": _("The question is too long (at most 1000 characters)."),
        "option_too_long": _("An option is too long (at most 300 characters)."),
        "too_few_options": _("Please give at least 2 options, one per line."),
        "too_many_options": _("Please give at most 6 options."),
        "duplicate_option": _("Two options have the same text."),
        "no_correct": _("Mark the correct option(s) with * at the start of the line."),
        "all_correct": _("Every option is marked correct: leave at least one wrong option."),
        "explanation_too_long": _("The explanation is too long (at most 2000 characters)."),
        "duplicate_question": _("This quiz already has the same question."),
        "bad_title": _("Please send a title of 1 to 200 characters."),
    }
    return texts.get(code, _("That question cannot be used. Please send it again."))
