"""Creating a campaign: title, description, criteria, the launching unit, whether the units
below take part, the groups it is for, the dates; a preview, then a saved draft."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from core.campaigns import service
from core.campaigns.buttons import (
    GroupsDone,
    NewCampaign,
    PickSubtree,
    PickUnit,
    SaveDraft,
    SkipCriteria,
    ToggleGroup,
)
from core.campaigns.chat.common import (
    actor,
    cancel_button,
    for_officers,
    is_officer,
    no_longer_active,
    officers_only,
    say,
)
from core.campaigns.chat.manage import officer_card
from core.campaigns.models import Campaign
from core.campaigns.rules import TEXT_MAX, TITLE_MAX, groups_of, groups_text, parse_period
from core.campaigns.steps import Creating, DraftState
from core.campaigns.texts import campaign_card, groups_label, problem
from core.dispatch import Context, Router, button, reply
from core.errors import DomainError
from core.members.labels import WORKER_GROUP_LABELS
from core.members.models import WorkerGroup
from core.messages import OutgoingMessage

router = Router()


def _state(ctx: Context) -> DraftState:
    return ctx.conv.state(DraftState)


def start_new(ctx: Context) -> list[OutgoingMessage]:
    """Begin a campaign, or go on with the one this officer left half-way."""
    if not is_officer(ctx):
        return officers_only(ctx)
    if ctx.conv.flow == Creating.__flow__:
        note = ctx.t.gettext("You were writing a campaign; let us go on where you left off.")
        return [reply(note), *repeat(ctx)]
    ctx.conv.enter(Creating.title, DraftState())
    return ask_title(ctx)


def ask_title(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.move_to(Creating.title)
    return say(ctx.t.gettext("New campaign. What is its title?"), cancel_button(ctx))


def ask_description(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.move_to(Creating.description)
    text = ctx.t.gettext("Describe the campaign in a few sentences: what and why.")
    return say(text, cancel_button(ctx))


def ask_criteria(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Creating.criteria)
    return say(
        _("What are the criteria: how are people and units evaluated?"),
        button(_("Skip this step"), SkipCriteria()),
        cancel_button(ctx),
    )


def ask_unit(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.move_to(Creating.unit)
    units = service.launching_units(ctx.session, actor=actor(ctx))
    buttons = [button(u.name[:60], PickUnit(u.id)) for u in units]  # type: ignore[arg-type]
    return say(ctx.t.gettext("Which union unit launches it?"), *buttons, cancel_button(ctx))


def ask_subtree(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Creating.subtree)
    unit = service.unit_name(ctx.session, _state(ctx).unit_id or 0)
    return say(
        _("Is it for {unit} only, or also for the units below it?", unit=unit),
        button(_("With the units below"), PickSubtree(subtree=True)),
        button(_("This unit only"), PickSubtree(subtree=False)),
        cancel_button(ctx),
    )


def ask_groups(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Creating.groups)
    chosen = _state(ctx).groups
    buttons = [
        button(("✓ " if value in chosen else "") + _(label), ToggleGroup(WorkerGroup(value)))
        for value, label in WORKER_GROUP_LABELS.items()
    ]
    text = _(
        "Which groups is it for? Tap to choose, then Done. Chosen: {groups}",
        groups=groups_label(ctx, groups_text(chosen)),
    )
    return say(text, *buttons, button(_("Done choosing"), GroupsDone()), cancel_button(ctx))


def ask_dates(ctx: Context, again: bool = False) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Creating.dates)
    text = _("When does it start and end? For example: 01/12/2026 - 31/12/2026")
    if again:
        text = _("I could not read those dates.") + "\n" + text
    return say(text, cancel_button(ctx))


def _draft(state: DraftState) -> Campaign:
    return Campaign(
        unit_id=state.unit_id or 0,
        include_subtree=state.subtree,
        title=state.title,
        description=state.description,
        criteria=state.criteria,
        target_groups=groups_text(state.groups),
        starts_on=date.fromisoformat(state.starts),
        ends_on=date.fromisoformat(state.ends),
    )


def ask_preview(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Creating.preview)
    draft = _draft(_state(ctx))
    unit_name = service.unit_name(ctx.session, draft.unit_id)
    card = campaign_card(ctx, draft, unit_name=unit_name, officer=False)
    text = _("Please check the campaign:") + "\n\n" + card
    text += "\n" + _("Audience: {groups}", groups=groups_label(ctx, draft.target_groups))
    return say(text, button(_("Save the draft"), SaveDraft()), cancel_button(ctx))


ASK = {
    Creating.title.name: ask_title,
    Creating.description.name: ask_description,
    Creating.criteria.name: ask_criteria,
    Creating.unit.name: ask_unit,
    Creating.subtree.name: ask_subtree,
    Creating.groups.name: ask_groups,
    Creating.dates.name: ask_dates,
    Creating.preview.name: ask_preview,
}


def repeat(ctx: Context) -> list[OutgoingMessage]:
    """Ask the question of the step the officer is at again."""
    return ASK.get(ctx.conv.step or "", ask_title)(ctx)


def _not_now(ctx: Context) -> list[OutgoingMessage]:
    """A creation button tapped at another step (or after the flow ended)."""
    if ctx.conv.flow != Creating.__flow__:
        return no_longer_active(ctx)
    return [*no_longer_active(ctx), *repeat(ctx)]


@router.command("newcampaign", members_only=True)
def on_new(ctx: Context) -> list[OutgoingMessage]:
    return start_new(ctx)


@router.button(NewCampaign, members_only=True)
def on_new_button(ctx: Context, _data: NewCampaign) -> list[OutgoingMessage]:
    return start_new(ctx)


@router.step(Creating.title)
def on_title(ctx: Context) -> list[OutgoingMessage]:
    text = ctx.text
    if ctx.message.payload:
        return _not_now(ctx)
    if not text or len(text) > TITLE_MAX:
        return say(problem(ctx, "title_empty" if not text else "title_too_long"))
    state = _state(ctx)
    state.title = text
    ctx.conv.save_state(state)
    return ask_description(ctx)


@router.step(Creating.description)
def on_description(ctx: Context) -> list[OutgoingMessage]:
    text = ctx.text
    if ctx.message.payload:
        return _not_now(ctx)
    if not text or len(text) > TEXT_MAX:
        return say(
            problem(ctx, "text_too_long") if text else ctx.t.gettext("Please write a few words.")
        )
    state = _state(ctx)
    state.description = text
    ctx.conv.save_state(state)
    return ask_criteria(ctx)


@router.step(Creating.criteria)
def on_criteria(ctx: Context) -> list[OutgoingMessage]:
    if ctx.message.payload:
        return _not_now(ctx)
    if len(ctx.text) > TEXT_MAX:
        return say(problem(ctx, "text_too_long"))
    state = _state(ctx)
    state.criteria = ctx.text
    ctx.conv.save_state(state)
    return ask_unit(ctx)


@router.step(Creating.dates)
def on_dates(ctx: Context) -> list[OutgoingMessage]:
    if ctx.message.payload:
        return _not_now(ctx)
    today = ctx.now.astimezone(ZoneInfo(ctx.config.timezone)).date()
    period = parse_period(ctx.text, today=today)
    if period is None:
        return ask_dates(ctx, again=True)
    starts, ends = period
    if ends < starts:
        return [*say(problem(ctx, "ends_before_start")), *ask_dates(ctx)]
    state = _state(ctx)
    state.starts, state.ends = starts.isoformat(), ends.isoformat()
    ctx.conv.save_state(state)
    return ask_preview(ctx)


@router.step(Creating.unit, Creating.subtree, Creating.groups, Creating.preview)
def on_choice_step(ctx: Context) -> list[OutgoingMessage]:
    """What reaches a choices step without naming a choice (a stale button): ask again."""
    return _not_now(ctx)


@router.button(SkipCriteria, members_only=True)
def on_skip(ctx: Context, _data: SkipCriteria) -> list[OutgoingMessage]:
    if not ctx.conv.at(Creating.criteria):
        return _not_now(ctx)
    state = _state(ctx)
    state.criteria = ""
    ctx.conv.save_state(state)
    return ask_unit(ctx)


@router.button(PickUnit, members_only=True)
@for_officers
def on_unit(ctx: Context, data: PickUnit) -> list[OutgoingMessage]:
    if not ctx.conv.at(Creating.unit):
        return _not_now(ctx)
    try:
        unit = actor(ctx).require_unit(ctx.session, data.unit)
    except DomainError as err:
        return [*say(problem(ctx, err.code)), *ask_unit(ctx)]
    state = _state(ctx)
    state.unit_id = unit.id
    ctx.conv.save_state(state)
    return ask_subtree(ctx)


@router.button(PickSubtree, members_only=True)
def on_subtree(ctx: Context, data: PickSubtree) -> list[OutgoingMessage]:
    if not ctx.conv.at(Creating.subtree):
        return _not_now(ctx)
    state = _state(ctx)
    state.subtree = data.subtree
    ctx.conv.save_state(state)
    return ask_groups(ctx)


@router.button(ToggleGroup, members_only=True)
def on_group(ctx: Context, data: ToggleGroup) -> list[OutgoingMessage]:
    if not ctx.conv.at(Creating.groups):
        return _not_now(ctx)
    state = _state(ctx)
    chosen = [g for g in state.groups if g != data.group]
    if len(chosen) == len(state.groups):
        chosen.append(data.group)
    state.groups = groups_of(groups_text(chosen))
    ctx.conv.save_state(state)
    return ask_groups(ctx)


@router.button(GroupsDone, members_only=True)
def on_groups_done(ctx: Context, _data: GroupsDone) -> list[OutgoingMessage]:
    if not ctx.conv.at(Creating.groups):
        return _not_now(ctx)
    return ask_dates(ctx)


@router.button(SaveDraft, members_only=True)
@for_officers
def on_save(ctx: Context, _data: SaveDraft) -> list[OutgoingMessage]:
    if not ctx.conv.at(Creating.preview):
        return _not_now(ctx)
    state = _state(ctx)
    ctx.conv.end()
    draft = _draft(state)
    try:
        saved = service.create(
            ctx.session,
            actor=actor(ctx),
            data=service.CampaignInput(
                unit_id=draft.unit_id,
                title=draft.title,
                description=draft.description,
                criteria=draft.criteria,
                include_subtree=draft.include_subtree,
                target_groups=tuple(state.groups),
                starts_on=draft.starts_on,
                ends_on=draft.ends_on,
            ),
            now=ctx.now,
        )
    except DomainError as err:
        return say(problem(ctx, err.code))
    return officer_card(ctx, saved, ctx.t.gettext("Saved as a draft. Launch it when ready."))
