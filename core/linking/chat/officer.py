"""/officer CODE: a member redeems an officer invitation for a union unit."""

from __future__ import annotations

from core.dispatch import Context, Router, reply
from core.errors import DomainError
from core.linking import service
from core.linking.chat.link import command_arg
from core.linking.texts import problem
from core.members.menu import main_menu, officer_guide
from core.messages import OutgoingMessage

router = Router()


@router.command("officer", members_only=True)
def on_officer(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    code = command_arg(ctx)
    if not code:
        return [reply(_("Send /officer followed by the officer code you were given."))]
    assert ctx.member is not None
    try:
        unit = service.redeem_officer(
            ctx.session, identity=ctx.identity, member=ctx.member, text=code, now=ctx.now
        )
    except DomainError as err:
        return [reply(problem(ctx.t, err.code))]
    text = _(
        "You are now an officer of {unit}. Open Campaigns in the menu to create and launch "
        "campaigns.",
        unit=unit.name,
    )
    return [main_menu(ctx, f"{text}\n\n{officer_guide(ctx)}")]
