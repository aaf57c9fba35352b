"""The main menu, help, and the answers of menu items whose features are not open yet."""

from __future__ import annotations

from core.dispatch import Context, Router, payload_arg, reply
from core.messages import Button, OutgoingMessage

router = Router()


def menu_buttons(ctx: Context) -> tuple[Button, ...]:
    _ = ctx.t.gettext
    return (
        Button(_("Campaigns"), "menu:campaigns"),
        Button(_("Quiz"), "menu:quiz"),
        Button(_("Submit an initiative"), "menu:initiative"),
        Button(_("Leaderboard"), "menu:leaderboard"),
        Button(_("My profile"), "menu:profile"),
        Button(_("Help"), "menu:help"),
    )


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
            _("/profile – your profile"),
            _("/language – change the language"),
            _("/mydata – see everything we keep about you"),
            _("/stop – stop announcements; /resume – receive them again"),
            _("/forget – delete all your data"),
            _("/cancel – leave the current step"),
        ]
    )


@router.command("help")
def on_help(ctx: Context) -> list[OutgoingMessage]:
    if not ctx.onboarded:
        return [reply(help_text(ctx) + "\n\n" + ctx.t.gettext("To begin, send /start."))]
    return [main_menu(ctx, help_text(ctx))]


@router.command("menu", members_only=True)
def on_menu(ctx: Context) -> list[OutgoingMessage]:
    return [main_menu(ctx)]


def _not_open_yet(ctx: Context, item: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    texts = {
        "campaigns": _(
            "Your union has not launched a campaign here yet. When it does, the announcement "
            "will come to this chat."
        ),
        "quiz": _("There is no quiz open yet. We will send you a message when one opens."),
        "initiative": _(
            "Sending initiatives through this chat is not open yet. Until then, please give "
            "your idea to your union officer."
        ),
        "leaderboard": _(
            "The leaderboard starts with the first quiz or campaign. Take part to earn your "
            "first points!"
        ),
    }
    return [main_menu(ctx, texts[item])]


@router.payload("menu", members_only=True)
def on_menu_button(ctx: Context) -> list[OutgoingMessage]:
    from core.members.privacy import profile_messages

    item = payload_arg(ctx.message.payload or "")
    if item == "help":
        return on_help(ctx)
    if item == "profile":
        return profile_messages(ctx)
    if item in ("campaigns", "quiz", "initiative", "leaderboard"):
        return _not_open_yet(ctx, item)
    return [main_menu(ctx)]
