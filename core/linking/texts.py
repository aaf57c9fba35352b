"""Words for the linking feature's problems: one-time codes refused, messengers taken."""

from __future__ import annotations

from core.i18n import N_, Translator

PROBLEMS: dict[str, str] = {
    "code_unknown": N_("This code is not valid. Please check it and send it again."),
    "code_used": N_("This code has already been used. Please ask for a new one."),
    "code_expired": N_("This code has expired. Please ask for a new one."),
    "code_too_many_tries": N_(
        "Too many wrong codes from this chat. Please wait an hour and try again."
    ),
    "already_linked": N_("This messenger is already linked to your profile."),
    "identity_taken": N_(
        "This messenger already belongs to another member. Send /forget here first if you "
        "want to link it to another profile."
    ),
}


def problem(t: Translator, code: str) -> str:
    return t.gettext(PROBLEMS.get(code, PROBLEMS["code_unknown"]))
