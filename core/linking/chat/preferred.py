"""/messenger: which of a person's linked messengers announcements try first. When a message
cannot reach them there (blocked, unknown, outside the window), it goes to the next one
(core/delivery_fallback.py)."""

from __future__ import annotations

from core.dispatch import Context, Router, button, reply
from core.linking.buttons import PreferMessenger
from core.members import service
from core.members.labels import platform_name
from core.members.menu import main_menu
from core.messages import OutgoingMessage

router = Router()
NOT_PREFERRED = ("webchat", "terminal")  # no announcements reach a browser tab or a terminal


def _platforms(ctx: Context) -> list[str]:
    assert ctx.member is not None and ctx.member.id is not None
    found = service.identities_of(ctx.session, member_id=ctx.member.id)
    return sorted({i.platform for i in found if i.platform not in NOT_PREFERRED})


def messenger_question(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    platforms = _platforms(ctx)
    if len(platforms) < 2:
        return [
            reply(
                _(
                    "Announcements reach you on the only messenger linked to your profile. "
                    "To add another, send /link here and follow the steps."
                )
            )
        ]
    current = ctx.member.preferred_platform
    text = _(
        "Which messenger should announcements try first? If a message cannot reach you "
        "there, it goes to your other messenger, once."
    )
    if current in platforms:
        text += "\n" + _("Now: {name}.", name=platform_name(ctx.t, current))
    buttons = [button(platform_name(ctx.t, p), PreferMessenger(p)) for p in platforms]
    return [reply(text, *buttons)]


@router.command("messenger", members_only=True)
def on_messenger(ctx: Context) -> list[OutgoingMessage]:
    return messenger_question(ctx)


@router.button(PreferMessenger, members_only=True)
def on_prefer(ctx: Context, data: PreferMessenger) -> list[OutgoingMessage]:
    assert ctx.member is not None
    if data.platform not in _platforms(ctx):
        return messenger_question(ctx)
    ctx.member.preferred_platform = data.platform
    text = ctx.t.gettext(
        "Done: announcements will try {name} first.", name=platform_name(ctx.t, data.platform)
    )
    return [main_menu(ctx, text)]
