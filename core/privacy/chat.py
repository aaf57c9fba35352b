"""/mydata and /forget in the chat."""

from __future__ import annotations

from core.dispatch import Context, Router, button, reply
from core.members import service
from core.members.buttons import Privacy, PrivacyAction
from core.members.menu import main_menu
from core.members.models import ConsentPurpose
from core.members.privacy import back, profile_lines
from core.members.steps import Forgetting
from core.messages import OutgoingMessage
from core.privacy.forget import forget_member

router = Router()


def _purpose(ctx: Context, purpose: str) -> str:
    _ = ctx.t.gettext
    if purpose == ConsentPurpose.DATA_PROCESSING:
        return _("taking part in your union's campaigns")
    return _("receiving your union's announcements")


@router.command("mydata")
def on_mydata(ctx: Context) -> list[OutgoingMessage]:
    return _mydata(ctx)


@router.button(Privacy, action=PrivacyAction.MYDATA)
def on_mydata_button(ctx: Context, _data: Privacy) -> list[OutgoingMessage]:
    return _mydata(ctx)


def _mydata(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if ctx.member is None:
        return [
            reply(
                _(
                    "We keep nothing about you except the id this messenger gave us for this "
                    "chat, so that we can answer you."
                )
            )
        ]
    lines = [_("This is everything thidua keeps about you:"), *profile_lines(ctx)]
    for consent in service.active_consents(ctx.session, member_id=ctx.member.id):  # type: ignore[arg-type]
        lines.append(
            _(
                "You agreed on {date} to: {purpose}",
                date=ctx.t.date(consent.granted_at),
                purpose=_purpose(ctx, consent.purpose),
            )
        )
    lines.append("")
    lines.append(
        _(
            "The messages you send are deleted as soon as they have been answered; only their "
            "ids are kept for two days so that nothing is answered twice."
        )
    )
    lines.append(_("Send /forget to delete all of it."))
    return [reply("\n".join(lines))]


@router.command("forget")
def on_forget(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if ctx.member is None:
        ctx.conv.end()
        return [reply(_("We keep nothing about you, so there is nothing to delete."))]
    ctx.conv.enter(Forgetting.confirm)
    return [
        reply(
            _(
                "If you go on, thidua erases your name and phone number, the link to every "
                "messenger you use with it, your messages and conversations, your unfinished "
                "drafts and your sign-in codes."
            )
            + "\n\n"
            + _(
                "Your union keeps its records of what you took part in: initiatives with the "
                "reward paid to each author, commendations, points and quiz results. They no "
                "longer carry your name and show \u201ca former member\u201d of your union "
                "instead, because they record rewards the union decided and paid."
            )
            + "\n\n"
            + _("This cannot be undone. Erase your data?"),
            button(_("Yes, erase my data"), Privacy(PrivacyAction.FORGET)),
            button(_("No, keep my data"), Privacy(PrivacyAction.KEEP)),
        )
    ]


@router.button(Privacy, action=PrivacyAction.FORGET)
def on_forget_confirmed(ctx: Context, _data: Privacy) -> list[OutgoingMessage]:
    if not ctx.conv.at(Forgetting.confirm) or ctx.member is None:
        return back(ctx)
    forget_member(ctx.session, member=ctx.member, keep_identity=ctx.identity, now=ctx.now)  # type: ignore[arg-type]
    ctx.member = None
    ctx.conv.end()
    return [
        reply(
            ctx.t.gettext(
                "Your data has been erased. Your union's records of what you took part in "
                "stay, under \u201ca former member\u201d. Thank you for taking part. To join "
                "again, send /start."
            )
        )
    ]


@router.button(Privacy, action=PrivacyAction.KEEP)
def on_forget_refused(ctx: Context, _data: Privacy) -> list[OutgoingMessage]:
    if not ctx.conv.at(Forgetting.confirm):
        return back(ctx)
    return on_forget_step(ctx)


@router.step(Forgetting.confirm)
def on_forget_step(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.end()
    text = ctx.t.gettext("Nothing was deleted.")
    return [main_menu(ctx, text)] if ctx.onboarded else [reply(text)]
