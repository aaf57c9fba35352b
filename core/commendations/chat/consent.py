"""A person proposed for a commendation says whether the announcement may name them (kept as
their standing choice; /showname and /hidename change it)."""

from __future__ import annotations

from core.commendations.buttons import NameShown
from core.commendations.chat.propose import member_of, say
from core.dispatch import Context, Router
from core.initiatives.service import set_name_shown
from core.messages import OutgoingMessage

router = Router()


@router.button(NameShown, members_only=True)
def on_name_shown(ctx: Context, data: NameShown) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    set_name_shown(ctx.session, member_id=member_of(ctx).id, show=data.show, now=ctx.now)  # type: ignore[arg-type]
    if data.show:
        return say(_("Thank you. Announcements may say your name. Send /hidename to change this."))
    return say(_("Understood: announcements will not name you. Send /showname to change this."))
