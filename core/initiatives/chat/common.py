"""What every initiatives conversation uses: the member and the officer behind a message, and
a refusal in words."""

from __future__ import annotations

from core.campaigns.scope import Actor
from core.dispatch import Context, reply
from core.errors import DomainError
from core.initiatives.problems import problem_text
from core.members.models import Member
from core.messages import Button, OutgoingMessage


def say(text: str, *buttons: Button) -> list[OutgoingMessage]:
    return [reply(text, *buttons)]


def refusal(ctx: Context, err: DomainError | str, *buttons: Button) -> list[OutgoingMessage]:
    return say(problem_text(ctx.t, err, limit=ctx.config.attachments.max_mb), *buttons)


def member(ctx: Context) -> Member:
    assert ctx.member is not None and ctx.member.id is not None
    return ctx.member


def actor(ctx: Context) -> Actor:
    return Actor.officer(member(ctx).id)  # type: ignore[arg-type]
