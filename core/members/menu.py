"""The main menu, help, and the answers of menu items whose features are not open yet."""

from __future__ import annotations

from collections.abc import Callable

from core.dispatch import Context, Router, button, reply
from core.members.buttons import Menu, MenuItem
from core.members.models import UnionUnit
from core.messages import Button, OutgoingMessage

router = Router()


def menu_buttons(ctx: Context) -> tuple[Button, ...]:
    _ = ctx.t.gettext
    officer = (button(_("Officer tasks"), Menu(MenuItem.OFFICER)),) if _is_officer(ctx) else ()
    return (
        button(_("Campaigns"), Menu(MenuItem.CAMPAIGNS)),
        button(_("Quiz"), Menu(MenuItem.QUIZ)),
        button(_("Submit an initiative"), Menu(MenuItem.INITIATIVE)),
        button(_("Leaderboard"), Menu(MenuItem.LEADERBOARD)),
        *officer,
        button(_("My profile"), Menu(MenuItem.PROFILE)),
        button(_("Help"), Menu(MenuItem.HELP)),
    )


def _units(ctx: Context) -> list[UnionUnit]:
    """The units the person is an officer of (none for a member or before joining)."""
    from core.members.service import officer_units

    if ctx.member is None or ctx.member.id is None:
        return []
    return officer_units(ctx.session, member_id=ctx.member.id)


def _is_officer(ctx: Context) -> bool:
    from core.members.service import is_officer

    if ctx.member is None or ctx.member.id is None:
        return False
    return is_officer(ctx.session, member_id=ctx.member.id, held=ctx.held)


def main_menu(ctx: Context, text: str | None = None) -> OutgoingMessage:
    return reply(text or ctx.t.gettext("What would you like to do?"), *menu_buttons(ctx))


def help_text(ctx: Context) -> str:
    _ = ctx.t.gettext
    return "\n".join(
        [
            _("thidua brings your union's emulation campaigns to this chat."),
            "",
            _("Tap a button in the menu, or send one of these commands:"),
            _("/menu – the main menu"),
            _("/quiz – the quizzes open now"),
            _("/profile – your profile"),
            _("/language – change the language"),
            _("/name – correct your name"),
            _("/mydata – see everything we keep about you"),
            _("/link – use thidua on another messenger too"),
            _("/messenger – the messenger announcements try first"),
            _("/my_initiatives – the initiatives you sent"),
            _("/commend – propose a colleague or a team for commendation"),
            _("/stop – stop announcements; /resume – receive them again"),
            _("/forget – delete all your data"),
            _("/cancel – leave the current step"),
            "",
            _("You can also just type «menu», «help» or «cancel», without the slash."),
            *_officer_help(ctx),
        ]
    )


def _officer_help(ctx: Context) -> list[str]:
    if not _is_officer(ctx):
        return []
    return ["", *_officer_commands(ctx)]


OfficerLines = Callable[[Context], list[str]]
OFFICER_LINES: list[OfficerLines] = []


def officer_lines(fn: OfficerLines) -> OfficerLines:
    """Register a feature's lines of the officers' help, shown to the officers who can use its
    commands (the feature imports this module, never the reverse: core.members stays below
    the features)."""
    OFFICER_LINES.append(fn)
    return fn


def _officer_commands(ctx: Context) -> list[str]:
    _ = ctx.t.gettext
    return [
        _("For union officers:"),
        _("/newcampaign – write a new campaign; /campaigns – your campaigns"),
        _("/launch, /close – launch or close a campaign; /broadcast – send an announcement"),
        _("/report – how an announcement was delivered"),
        _("/initiatives – initiatives waiting for review"),
        _("/report_initiatives – the month's report of initiatives and commendations"),
        _("/reward_table – the reward table of your union; /commendations – nominations"),
        *(line for lines in OFFICER_LINES for line in lines(ctx)),
        _("/signin – a code to sign in to the officers' web pages"),
        *(
            [_("/linkgroup – post your union's announcements in its group chat too")]
            if ctx.config.group_links
            else []
        ),
    ]


def officer_guide(ctx: Context) -> str:
    """What an officer can do, for the officer greeted after /link or /officer and the menu's
    «Officer tasks»; empty for anyone who is not an officer."""
    units = _units(ctx)
    if not units:
        return ""
    _ = ctx.t.gettext
    url = ctx.config.web_signin_url
    desk = (
        _(
            "The officer desk in a browser: send /signin for a sign-in code, then open {url}",
            url=url,
        )
        if url
        else _("The officer desk in a browser: ask the server's operator to switch it on.")
    )
    return "\n".join(
        [
            _(
                "You are an officer of {units}: you run its campaigns, quizzes, initiatives and "
                "commendations, and those of the units below it.",
                units=", ".join(u.name for u in units),
            ),
            "",
            *_officer_commands(ctx),
            "",
            desk,
        ]
    )


@router.button(Menu, members_only=True, item=MenuItem.OFFICER)
def on_officer_button(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    guide = officer_guide(ctx)
    if not guide:
        return [main_menu(ctx, ctx.t.gettext("This part of the menu is for union officers."))]
    return [main_menu(ctx, guide)]


HELP_WORDS = ("help", "trợ giúp", "giúp", "giúp tôi", "giúp đỡ", "hỗ trợ", "hướng dẫn")
MENU_WORDS = ("menu", "menu chính", "main menu", "xem menu", "mở menu")


@router.command("help", words=(*HELP_WORDS, "hướng dẫn sử dụng"))
def on_help(ctx: Context) -> list[OutgoingMessage]:
    if not ctx.onboarded and ctx.conv.flow is not None:  # joining, the question above
        then = ctx.t.gettext("To go on joining, answer the question above.")
        return [reply(help_text(ctx) + "\n\n" + then)]
    if not ctx.onboarded:
        return [reply(help_text(ctx) + "\n\n" + ctx.t.gettext("To begin, send /start."))]
    return [main_menu(ctx, help_text(ctx))]


@router.command("menu", members_only=True, words=MENU_WORDS)
def on_menu(ctx: Context) -> list[OutgoingMessage]:
    return [main_menu(ctx)]


@router.button(Menu, members_only=True, item=MenuItem.HELP)
def on_help_button(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return on_help(ctx)


@router.button(Menu, members_only=True, item=MenuItem.MAIN)
def on_main_button(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return [main_menu(ctx)]
