"""Evaluation by chat (issue #17): an evaluator of the level above opens the units of a block
awaiting evaluation for a period (from the call's button, or /evaluate), picks a union, and
goes through its cells one at a time: the points of a criterion the level above scores typed,
a figure the union reported confirmed or changed (a change asks for its reason). Each answer
is saved at once through core/emulation/evaluation.py, with the version of the figure the
evaluator was shown: when another evaluator saved it first, nothing is overwritten; the
evaluator reads the other's figure and confirms it or types theirs again. /ranking shows a
block's ranking to the officers of its unions (read only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.chat import choices
from core.dispatch import Context, Router, button, reply
from core.emulation import block_ranking, blocks, eval_queue, evaluation
from core.emulation import eval_texts as words
from core.emulation.block_models import EmulationBlock
from core.emulation.buttons import EvalKeep, EvalPeriod, EvalSkip, EvalStop, EvalUnit, ShowRanking
from core.emulation.numbers import parse_amount
from core.emulation.pledges import local_today
from core.emulation.report_chat import NO_WORDS, YES_WORDS, has_buttons
from core.emulation.report_texts import period_label
from core.emulation.scoring import Kind
from core.emulation.steps import EvalState, Evaluating
from core.errors import DomainError
from core.members.labels import name_of
from core.members.menu import officer_lines
from core.members.models import Member, UnionUnit
from core.messages import Button, OutgoingMessage
from core.text import clip, fold

router = Router()
SHOWN = 8
REASON_MIN = 3
TYPED = {"giu nguyen": "same", "same": "same", "xac nhan": "same", "confirm": "same"}
TYPED |= {"bo qua": "skip", "skip": "skip", "dung": "stop", "stop": "stop", "dung lai": "stop"}


def _today(ctx: Context) -> date:
    return local_today(ctx.now, ctx.config.timezone)


def _actor(ctx: Context) -> Actor:
    return Actor.officer(ctx.member.id)  # type: ignore[union-attr,arg-type]


@officer_lines
def officer_help(ctx: Context) -> list[str]:
    """/evaluate for the officers of a union that owns a block, /ranking for those who can read
    a block's ranking of a running campaign (core.members.menu lists them in the help)."""
    if ctx.member is None or ctx.member.id is None:
        return []
    _ = ctx.t.gettext
    lines = []
    if eval_queue.evaluator_blocks(ctx.session, ctx.member.id):
        lines.append(_("/evaluate – verify, adjust and score the unions of your emulation blocks"))
    if eval_queue.readable_rankings(ctx.session, _actor(ctx)):
        lines.append(_("/ranking – the ranking of your emulation block"))
    return lines


def _due(number: int) -> date:
    return date(number // 10000, number // 100 % 100, number % 100)


def _number(day: date) -> int:
    return int(f"{day:%Y%m%d}")


def period_button(ctx: Context, found: eval_queue.Waiting) -> Button:
    label = f"{period_label(ctx.t, found.period)}: {found.block.name}"
    data = EvalPeriod(found.block.id, found.campaign.id, _number(found.due_on))  # type: ignore[arg-type]
    return Button(clip(label, 60), data.pack())


def _refusal(ctx: Context, err: DomainError) -> list[OutgoingMessage]:
    if ctx.conv.flow == Evaluating.__flow__:
        ctx.conv.end()
    return [reply(words.problem(ctx.t, err.code))]


@router.command("evaluate", members_only=True)
def on_evaluate(ctx: Context) -> list[OutgoingMessage]:
    """The blocks' periods with units awaiting the evaluator (one: its units at once)."""
    assert ctx.member is not None
    if not eval_queue.evaluator_blocks(ctx.session, ctx.member.id):  # type: ignore[arg-type]
        return [reply(words.problem(ctx.t, "not_an_evaluator"))]
    found = eval_queue.waiting_for(ctx.session, ctx.member.id, _today(ctx))  # type: ignore[arg-type]
    if not found:
        return [reply(ctx.t.gettext("Nothing awaits your evaluation now. Thank you!"))]
    if len(found) == 1:
        return units_message(ctx, found[0])
    buttons = [period_button(ctx, f) for f in found[:SHOWN]]
    return [reply(words.call(ctx.t, found[:SHOWN]), *buttons)]


def units_message(ctx: Context, found: eval_queue.Waiting) -> list[OutgoingMessage]:
    due = _number(found.due_on)
    options = [
        button(
            clip(f"{u.unit.name} ({u.total})", 60),
            EvalUnit(found.block.id, found.campaign.id, due, u.unit.id),  # type: ignore[arg-type]
        )
        for u in found.units[:SHOWN]
    ]
    return [reply(words.waiting(ctx.t, found), *options)]


def _block_and_campaign(ctx: Context, block_id: int, campaign_id: int):  # type: ignore[no-untyped-def]
    """The block and campaign, if the person evaluates in the block (DomainError otherwise)."""
    block = ctx.session.get(EmulationBlock, block_id)
    if block is None:
        raise DomainError("block_unknown")
    if not evaluation.is_evaluator(ctx.session, _actor(ctx), block):
        raise DomainError("not_block_evaluator")
    campaign = ctx.session.get(Campaign, campaign_id)
    if campaign is None or not block_ranking.applies(block, campaign):
        raise DomainError("block_not_of_campaign")
    evaluation.check_open(campaign)
    return block, campaign


@router.button(EvalPeriod, members_only=True)
def on_period(ctx: Context, data: EvalPeriod) -> list[OutgoingMessage]:
    try:
        block, campaign = _block_and_campaign(ctx, data.block, data.campaign)
    except DomainError as err:
        return _refusal(ctx, err)
    found = eval_queue.waiting_in(ctx.session, block, campaign, _due(data.due))
    if found is None:
        text = ctx.t.gettext(
            "Every union of «{block}» is evaluated for this period. Thank you!", block=block.name
        )
        return [reply(text)]
    return units_message(ctx, found)


@router.button(EvalUnit, members_only=True)
def on_unit(ctx: Context, data: EvalUnit) -> list[OutgoingMessage]:
    try:
        block, campaign = _block_and_campaign(ctx, data.block, data.campaign)
        cells = eval_queue.walk(ctx.session, block, campaign, _due(data.due), data.unit)
    except DomainError as err:
        return _refusal(ctx, err)
    if not cells:
        return on_period(ctx, EvalPeriod(data.block, data.campaign, data.due))
    state = EvalState(
        block_id=block.id,  # type: ignore[arg-type]
        campaign_id=campaign.id,  # type: ignore[arg-type]
        due=_due(data.due).isoformat(),
        unit_id=data.unit,
        criteria=[c.due.criterion.id for c in cells],  # type: ignore[misc]
    )
    ctx.conv.enter(Evaluating.value, state)
    return ask(ctx, state)


def _cell(ctx: Context, state: EvalState) -> block_ranking.Cell | None:
    """The cell asked now, read afresh (another evaluator may have saved it meanwhile)."""
    campaign = ctx.session.get(Campaign, state.campaign_id)
    if campaign is None or state.index >= len(state.criteria):
        return None
    wanted = state.criteria[state.index]
    due = next(
        (
            d
            for d in block_ranking.dues(ctx.session, campaign, date.fromisoformat(state.due))
            if d.criterion.id == wanted
        ),
        None,
    )
    return block_ranking.cell(ctx.session, due, state.unit_id) if due is not None else None


def _names(session: Session, cell: block_ranking.Cell, ctx: Context) -> dict[int, str]:
    who = {e.evaluated_by for e in cell.history}
    people = session.exec(select(Member).where(col(Member.id).in_(who))).all()
    return {p.id: name_of(ctx.t, p) for p in people}  # type: ignore[misc]


def _unit_name(ctx: Context, unit_id: int) -> str:
    unit = ctx.session.get(UnionUnit, unit_id)
    return unit.name if unit else ""


def ask(ctx: Context, state: EvalState, said: str = "") -> list[OutgoingMessage]:
    """The next cell, or, once each was asked, the block's units still awaiting."""
    cell = _cell(ctx, state)
    while cell is None and state.index < len(state.criteria):  # a criterion removed meanwhile
        state.index += 1
        cell = _cell(ctx, state)
    if cell is None:
        ctx.conv.end()
        return finish(ctx, state, said)
    state.version, state.pending = cell.version, ""
    ctx.conv.move_to(Evaluating.value, state)
    names = _names(ctx.session, cell, ctx)
    unit = _unit_name(ctx, state.unit_id)
    text = words.question(ctx.t, cell, unit, state.index + 1, len(state.criteria), names)
    if said:
        text = f"{said}\n\n{text}"
    confirmable = cell.value is not None
    options: list[Button] = []
    yes_no = cell.due.criterion.kind == Kind.YES_NO
    if has_buttons(ctx):
        if confirmable:
            label = ctx.t.gettext("Confirm {value}", value=words.shown(ctx.t, cell, cell.value))  # type: ignore[arg-type]
            options.append(button(clip(label, 40), EvalKeep()))
        options.append(button(ctx.t.gettext("Skip this one"), EvalSkip()))
        options.append(button(ctx.t.gettext("Stop evaluating"), EvalStop()))
    else:
        text += "\n" + words.typed_hint(ctx.t, confirmable)
    if yes_no and not has_buttons(ctx):
        text += "\n" + ctx.t.gettext("Type «yes» or «no».")
    return [reply(text, *options)]


def finish(ctx: Context, state: EvalState, said: str) -> list[OutgoingMessage]:
    block = ctx.session.get(EmulationBlock, state.block_id)
    campaign = ctx.session.get(Campaign, state.campaign_id)
    done = ctx.t.gettext(
        "{unit} is evaluated for this period.", unit=_unit_name(ctx, state.unit_id)
    )
    head = "\n\n".join(x for x in (said, done) if x)
    if block is None or campaign is None:
        return [reply(head)]
    found = eval_queue.waiting_in(ctx.session, block, campaign, date.fromisoformat(state.due))
    if found is None:
        more = ctx.t.gettext(
            "Every union of «{block}» is evaluated for this period. Thank you!", block=block.name
        )
        return [reply(f"{head}\n{more}")]
    [message] = units_message(ctx, found)
    return [reply(f"{head}\n\n{message.text}", *message.buttons)]


def save(ctx: Context, state: EvalState, value: Decimal, reason: str = "") -> list[OutgoingMessage]:
    """Save the evaluator's figure for the cell asked, as of the version they were shown."""
    cell = _cell(ctx, state)
    if cell is None:
        ctx.conv.end()
        return [reply(ctx.t.gettext("That button is no longer active."))]
    data = evaluation.EvaluationInput(
        campaign_id=state.campaign_id,
        due_on=date.fromisoformat(state.due),
        unit_id=state.unit_id,
        criterion_id=cell.due.criterion.id,  # type: ignore[arg-type]
        value=value,
        reason=reason,
        version=state.version,
    )
    try:
        evaluation.evaluate(
            ctx.session, actor=_actor(ctx), block_id=state.block_id, data=data, now=ctx.now
        )
    except DomainError as err:
        if err.code == "evaluation_changed":
            fresh = _cell(ctx, state) or cell
            told = words.conflict(ctx.t, fresh, value, _names(ctx.session, fresh, ctx))
            return ask(ctx, state, told)
        if err.code in ("evaluation_negative", "score_above_points", "amount_too_large"):
            return ask(ctx, state, words.problem(ctx.t, err.code))
        return _refusal(ctx, err)
    verified = cell.value is not None and value == cell.value
    state.index += 1
    return ask(ctx, state, words.saved(ctx.t, cell, value, verified))


def _typed_value(ctx: Context, cell: block_ranking.Cell) -> Decimal | str:
    """The figure typed, or the code of why it is none."""
    if cell.due.criterion.kind == Kind.YES_NO:
        said = set(choices.words(ctx.text))
        if said and said <= YES_WORDS:
            return Decimal(1)
        if said and said <= NO_WORDS:
            return Decimal(0)
        return "yes_no_expected"
    value = parse_amount(ctx.text)
    if value is None:
        scored = cell.due.criterion.kind == Kind.SCORE
        return "score_not_a_number" if scored else "figure_not_a_number"
    return value


@router.step(Evaluating.value)
def on_value(ctx: Context) -> list[OutgoingMessage]:
    typed = TYPED.get(fold(ctx.text).strip())
    if typed is not None:
        return WORD_ACTIONS[typed](ctx)
    state = ctx.conv.state(EvalState)
    cell = _cell(ctx, state)
    if cell is None:
        ctx.conv.end()
        return [reply(ctx.t.gettext("That button is no longer active."))]
    value = _typed_value(ctx, cell)
    if isinstance(value, str):
        return ask(ctx, state, words.problem(ctx.t, value))
    if cell.version != state.version:  # another evaluator saved it since it was asked
        return ask(ctx, state, words.conflict(ctx.t, cell, value, _names(ctx.session, cell, ctx)))
    if cell.value is not None and value != cell.value:
        state.pending = str(value)
        ctx.conv.move_to(Evaluating.reason, state)
        text = words.ask_reason(ctx.t, cell, cell.value, value)
        if not has_buttons(ctx):
            return [reply(text + "\n" + ctx.t.gettext("Type «stop» to stop here."))]
        return [reply(text, button(ctx.t.gettext("Stop evaluating"), EvalStop()))]
    return save(ctx, state, value)


@router.step(Evaluating.reason)
def on_reason(ctx: Context) -> list[OutgoingMessage]:
    if TYPED.get(fold(ctx.text).strip()) == "stop":
        return on_stop(ctx)
    state = ctx.conv.state(EvalState)
    reason = " ".join(ctx.text.split())
    if len(reason) < REASON_MIN or not state.pending:
        return [reply(words.problem(ctx.t, "reason_short"))]
    return save(ctx, state, Decimal(state.pending), reason[: evaluation.REASON_MAX])


def _in_flow(ctx: Context) -> bool:
    return ctx.conv.flow == Evaluating.__flow__


@router.button(EvalKeep, members_only=True)
def on_keep(ctx: Context, _data: EvalKeep | None = None) -> list[OutgoingMessage]:
    """The figure in force confirmed: the union's own is verified (saved as the evaluator's);
    one an evaluator gave already stays as it is."""
    if not _in_flow(ctx) or not ctx.conv.at(Evaluating.value):
        return [reply(ctx.t.gettext("That button is no longer active."))]
    state = ctx.conv.state(EvalState)
    cell = _cell(ctx, state)
    if cell is None or cell.value is None:
        return ask(ctx, state)
    if cell.version != state.version:  # what they confirm is not what they were shown
        told = words.conflict(ctx.t, cell, cell.value, _names(ctx.session, cell, ctx))
        return ask(ctx, state, told)
    if cell.evaluation is not None:
        state.index += 1
        return ask(ctx, state, words.saved(ctx.t, cell, cell.value, True))
    return save(ctx, state, cell.value)


@router.button(EvalSkip, members_only=True)
def on_skip(ctx: Context, _data: EvalSkip | None = None) -> list[OutgoingMessage]:
    if not _in_flow(ctx):
        return [reply(ctx.t.gettext("That button is no longer active."))]
    state = ctx.conv.state(EvalState)
    state.index += 1
    return ask(ctx, state)


@router.button(EvalStop, members_only=True)
def on_stop(ctx: Context, _data: EvalStop | None = None) -> list[OutgoingMessage]:
    if _in_flow(ctx):
        ctx.conv.end()
    text = ctx.t.gettext("Stopped. What you saved is kept; send /evaluate to go on.")
    return [reply(text)]


WORD_ACTIONS = {"same": on_keep, "skip": on_skip, "stop": on_stop}


@router.command("ranking", members_only=True)
def on_ranking(ctx: Context) -> list[OutgoingMessage]:
    """The rankings of the blocks that hold a union in the officer's scope, or that a union in
    their scope owns; read only."""
    assert ctx.member is not None
    found = eval_queue.readable_rankings(ctx.session, _actor(ctx))
    if not found:
        return [
            reply(
                ctx.t.gettext(
                    "No emulation block of a running campaign holds your union. Blocks are "
                    "made by the upper-level union."
                )
            )
        ]
    if len(found) == 1:
        return show_ranking(ctx, *found[0])
    options = [
        button(clip(f"{b.name}: {c.title}", 60), ShowRanking(b.id, c.id))  # type: ignore[arg-type]
        for b, c in found[:SHOWN]
    ]
    return [reply(ctx.t.gettext("Which block's ranking?"), *options)]


@router.button(ShowRanking, members_only=True)
def on_show_ranking(ctx: Context, data: ShowRanking) -> list[OutgoingMessage]:
    try:
        block = blocks.readable(ctx.session, _actor(ctx), data.block)
        campaign = ctx.session.get(Campaign, data.campaign)
        if campaign is None or not block_ranking.applies(block, campaign):
            raise DomainError("block_not_of_campaign")
    except DomainError as err:
        return [reply(words.problem(ctx.t, err.code))]
    return show_ranking(ctx, block, campaign)


def show_ranking(ctx: Context, block: EmulationBlock, campaign: Campaign) -> list[OutgoingMessage]:
    try:
        due = block_ranking.chosen_due(ctx.session, campaign, _today(ctx), None)
        found = block_ranking.ranking(ctx.session, block, campaign, due)
    except DomainError as err:
        return [reply(words.problem(ctx.t, err.code))]
    mine = {u.id for u in blocks.units_in_scope(ctx.session, _actor(ctx), block)}
    return [reply(words.ranking(ctx.t, found, mine))]
