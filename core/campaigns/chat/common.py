"""What every campaigns conversation shares: who is acting, the officers-only guard, the
Cancel button and its handler, and looking a campaign up with its problem worded."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from core.campaigns import service
from core.campaigns.buttons import Cancel
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.campaigns.steps import Announcing, Closing, Creating, Editing
from core.campaigns.texts import problem
from core.chat.buttons import CallbackData
from core.dispatch import Context, Router, button, parse_command, reply
from core.errors import DomainError
from core.members.menu import main_menu
from core.messages import Button, OutgoingMessage

router = Router()
FLOWS = frozenset(s.__flow__ for s in (Creating, Editing, Announcing, Closing))
CHOICES_SHOWN = 8  # campaigns offered as buttons in one list
B = TypeVar("B", bound=CallbackData)


def actor(ctx: Context) -> Actor:
    assert ctx.member is not None and ctx.member.id is not None
    return Actor.officer(ctx.member.id)


def is_officer(ctx: Context) -> bool:
    return ctx.member is not None and actor(ctx).is_officer(ctx.session)


def officers_only(ctx: Context) -> list[OutgoingMessage]:
    return [main_menu(ctx, problem(ctx, "not_an_officer"))]


def for_officers(
    handler: Callable[[Context, B], list[OutgoingMessage]],
) -> Callable[[Context, B], list[OutgoingMessage]]:
    """A button handler that answers officers only."""

    @wraps(handler)
    def guarded(ctx: Context, data: B) -> list[OutgoingMessage]:
        if not is_officer(ctx):
            return officers_only(ctx)
        return handler(ctx, data)

    return guarded


def say(text: str, *buttons: Button) -> list[OutgoingMessage]:
    return [reply(text, *buttons)]


def cancel_button(ctx: Context) -> Button:
    return button(ctx.t.gettext("Cancel this"), Cancel())


def no_longer_active(ctx: Context) -> list[OutgoingMessage]:
    return say(ctx.t.gettext("That button is no longer active."))


def number(text: str) -> int | None:
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 10 else None


def command_number(ctx: Context) -> int | None:
    parsed = parse_command(ctx.text)
    return number(parsed[1]) if parsed and parsed[1] else None


def campaign(ctx: Context, campaign_id: int | None) -> Campaign | list[OutgoingMessage]:
    """The campaign in the officer's scope, or the answer that says why not."""
    if campaign_id is None:
        return say(problem(ctx, "campaign_unknown"))
    try:
        return service.get(ctx.session, actor=actor(ctx), campaign_id=campaign_id)
    except DomainError as err:
        return say(problem(ctx, err.code))


@router.button(Cancel, members_only=True)
def on_cancel(ctx: Context, _data: Cancel) -> list[OutgoingMessage]:
    if ctx.conv.flow in FLOWS:
        ctx.conv.end()
    return [main_menu(ctx, ctx.t.gettext("Cancelled. Nothing was changed."))]
