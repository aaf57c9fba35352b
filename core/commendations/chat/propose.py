"""Proposing a commendation: a member proposes a colleague or a team of their grassroots union
(never themselves); an officer of that union commends directly and may approve at once.

Steps: who (part of a name is typed; the people found are offered, and a number or a letter
names one of them), team (two people or more), reason, ad-hoc or not (a choice: "co" is
«Có, đột xuất», "khong" is «Không»; anything else asks again with the choices); then, for an
officer's direct commendation, its form (or none) and the level that issues it, among the
levels from the grassroots union up to the officer's own (asked only when there are two or
more).
"""

from __future__ import annotations

from core.campaigns.scope import Actor
from core.chat import choices
from core.chat.buttons import BadPayload
from core.chat.render import choices_of
from core.commendations import service
from core.commendations.buttons import (
    AdHoc,
    Approve,
    Cancel,
    Pick,
    PickForm,
    PickLevel,
    Proceed,
)
from core.commendations.forms import Form, form_label, issuing_levels, level_label
from core.commendations.steps import Proposing, ProposingState
from core.dispatch import Context, Router, button, reply
from core.errors import DomainError
from core.initiatives import check_text, notifier
from core.initiatives.people import grassroots_of
from core.initiatives.problems import problem_text
from core.members.buttons import Menu, MenuItem
from core.members.menu import main_menu
from core.members.models import Member
from core.messages import Button, OutgoingMessage

router = Router()
MAX_PEOPLE = 20
TEAM_NAME_MAX = 120
NO_FORM = "none"


def member_of(ctx: Context) -> Member:
    assert ctx.member is not None and ctx.member.id is not None
    return ctx.member


def cancel_button(ctx: Context) -> Button:
    return button(ctx.t.gettext("Cancel"), Cancel())


def say(text: str, *buttons: Button) -> list[OutgoingMessage]:
    return [reply(text, *buttons)]


@router.command("commend", "khenthuong", members_only=True)
def on_commend(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.enter(Proposing.who, ProposingState())
    return say(
        ctx.t.gettext(
            "Whom would you like to propose for a commendation? Type part of the name of a "
            "colleague of your union."
        ),
        cancel_button(ctx),
    )


@router.button(Cancel, members_only=True)
def on_cancel(ctx: Context, _data: Cancel) -> list[OutgoingMessage]:
    ctx.conv.end()
    return [main_menu(ctx, ctx.t.gettext("Cancelled. Nothing was changed."))]


@router.step(Proposing.who)
def on_who(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    offered = _named_by_position(ctx)
    if isinstance(offered, Pick):
        return on_pick(ctx, offered)
    if isinstance(offered, Proceed):
        return on_proceed(ctx, offered)
    found = service.colleagues_named(ctx.session, by=member_of(ctx), typed=ctx.text)
    if not found:
        text = _(
            "No member of your union matches «{text}». Try another part of the name.",
            text=ctx.text[:50],
        )
        return say(text, cancel_button(ctx))
    people = [button(m.full_name or "?", Pick(m.id)) for m in found]  # type: ignore[arg-type]
    return say(_("Tap the person:"), *people, cancel_button(ctx))


def _named_by_position(ctx: Context) -> Pick | Proceed | None:
    """The person or «Continue» last offered, when the typed text names it by its number, its
    letter or words of its label (the dispatcher takes only a whole label at a free step)."""
    prompt = ctx.conv.prompt
    if prompt is None or ctx.message.payload is not None:
        return None
    offered = choices_of(prompt)
    index = choices.match(ctx.text, [b.label for b in offered], positional=True)
    if index is None:
        return None
    for kind in (Pick, Proceed):
        try:
            return kind.unpack(offered[index].payload)
        except BadPayload:
            continue
    return None


@router.button(Pick, members_only=True)
def on_pick(ctx: Context, data: Pick) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if not ctx.conv.at(Proposing.who):
        return on_commend(ctx)
    state = ctx.conv.state(ProposingState)
    try:
        service.check_nominee(ctx.session, by=member_of(ctx), member_id=data.member)
    except DomainError as err:
        return say(problem_text(ctx.t, err), cancel_button(ctx))
    if data.member not in state.ids and len(state.ids) < MAX_PEOPLE:
        state.ids.append(data.member)
    ctx.conv.save_state(state)
    text = _(
        "Proposed so far: {names}. To commend a team, type another name; otherwise tap «Continue».",
        names=service.names_of(ctx.session, ctx.t, member_ids=state.ids),
    )
    return say(text, button(_("Continue"), Proceed()), cancel_button(ctx))


@router.button(Proceed, members_only=True)
def on_proceed(ctx: Context, _data: Proceed) -> list[OutgoingMessage]:
    state = ctx.conv.state(ProposingState)
    if not ctx.conv.at(Proposing.who) or not state.ids:
        return on_commend(ctx)
    if len(state.ids) > 1:
        ctx.conv.move_to(Proposing.team, state)
        text = ctx.t.gettext("What is the name of the team (for example «Tổ cơ khí 2»)?")
        return say(text, cancel_button(ctx))
    ctx.conv.move_to(Proposing.reason, state)
    return _ask_reason(ctx)


def _ask_reason(ctx: Context) -> list[OutgoingMessage]:
    text = ctx.t.gettext("Why do they deserve it? Describe what they did in a few sentences.")
    return say(text, cancel_button(ctx))


@router.step(Proposing.team)
def on_team(ctx: Context) -> list[OutgoingMessage]:
    state = ctx.conv.state(ProposingState)
    try:
        state.team = check_text(ctx.text.split("\n")[0], limit=TEAM_NAME_MAX, code="team_name")
    except DomainError as err:
        return say(problem_text(ctx.t, err), cancel_button(ctx))
    ctx.conv.move_to(Proposing.reason, state)
    return _ask_reason(ctx)


@router.step(Proposing.reason)
def on_reason(ctx: Context) -> list[OutgoingMessage]:
    state = ctx.conv.state(ProposingState)
    try:
        state.reason = check_text(ctx.text, limit=service.MAX_REASON, code="reason")
    except DomainError as err:
        return say(problem_text(ctx.t, err), cancel_button(ctx))
    ctx.conv.move_to(Proposing.adhoc, state)
    return _ask_adhoc(ctx)


def _ask_adhoc(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    text = _(
        "Is it an ad-hoc commendation, for a deed that deserves recognition now rather than "
        "at the end of the period?"
    )
    return say(
        text,
        button(_("Yes, ad-hoc"), AdHoc(adhoc=True)),
        button(_("No"), AdHoc(adhoc=False)),
        cancel_button(ctx),
    )


@router.step(Proposing.adhoc)
def on_adhoc_other(ctx: Context) -> list[OutgoingMessage]:
    """A file or a sticker at the question (typed text is matched to its choices)."""
    return _ask_adhoc(ctx)


@router.button(AdHoc, members_only=True)
def on_adhoc(ctx: Context, data: AdHoc) -> list[OutgoingMessage]:
    if not ctx.conv.at(Proposing.adhoc):
        return on_commend(ctx)
    state = ctx.conv.state(ProposingState)
    state.adhoc = data.adhoc
    by = member_of(ctx)
    if not service.may_commend_directly(ctx.session, actor=Actor.officer(by.id), by=by):  # type: ignore[arg-type]
        return _record(ctx, state, officer=False)
    ctx.conv.move_to(Proposing.form, state)
    return _ask_form(ctx)


def _ask_form(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    kinds = [button(form_label(ctx.t, f.value), PickForm(f.value)) for f in Form]
    return say(
        _("Which form of commendation is it, if any?"),
        button(_("No form"), PickForm(NO_FORM)),
        *kinds,
        cancel_button(ctx),
    )


@router.step(Proposing.form)
def on_form_other(ctx: Context) -> list[OutgoingMessage]:
    return _ask_form(ctx)


def _levels(ctx: Context) -> list[str]:
    by = member_of(ctx)
    home = grassroots_of(ctx.session, by.unit_id)
    return [lv.value for lv in issuing_levels(ctx.session, Actor.officer(by.id), home)]  # type: ignore[arg-type]


@router.button(PickForm, members_only=True)
def on_form(ctx: Context, data: PickForm) -> list[OutgoingMessage]:
    if not ctx.conv.at(Proposing.form):
        return on_commend(ctx)
    state = ctx.conv.state(ProposingState)
    if data.form == NO_FORM:
        return _record(ctx, state, officer=True)
    state.form = data.form
    levels = _levels(ctx)
    if len(levels) <= 1:
        return _record(ctx, state, officer=True, level=levels[0] if levels else None)
    ctx.conv.move_to(Proposing.level, state)
    return _ask_level(ctx, levels)


def _ask_level(ctx: Context, levels: list[str]) -> list[OutgoingMessage]:
    options = [button(level_label(ctx.t, lv), PickLevel(lv)) for lv in levels]
    return say(ctx.t.gettext("Which level issues it?"), *options, cancel_button(ctx))


@router.step(Proposing.level)
def on_level_other(ctx: Context) -> list[OutgoingMessage]:
    return _ask_level(ctx, _levels(ctx))


@router.button(PickLevel, members_only=True)
def on_level(ctx: Context, data: PickLevel) -> list[OutgoingMessage]:
    if not ctx.conv.at(Proposing.level):
        return on_commend(ctx)
    return _record(ctx, ctx.conv.state(ProposingState), officer=True, level=data.level)


def _record(
    ctx: Context, state: ProposingState, *, officer: bool, level: str | None = None
) -> list[OutgoingMessage]:
    """The commendation recorded: a member's proposal, or an officer's direct commendation
    (with the form and level chosen), which they may approve at once."""
    _ = ctx.t.gettext
    ctx.conv.end()
    try:
        item = service.nominate(
            ctx.session,
            by=member_of(ctx),
            member_ids=state.ids,
            reason=state.reason,
            team_name=state.team,
            adhoc=state.adhoc,
            as_officer=officer,
            now=ctx.now,
            notifier=notifier(ctx),
            form=state.form,
            level=level,
        )
    except DomainError as err:
        return [main_menu(ctx, problem_text(ctx.t, err))]
    if officer:
        text = _(
            "Your commendation of {who} is recorded. Approve it now?",
            who=service.names_of(ctx.session, ctx.t, member_ids=state.ids),
        )
        later = button(_("Later"), Menu(MenuItem.MAIN))
        return say(text, button(_("Approve"), Approve(item.id)), later)  # type: ignore[arg-type]
    thanks = _(
        "Thank you! Your proposal was sent to the union officers. You will be told when they "
        "decide."
    )
    return [main_menu(ctx, thanks)]
