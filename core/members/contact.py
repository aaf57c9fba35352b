"""A phone number shared through a messenger's own card (Zalo `user_submit_info`).

It is kept only for a member who consented to data processing; anyone else's number is
dropped with the message (the inbound row's body is cleared once it is answered).
"""

from __future__ import annotations

import re

from core.dispatch import Context, reply
from core.members import service
from core.members.models import ConsentPurpose
from core.members.onboarding import resume
from core.messages import OutgoingMessage

_NOT_DIGITS = re.compile(r"[\s().-]")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")


def normalise_phone(raw: str | None) -> str | None:
    """Digits with an optional leading +, 8 to 15 of them; None for anything else."""
    if not raw:
        return None
    phone = _NOT_DIGITS.sub("", raw.strip())
    return phone if _PHONE.match(phone) else None


def on_shared_contact(ctx: Context) -> list[OutgoingMessage] | None:
    """The replies when the number was kept; None to let the dispatcher answer instead."""
    member = ctx.member
    phone = normalise_phone(ctx.message.phone)
    if member is None or member.id is None or phone is None:
        return None
    if not service.has_consent(
        ctx.session, member_id=member.id, purpose=ConsentPurpose.DATA_PROCESSING
    ):
        return None
    member.phone = phone
    ctx.session.flush()
    thanks = reply(
        ctx.t.gettext(
            "Thank you. Your phone number {phone} is saved with your profile; /forget deletes it.",
            phone=phone,
        )
    )
    if ctx.onboarded:
        return [thanks]
    return [thanks, *resume(ctx, member)]
