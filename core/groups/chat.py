"""/linkgroup in a private chat: an officer gets the one-time code that links a group chat to
their unit, with how to send it there."""

from __future__ import annotations

from core.dispatch import Context, Router, reply
from core.groups import service
from core.groups.service import CODE_TTL
from core.members import service as members
from core.messages import OutgoingMessage

router = Router()


@router.command("linkgroup", members_only=True)
def on_linkgroup(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    units = members.officer_units(ctx.session, member_id=ctx.member.id)  # type: ignore[arg-type]
    if not units:
        return [reply(_("Only an officer of the union can link a group chat."))]
    if not ctx.config.group_links:
        return [reply(_("Group chats are not connected on this service yet."))]
    unit = min(units, key=lambda u: (u.path.count("/"), u.id))
    code = service.issue_code(
        ctx.session,
        actor=service.Officer(ctx.member.id),
        unit_id=unit.id,
        now=ctx.now,  # type: ignore[arg-type]
    )
    lines = [
        _(
            "To post the announcements of {unit} in a group chat, send this in the group "
            "within {minutes} minutes (the code works once):",
            unit=unit.name,
            minutes=int(CODE_TTL.total_seconds() // 60),
        )
    ]
    for _platform, links in sorted(ctx.config.group_links.items()):
        lines.append(f"{links.command} {code}")
        lines.append(
            _(
                "The bot must be in the group first: add {mention}, or open {link} and "
                "choose the group (the code is then sent for you).",
                mention=links.mention,
                link=links.add_to_group(code),
            )
        )
    lines.append(_("The groups of your units are listed on the officer desk."))
    return [reply("\n".join(lines))]
