"""Answers when no command, button or step matches."""

from __future__ import annotations

from core.chat import choices
from core.chat.render import choices_of
from core.dispatch import Context, Fallbacks, parse_command, reply
from core.members.menu import main_menu
from core.members.onboarding import on_stranger
from core.messages import OutgoingMessage


def unknown_command(ctx: Context) -> list[OutgoingMessage]:
    """An unknown command in the middle of a step asks that step again, with its choices, so
    that the next typed number still answers it."""
    parsed = parse_command(ctx.text)
    name = parsed[0] if parsed else ctx.text
    text = ctx.t.gettext("I do not know the command /{name}.", name=name)
    asked = ctx.conv.prompt
    if ctx.conv.flow is not None and asked is not None:
        return [reply(text + "\n" + ctx.t.gettext("Let us go on where we were:")), asked]
    if ctx.conv.flow is not None and not ctx.onboarded:
        return [reply(text + "\n" + ctx.t.gettext("To go on joining, answer the question above."))]
    if not ctx.onboarded:
        return [main_menu_or_start(ctx, text)]
    return [main_menu(ctx, text + "\n" + ctx.t.gettext("Here is what I can do:"))]


def main_menu_or_start(ctx: Context, text: str) -> OutgoingMessage:
    return reply(text + "\n" + ctx.t.gettext("To begin, send /start."))


def stale_button(ctx: Context) -> list[OutgoingMessage]:
    return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]


def free_text(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if ctx.message.attachments and not ctx.text:
        text = _(
            "Thank you, I received your file. Files are used only inside a guided step, such "
            "as sending an initiative."
        )
    else:
        text = _("Sorry, I did not understand that. Please choose from the menu, or send /help.")
    return [main_menu(ctx, text)]


def not_a_choice(ctx: Context) -> list[OutgoingMessage]:
    """Typed text that names none of the choices of a step that takes only those: ask again,
    with the same choices."""
    asked = ctx.conv.prompt
    again = ctx.t.gettext("Please answer with one of the options below: its number or its name.")
    if asked is None:
        return [main_menu(ctx, again)]
    if choices.yes_no_choices([b.label for b in choices_of(asked)]) is not None:
        again = ctx.t.gettext(
            "Sorry, I am not sure what you mean. Please answer with one of the options below, "
            "or type «yes» or «no»."
        )
    return [reply(again), asked]


FALLBACKS = Fallbacks(
    not_a_member=on_stranger,
    unknown_command=unknown_command,
    stale_button=stale_button,
    free_text=free_text,
    not_a_choice=not_a_choice,
)
