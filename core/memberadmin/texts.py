"""Words for the refusals of the changes to members, units and officer roles (web desk, the
`thidua member` command)."""

from __future__ import annotations

from core.i18n import N_, Translator

TEXTS: dict[str, str] = {
    "member_unknown": N_("This member is not in your units, or has left the union."),
    "own_member": N_(
        "You cannot remove yourself here. To leave, send /forget to the bot; an officer of "
        "a unit above yours can also do it."
    ),
    "officer_beyond": N_(
        "This member is an officer of a union unit outside yours: only an officer over that "
        "unit can move or remove them."
    ),
    "unit_closed": N_("That unit is closed: choose an open unit."),
    "bad_phone": N_("That is not a Vietnamese phone number (for example 0912 345 678)."),
    "name_empty": N_("Please write the name in letters."),
    "name_too_long": N_("A name here is 100 characters at most."),
    "name_too_short": N_("That is too short for a full name."),
    "name_characters": N_("A name can have letters, spaces, dots, dashes and apostrophes only."),
    "name_is_a_reply": N_("That looks like an answer rather than a name."),
    "own_unit": N_(
        "You cannot move, merge or close the unit you are an officer of: ask an officer of a "
        "unit above it."
    ),
    "unit_under_itself": N_("A unit cannot go under itself or under a unit below it."),
    "unit_code_taken": N_("Another unit already has this code."),
    "enterprise_type_only_for_grassroots": N_(
        "Only a grassroots union and the divisions and groups inside it have an enterprise type."
    ),
    "unit_has_open_units": N_("This unit still has open units below it: close or move them first."),
    "why_too_long": N_("The reason is 300 characters at most."),
    "role_unknown": N_("That officer role no longer exists."),
    "bad_role": N_("Please choose chair or committee member."),
    "own_role": N_("You cannot change your own role: ask an officer of a unit above yours."),
}


def problem(t: Translator, code: str) -> str | None:
    """The words for `code`, or None when it is not one of these refusals."""
    found = TEXTS.get(code)
    return t.gettext(found) if found else None
