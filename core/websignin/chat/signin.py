"""/signin: an officer asks for a one-time code to open the officer web page."""

from __future__ import annotations

from core.dispatch import Context, Router, reply
from core.errors import Forbidden
from core.messages import OutgoingMessage
from core.websignin import rules, service

router = Router()


@router.command("signin", members_only=True)
def on_signin(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None and ctx.member.id is not None
    try:
        code = service.issue(ctx.session, member_id=ctx.member.id, now=ctx.now)
    except Forbidden:
        return [reply(_("The officer web page is only for union officers."))]
    minutes = int(rules.TTL.total_seconds() // 60)
    text = _(
        "Your code to sign in to the officer web page: {code}\n"
        "Type it on the sign-in page within {minutes} minutes. It works once. "
        "Never give it to anyone: nobody from the union will ask you for it.",
        code=code,
        minutes=minutes,
    )
    url = ctx.config.web_signin_url
    where = (
        _("The sign-in page: {url}", url=url)
        if url
        else _("The officer web page is not switched on on this server yet: ask its operator.")
    )
    return [reply(f"{text}\n{where}")]
