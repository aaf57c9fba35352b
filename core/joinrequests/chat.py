"""Join requests in chat: the card the unit's officers get when a person waits for them, the
list (/requests), and the three decisions. Every button's choice may be typed too (its
number, letter or words), as everywhere in the chat."""

from __future__ import annotations

from core.campaigns.scope import Actor
from core.dispatch import Context, Router, button, reply
from core.errors import DomainError
from core.i18n import Translator
from core.initiatives import notifier
from core.joinrequests import service
from core.joinrequests.buttons import Approve, Edit, PickGroup, PickPost, Refuse, StopEditing
from core.joinrequests.steps import Editing, EditingState
from core.members import join_requests, labels
from core.members.menu import main_menu
from core.members.models import JoinRequest, Member, UnionUnit, WorkerGroup
from core.messages import OutgoingMessage

router = Router()


def card(t: Translator, waiting: service.Waiting) -> OutgoingMessage:
    request, member = waiting.request, waiting.member
    text = t.gettext(
        "Join request no. {number}: {name} asks to join {unit} and was not found on its "
        "members' list.\nGroup, as they said: {group}\nLeadership post, as they said: {post}",
        number=request.id,
        name=member.full_name,
        unit=waiting.unit.name,
        group=labels.worker_group(t, member.worker_group),
        post=labels.yes_no(t, member.holds_leadership_post),
    )
    rid: int = request.id  # type: ignore[assignment]
    return reply(
        text,
        button(t.gettext("Approve"), Approve(rid)),
        button(t.gettext("Correct, then approve"), Edit(rid)),
        button(t.gettext("Refuse"), Refuse(rid)),
    )


@join_requests.on_opened
def tell_officers(ctx: Context, request: JoinRequest) -> None:
    """The card goes to the officers of the nearest unit (upwards) that has officers."""
    unit = ctx.session.get(UnionUnit, request.unit_id)
    member = ctx.session.get(Member, request.member_id)
    if unit is None or member is None:
        return
    waiting = service.Waiting(request, member, unit)
    tell = notifier(ctx)
    for officer_id in service.officers_to_tell(ctx.session, unit=unit):
        tell.tell(
            ctx.session,
            member_id=officer_id,
            compose=lambda t: [card(t, waiting)],
            key=f"jr:{request.id}:tell:{officer_id}",
            now=ctx.now,
        )


def _actor(ctx: Context) -> Actor:
    return Actor.officer(ctx.member.id)  # type: ignore[union-attr,arg-type]


def problem(ctx: Context, err: DomainError) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    text = {
        "already_decided": _("This request has already been decided."),
        "request_unknown": _("There is no such join request."),
    }.get(err.code, _("This request is for a union unit outside yours."))
    return [main_menu(ctx, text)]


@router.command("requests", members_only=True)
def on_requests(ctx: Context) -> list[OutgoingMessage]:
    actor = _actor(ctx)
    if not actor.is_officer(ctx.session):
        return [main_menu(ctx, ctx.t.gettext("Only union officers decide on join requests."))]
    found = service.in_scope(ctx.session, actor=actor, limit=10)
    if not found:
        return [main_menu(ctx, ctx.t.gettext("No join request is waiting."))]
    return [card(ctx.t, w) for w in found]


@router.button(Approve, members_only=True)
def on_approve(ctx: Context, data: Approve) -> list[OutgoingMessage]:
    return _approve(ctx, data.request, None, None)


def _approve(
    ctx: Context, request_id: int, group: WorkerGroup | None, leader: bool | None
) -> list[OutgoingMessage]:
    try:
        done = service.approve(
            ctx.session,
            actor=_actor(ctx),
            request_id=request_id,
            notifier=notifier(ctx),
            now=ctx.now,
            group=group,
            leader=leader,
        )
    except DomainError as err:
        return problem(ctx, err)
    text = ctx.t.gettext(
        "Approved: {name} is now a member of {unit} ({group}; leadership post: {post}), and "
        "has been told.",
        name=done.member.full_name,
        unit=done.unit.name,
        group=labels.worker_group(ctx.t, done.member.worker_group),
        post=labels.yes_no(ctx.t, done.member.holds_leadership_post),
    )
    return [main_menu(ctx, text)]


@router.button(Refuse, members_only=True)
def on_refuse(ctx: Context, data: Refuse) -> list[OutgoingMessage]:
    try:
        done = service.refuse(
            ctx.session,
            actor=_actor(ctx),
            request_id=data.request,
            notifier=notifier(ctx),
            now=ctx.now,
        )
    except DomainError as err:
        return problem(ctx, err)
    text = ctx.t.gettext(
        "Refused: the request no. {number} for {unit} is closed. The person has been told, and "
        "what they gave has been deleted.",
        number=data.request,
        unit=done.unit.name,
    )
    return [main_menu(ctx, text)]


@router.button(Edit, members_only=True)
def on_edit(ctx: Context, data: Edit) -> list[OutgoingMessage]:
    try:
        waiting = service.pending(ctx.session, actor=_actor(ctx), request_id=data.request)
    except DomainError as err:
        return problem(ctx, err)
    ctx.conv.enter(Editing.group, EditingState(request=data.request))
    _ = ctx.t.gettext
    groups = [
        button(_(label), PickGroup(WorkerGroup(value)))
        for value, label in labels.WORKER_GROUP_LABELS.items()
    ]
    text = _("Which group does {name} belong to?", name=waiting.member.full_name)
    return [reply(text, *groups, button(_("Stop correcting"), StopEditing()))]


@router.button(PickGroup, members_only=True)
def on_group(ctx: Context, data: PickGroup) -> list[OutgoingMessage]:
    if not ctx.conv.at(Editing.group):
        return _not_now(ctx)
    state = ctx.conv.state(EditingState)
    state.group = data.group.value
    ctx.conv.move_to(Editing.post, state)
    _ = ctx.t.gettext
    return [
        reply(
            _("Do they hold a leadership or management post at work?"),
            button(_("Yes"), PickPost(leader=True)),
            button(_("No"), PickPost(leader=False)),
            button(_("Stop correcting"), StopEditing()),
        )
    ]


@router.button(PickPost, members_only=True)
def on_post(ctx: Context, data: PickPost) -> list[OutgoingMessage]:
    if not ctx.conv.at(Editing.post):
        return _not_now(ctx)
    state = ctx.conv.state(EditingState)
    ctx.conv.end()
    return _approve(ctx, state.request, WorkerGroup(state.group), data.leader)


@router.button(StopEditing, members_only=True)
def on_stop(ctx: Context, _data: StopEditing) -> list[OutgoingMessage]:
    if ctx.conv.flow != Editing.__flow__:
        return _not_now(ctx)
    ctx.conv.end()
    text = ctx.t.gettext("Nothing was changed; the request is still waiting (/requests).")
    return [main_menu(ctx, text)]


def _not_now(ctx: Context) -> list[OutgoingMessage]:
    return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]
