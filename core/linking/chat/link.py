"""/link: a second messenger for the same person. Without a code it issues one (to a member);
with a code, sent on the new messenger, it joins this chat to that member."""

from __future__ import annotations

from core.dispatch import Context, Router, parse_command, reply
from core.errors import DomainError
from core.linking import service
from core.linking.models import CodePurpose
from core.linking.texts import problem
from core.members.labels import platform_name
from core.members.menu import main_menu, officer_guide
from core.messages import OutgoingMessage

router = Router()


def command_arg(ctx: Context) -> str:
    parsed = parse_command(ctx.text)
    return parsed[1] if parsed else ""


@router.command("link")
def on_link(ctx: Context) -> list[OutgoingMessage]:
    code = command_arg(ctx)
    if code:
        return _spend(ctx, code)
    if not ctx.onboarded:
        return [
            reply(
                ctx.t.gettext(
                    "To link this chat to your profile, send /link here followed by the code "
                    "you received on your other messenger. To join a union, send /start."
                )
            )
        ]
    assert ctx.member is not None
    issued = service.issue(
        ctx.session, purpose=CodePurpose.LINK, member_id=ctx.member.id, now=ctx.now
    )
    text = ctx.t.gettext(
        "Your linking code is {code}. Within 15 minutes, send this on your other messenger:\n"
        "/link {code}\nThe code works once. Never give it to anyone else.",
        code=issued,
    )
    return [reply(text)]


def _spend(ctx: Context, code: str) -> list[OutgoingMessage]:
    try:
        member = service.link_identity(ctx.session, identity=ctx.identity, text=code, now=ctx.now)
    except DomainError as err:
        return [reply(problem(ctx.t, err.code))]
    ctx.member = member
    ctx.use_locale(member.locale)
    ctx.conv.end()
    text = ctx.t.gettext(
        "Done: this {platform} chat is now linked to the profile of {name}.",
        platform=platform_name(ctx.t, ctx.identity.platform),
        name=member.full_name or "",
    )
    guide = officer_guide(ctx)
    return [main_menu(ctx, f"{text}\n\n{guide}" if guide else text)]
