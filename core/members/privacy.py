"""What a member can see and decide about their profile: profile, language, /stop, /resume,
/cancel (/mydata and /forget: core/privacy/chat.py)."""

from __future__ import annotations

from core.dispatch import Context, Router, button, reply
from core.members import naming, service
from core.members.buttons import (
    AskLanguage,
    Menu,
    MenuItem,
    NewName,
    Privacy,
    PrivacyAction,
    SetLanguage,
)
from core.members.labels import LANGUAGE_NAMES, worker_group, yes_no
from core.members.menu import main_menu
from core.members.models import UnionUnit
from core.members.rules import typed_name_problem
from core.members.steps import Renaming, RenamingState
from core.messages import OutgoingMessage
from core.text import clean

router = Router()


def profile_lines(ctx: Context) -> list[str]:
    member = ctx.member
    assert member is not None and member.id is not None
    _ = ctx.t.gettext
    unit = ctx.session.get(UnionUnit, member.unit_id)
    platforms = ", ".join(
        i.platform.capitalize() for i in service.identities_of(ctx.session, member_id=member.id)
    )
    lines = [
        _("Name: {value}", value=member.full_name or _("not given")),
        _("Union: {value}", value=unit.name if unit else ""),
        _("Group: {value}", value=worker_group(ctx.t, member.worker_group)),
        _("Leadership post: {value}", value=yes_no(ctx.t, member.holds_leadership_post)),
        _("Language: {value}", value=LANGUAGE_NAMES.get(member.locale, member.locale)),
        _("Messengers: {value}", value=platforms),
        _("Joined on: {value}", value=ctx.t.date(member.joined_at)),
    ]
    if member.phone:
        lines.insert(1, _("Phone: {value}", value=member.phone))
    return lines


def profile_messages(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    text = _("Your profile") + "\n" + "\n".join(profile_lines(ctx))
    return [
        reply(
            text,
            button(_("Change language"), AskLanguage()),
            button(_("My data"), Privacy(PrivacyAction.MYDATA)),
            button(_("Main menu"), Privacy(PrivacyAction.MENU)),
        )
    ]


@router.command("profile", members_only=True)
def on_profile(ctx: Context) -> list[OutgoingMessage]:
    return profile_messages(ctx)


def language_question(ctx: Context) -> list[OutgoingMessage]:
    buttons = [button(name, SetLanguage(code)) for code, name in LANGUAGE_NAMES.items()]
    return [reply(ctx.t.gettext("Which language do you want me to use?"), *buttons)]


@router.command("name", "rename", members_only=True)
def on_name(ctx: Context) -> list[OutgoingMessage]:
    """/name: correct one's own name."""
    return ask_new_name(ctx)


def ask_new_name(ctx: Context) -> list[OutgoingMessage]:
    assert ctx.member is not None
    ctx.conv.enter(Renaming.name, RenamingState())
    return [
        reply(
            ctx.t.gettext(
                "Your name here is {name}. Send the name to use instead, or /cancel.",
                name=ctx.member.full_name or "?",
            )
        )
    ]


def confirm_new_name(ctx: Context, name: str, problem: str | None = None) -> list[OutgoingMessage]:
    """Show the new name back as it will be kept, to be confirmed or typed again."""
    ctx.conv.enter(Renaming.confirm, RenamingState(name=name))
    ask = ctx.t.gettext(
        "Your new name: {name}\nIs that right? If not, type it again, or send /cancel to keep "
        "your name as it is.",
        name=name,
    )
    text = f"{naming.problem_text(ctx, problem)}\n\n{ask}" if problem else ask
    return [reply(text, *naming.buttons(ctx, NewName))]


@router.step(Renaming.name)
def on_new_name(ctx: Context) -> list[OutgoingMessage]:
    assert ctx.member is not None
    problem = typed_name_problem(ctx.text) if not ctx.message.payload else "name_empty"
    if problem:
        return [
            reply(
                ctx.t.gettext("Please send your full name in letters, for example: Nguyễn Thị Lan.")
            )
        ]
    return confirm_new_name(ctx, clean(ctx.text))


@router.step(Renaming.confirm)
def on_new_name_confirm(ctx: Context) -> list[OutgoingMessage]:
    """What is typed at the new name's confirmation (a tap or a typed label: `on_rename`)."""
    return _answered_new_name(ctx, naming.typed(ctx, NewName))


@router.button(NewName, members_only=True)
def on_rename(ctx: Context, data: NewName) -> list[OutgoingMessage]:
    if not ctx.conv.at(Renaming.confirm):
        return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]
    return _answered_new_name(ctx, naming.tapped(ctx, data))


def _answered_new_name(ctx: Context, answer: naming.Answer) -> list[OutgoingMessage]:
    assert ctx.member is not None
    name = ctx.conv.state(RenamingState).name
    if answer.said is naming.Said.RETYPE or not name:
        return ask_new_name(ctx)
    if answer.said is naming.Said.NAME:
        return confirm_new_name(ctx, answer.name)
    if answer.said is naming.Said.UNCLEAR:
        return confirm_new_name(ctx, name, answer.problem)
    ctx.member.full_name = name
    ctx.conv.end()
    return [main_menu(ctx, ctx.t.gettext("Your name is now {name}.", name=name))]


@router.command("language", "lang")
def on_language(ctx: Context) -> list[OutgoingMessage]:
    return language_question(ctx)


@router.button(AskLanguage)
def on_ask_language(ctx: Context, _data: AskLanguage) -> list[OutgoingMessage]:
    return language_question(ctx)


@router.button(SetLanguage)
def on_language_button(ctx: Context, data: SetLanguage) -> list[OutgoingMessage]:
    choice = data.locale
    if choice not in LANGUAGE_NAMES:
        return language_question(ctx)
    if ctx.member is not None:
        ctx.member.locale = choice
    else:
        ctx.conv.hint_locale(choice)
    ctx.use_locale(choice)
    text = ctx.t.gettext("From now on I will write in English.")
    if not ctx.onboarded:
        return [reply(text + "\n" + ctx.t.gettext("To begin, send /start."))]
    return [main_menu(ctx, text)]


@router.command("stop", members_only=True)
def on_stop(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    changed = service.set_announcements(
        ctx.session,
        member_id=ctx.member.id,
        enabled=False,
        now=ctx.now,  # type: ignore[arg-type]
    )
    text = (
        _("You will not receive announcements any more. Send /resume to receive them again.")
        if changed
        else _("Announcements are already stopped. Send /resume to receive them again.")
    )
    return [main_menu(ctx, text)]


@router.command("resume", members_only=True)
def on_resume(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    changed = service.set_announcements(
        ctx.session,
        member_id=ctx.member.id,
        enabled=True,
        now=ctx.now,  # type: ignore[arg-type]
    )
    text = (
        _("You will receive your union's announcements again.")
        if changed
        else _("You are already receiving announcements.")
    )
    return [main_menu(ctx, text)]


@router.command("cancel", words=("hủy", "hủy bỏ", "thoát", "cancel", "quit", "exit"))
def on_cancel(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    under_way = ctx.conv.flow is not None
    ctx.conv.end()
    if ctx.onboarded and not under_way:  # «hủy» typed at the menu, say
        return [main_menu(ctx, _("There is nothing under way to cancel."))]
    if ctx.onboarded:
        return [main_menu(ctx, _("Cancelled."))]
    return [reply(_("Cancelled. Send /start whenever you want to continue."))]


@router.button(Privacy, action=PrivacyAction.MENU)
def on_privacy_menu(ctx: Context, _data: Privacy) -> list[OutgoingMessage]:
    return back(ctx)


@router.button(Menu, members_only=True, item=MenuItem.PROFILE)
def on_profile_button(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return profile_messages(ctx)


def back(ctx: Context) -> list[OutgoingMessage]:
    if ctx.onboarded:
        return [main_menu(ctx)]
    return [reply(ctx.t.gettext("To begin, send /start."))]
