"""/hidename and /showname: whether a member's name may appear in announcements of initiatives
and commendations and on leaderboards beyond their union (one choice, a dated consent)."""

from __future__ import annotations

from core.dispatch import Context, Router
from core.initiatives import people
from core.initiatives.chat.common import member
from core.members.menu import main_menu
from core.messages import OutgoingMessage

router = Router()


@router.command("hidename", members_only=True)
def on_hide_name(ctx: Context) -> list[OutgoingMessage]:
    people.set_name_shown(ctx.session, member_id=member(ctx).id, show=False, now=ctx.now)  # type: ignore[arg-type]
    text = ctx.t.gettext(
        "Your name will not appear in announcements of initiatives and commendations, and "
        "leaderboards show your initials beyond your union. Send /showname to change this."
    )
    return [main_menu(ctx, text)]


@router.command("showname", members_only=True)
def on_show_name(ctx: Context) -> list[OutgoingMessage]:
    people.set_name_shown(ctx.session, member_id=member(ctx).id, show=True, now=ctx.now)  # type: ignore[arg-type]
    text = ctx.t.gettext(
        "Your name may appear in announcements of initiatives and commendations and on "
        "leaderboards seen by other unions. Send /hidename to change this."
    )
    return [main_menu(ctx, text)]
