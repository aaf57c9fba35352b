"""/link: a second messenger for the same person; /officer CODE: an officer invitation."""

from __future__ import annotations

from core.campaigns.texts import platform_name, problem
from core.dispatch import Context, Router, parse_command, reply
from core.errors import DomainError
from core.linking import service
from core.linking.models import CodePurpose
from core.members.menu import main_menu
from core.messages import OutgoingMessage

router = Router()


def _arg(ctx: Context) -> str:
    parsed = parse_command(ctx.text)
    return parsed[1] if parsed else ""


@router.command("link")
def on_link(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    code = _arg(ctx)
    if code:
        try:
            member = service.link_identity(
                ctx.session, identity=ctx.identity, text=code, now=ctx.now
            )
        except DomainError as err:
            return [reply(problem(ctx, err.code))]
        ctx.member = member
        ctx.use_locale(member.locale)
        ctx.conv.end()
        text = ctx.t.gettext(
            "Done: this {platform} chat is now linked to the profile of {name}.",
            platform=platform_name(ctx, ctx.identity.platform),
            name=member.full_name or "",
        )
        return [main_menu(ctx, text)]
    if not ctx.onboarded:
        return [
            reply(
                _(
                    "To link this chat to your profile, send /link here followed by the code "
                    "you received on your other messenger. To join a union, send /start."
                )
            )
        ]
    issued = service.issue(
        ctx.session,
        purpose=CodePurpose.LINK,
        member_id=ctx.member.id,
        now=ctx.now,  # type: ignore[union-attr]
    )
    text = _(
        "Your linking code is {code}. Within 15 minutes, send this on your other messenger:\n"
        "/link {code}\nThe code works once. Never give it to anyone else.",
        code=issued,
    )
    return [reply(text)]


@router.command("officer", members_only=True)
def on_officer(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    code = _arg(ctx)
    if not code:
        return [reply(_("Send /officer followed by the officer code you were given."))]
    assert ctx.member is not None
    try:
        unit = service.redeem_officer(
            ctx.session, identity=ctx.identity, member=ctx.member, text=code, now=ctx.now
        )
    except DomainError as err:
        return [reply(problem(ctx, err.code))]
    text = _(
        "You are now an officer of {unit}. Open Campaigns in the menu to create and launch "
        "campaigns.",
        unit=unit.name,
    )
    return [main_menu(ctx, text)]
