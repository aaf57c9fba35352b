"""Reporting progress in chat: from the call's «Report now» button, or /progress. One
criterion at a time: a figure typed the Vietnamese way, yes or no, a photo where evidence is
asked. Each answer is kept as it comes (nothing is lost if the person stops); answering again
for a period replaces the figure and keeps the earlier one in the history. At the end, the
person's progress against their targets and their unit's standing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.chat import choices
from core.dispatch import Context, Router, button, reply
from core.emulation import report_texts as words
from core.emulation import reporting
from core.emulation.buttons import (
    ReportAnswer,
    ReportSame,
    ReportSkip,
    ReportStop,
    ReportUnusual,
    StartReport,
)
from core.emulation.criteria import active
from core.emulation.numbers import parse_amount
from core.emulation.pledges import local_today
from core.emulation.progress import figures
from core.emulation.scoring import Kind
from core.emulation.steps import Reporting, ReportState
from core.emulation.unit_standing import standing
from core.errors import DomainError
from core.members.models import UnionUnit
from core.messages import Button, OutgoingMessage
from core.text import clip, fold

router = Router()
YES_WORDS = {"co", "yes", "dung", "roi", "da"}
NO_WORDS = {"khong", "no", "chua", "ko", "k"}


def _today(ctx: Context) -> date:
    return local_today(ctx.now, ctx.config.timezone)


def has_buttons(ctx: Context) -> bool:
    traits = ctx.config.traits.get(ctx.message.platform)
    return traits is None or traits.buttons


def refusal(ctx: Context, err: DomainError, item: reporting.Item | None = None) -> str:
    period = words.period_label(ctx.t, item.period.key) if item else ""
    return words.problem(ctx.t, err.code, period=period, limit=ctx.config.attachments.max_mb)


def start_button(ctx: Context, campaign_id: int, due: date) -> Button:
    return button(ctx.t.gettext("Report now"), StartReport(campaign_id, int(f"{due:%Y%m%d}")))


def _items(ctx: Context, state: ReportState) -> list[reporting.Item]:
    campaign = reporting.campaign_for_report(ctx.session, state.campaign_id)
    due = date.fromisoformat(state.due)
    return reporting.items_for(ctx.session, campaign, ctx.member, due)  # type: ignore[arg-type]


@router.button(StartReport, members_only=True)
def on_start(ctx: Context, data: StartReport) -> list[OutgoingMessage]:
    due = date(data.due // 10000, data.due // 100 % 100, data.due % 100)
    state = ReportState(campaign_id=data.campaign, due=due.isoformat())
    items: list[reporting.Item] = []
    try:
        items = _items(ctx, state)
        if not items:
            raise DomainError("not_reporter")
        reporting.check_open(ctx.session, items[0], _today(ctx))
    except DomainError as err:
        return [reply(refusal(ctx, err, items[0] if items else None))]
    ctx.conv.enter(Reporting.figure, state)
    return ask(ctx, state, items)


@router.command("progress", members_only=True)
def on_progress(ctx: Context) -> list[OutgoingMessage]:
    """The campaigns with a period open for the person's report, one button each."""
    assert ctx.member is not None
    offered: list[Button] = []
    for campaign in reporting.reporting_campaigns(ctx.session, ctx.member):
        criteria = active(ctx.session, campaign_id=campaign.id)  # type: ignore[arg-type]
        for due in reporting.open_due_dates(campaign, criteria, _today(ctx)):
            items = reporting.items_for(ctx.session, campaign, ctx.member, due)
            if items:
                label = f"{campaign.title} ({words.period_label(ctx.t, items[0].period.key)})"
                offered.append(Button(clip(label, 60), start_button(ctx, campaign.id, due).payload))  # type: ignore[arg-type]
    if not offered:
        return [reply(ctx.t.gettext("There is nothing to report now."))]
    return [reply(ctx.t.gettext("Which report do you send?"), *offered[:8])]


def ask(
    ctx: Context, state: ReportState, items: list[reporting.Item], said: str = ""
) -> list[OutgoingMessage]:
    """The next criterion, or the person's progress once each was asked."""
    if state.index >= len(items):
        ctx.conv.end()
        return finish(ctx, state, items, said)
    item = items[state.index]
    unit = None if item.member_id else _unit_name(ctx, item.unit_id)
    target = reporting.reported_target(ctx.session, item)
    text = words.question(ctx.t, item, state.index + 1, len(items), target, unit)
    earlier = reporting.current(ctx.session, item)
    if earlier is not None:
        text += "\n" + words.already(ctx.t, item, earlier.value)
    if said:
        text = f"{said}\n\n{text}"
    yes_no = item.criterion.kind == Kind.YES_NO
    ctx.conv.move_to(Reporting.yes_no if yes_no else Reporting.figure, state)
    options: list[Button] = []
    if yes_no:
        options = [
            button(ctx.t.gettext("Yes"), ReportAnswer(1)),
            button(ctx.t.gettext("No"), ReportAnswer(0)),
        ]
    if has_buttons(ctx) or yes_no:
        if earlier is not None:
            options.append(button(ctx.t.gettext("Keep the same"), ReportSame()))
        options.append(button(ctx.t.gettext("Skip this one"), ReportSkip()))
        options.append(button(ctx.t.gettext("Stop reporting"), ReportStop()))
    else:
        text += "\n" + words.typed_hint(ctx.t, earlier is not None)
    return [reply(text, *options)]


def _unit_name(ctx: Context, unit_id: int) -> str:
    unit = ctx.session.get(UnionUnit, unit_id)
    return unit.name if unit else ""


def finish(
    ctx: Context, state: ReportState, items: list[reporting.Item], said: str
) -> list[OutgoingMessage]:
    """The person's figures against their targets, and their unit's standing (read for that
    unit, not from the whole campaign's roll: core/emulation/unit_standing.py)."""
    campaign = reporting.campaign_for_report(ctx.session, state.campaign_id)
    due = date.fromisoformat(state.due)
    unit = ctx.session.get(UnionUnit, items[0].unit_id) if items else None
    size, place = standing(ctx.session, campaign, due, unit) if unit else (None, None)
    text = words.progress(ctx.t, campaign.title, figures(ctx.session, items, size), place)
    thanks = ctx.t.gettext("Thank you, your report is kept.")
    return [reply("\n\n".join(x for x in (said, thanks, text) if x))]


def keep(ctx: Context, state: ReportState, value: Decimal) -> list[OutgoingMessage]:
    """Keep the figure for the criterion asked, then the photo or the next criterion."""
    item: reporting.Item | None = None
    try:
        items = _items(ctx, state)
        if state.index >= len(items):
            ctx.conv.end()
            return [reply(ctx.t.gettext("That button is no longer active."))]
        item = items[state.index]
        reporting.record(
            ctx.session,
            item=item,
            value=value,
            by=ctx.member,
            today=_today(ctx),
            now=ctx.now,  # type: ignore[arg-type]
        )
    except DomainError as err:
        ctx.conv.end()
        return [reply(refusal(ctx, err, item))]
    said = ctx.t.gettext("Noted: {value}.", value=words.shown(ctx.t, item, value))
    state.pending = ""
    if item.criterion.evidence and value > 0:  # nothing to show for a zero
        ctx.conv.move_to(Reporting.evidence, state)
        return [ask_photo(ctx, item, said)]
    state.index += 1
    return ask(ctx, state, items, said)


def ask_photo(ctx: Context, item: reporting.Item, said: str = "") -> OutgoingMessage:
    text = words.ask_photo(ctx.t, item)
    if said:
        text = f"{said}\n{text}"
    if not has_buttons(ctx):
        return reply(text + "\n" + words.typed_hint(ctx.t, False, evidence=True))
    later = button(ctx.t.gettext("Send it later"), ReportSkip())
    return reply(text, later, button(ctx.t.gettext("Stop reporting"), ReportStop()))


def again(ctx: Context, code: str) -> list[OutgoingMessage]:
    """A refusal, then the same criterion asked again."""
    state = ctx.conv.state(ReportState)
    try:
        items = _items(ctx, state)
    except DomainError as err:
        ctx.conv.end()
        return [reply(refusal(ctx, err))]
    return ask(ctx, state, items, words.problem(ctx.t, code, limit=ctx.config.attachments.max_mb))


TYPED = {"bo qua": "skip", "skip": "skip", "dung": "stop", "stop": "stop", "dung lai": "stop"}
TYPED |= {"giu nguyen": "same", "same": "same", "sau": "skip", "later": "skip", "gui sau": "skip"}


@router.step(Reporting.figure)
def on_figure(ctx: Context) -> list[OutgoingMessage]:
    typed = TYPED.get(fold(ctx.text).strip())
    if typed is not None:
        return WORD_ACTIONS[typed](ctx)
    if ctx.message.attachments and not ctx.text:
        return again(ctx, "bad_amount")
    value = parse_amount(ctx.text)
    if value is None:
        yes_no = set(choices.words(ctx.text)) & (YES_WORDS | NO_WORDS)
        return again(ctx, "number_not_yes_no" if yes_no else "bad_amount")
    problem = reporting.value_problem(value)
    if problem:
        return again(ctx, problem)
    state = ctx.conv.state(ReportState)
    try:
        items = _items(ctx, state)
    except DomainError as err:  # the campaign closed meanwhile
        ctx.conv.end()
        return [reply(refusal(ctx, err))]
    if state.index >= len(items):
        return again(ctx, "bad_amount")
    item = items[state.index]
    target = reporting.reported_target(ctx.session, item)
    if reporting.unusual(value, target):
        state.pending = str(value)
        ctx.conv.move_to(Reporting.unusual, state)
        yes = button(ctx.t.gettext("Yes, keep it"), ReportUnusual(1))
        no = button(ctx.t.gettext("No, type it again"), ReportUnusual(0))
        return [reply(words.unusual(ctx.t, item, value, target), yes, no)]  # type: ignore[arg-type]
    return keep(ctx, state, value)


@router.step(Reporting.yes_no)
def on_yes_no(ctx: Context) -> list[OutgoingMessage]:
    """Typed text the offered labels did not name: a choice's number, yes/no words, or a
    figure (answered that this criterion takes yes or no)."""
    offered = [b.payload for b in (ctx.conv.prompt.buttons if ctx.conv.prompt else ())]
    labels = [b.label for b in (ctx.conv.prompt.buttons if ctx.conv.prompt else ())]
    index = choices.match(ctx.text, labels, positional=True)
    if index is not None and offered[index] in PAYLOAD_ACTIONS:
        return PAYLOAD_ACTIONS[offered[index]](ctx)
    said = set(choices.words(ctx.text))
    if said and said <= YES_WORDS:
        return keep(ctx, ctx.conv.state(ReportState), Decimal(1))
    if said and said <= NO_WORDS:
        return keep(ctx, ctx.conv.state(ReportState), Decimal(0))
    if parse_amount(ctx.text) is not None:
        return again(ctx, "yes_no_not_number")
    return again(ctx, "bad_choice")


@router.step(Reporting.evidence)
def on_photo(ctx: Context) -> list[OutgoingMessage]:
    typed = TYPED.get(fold(ctx.text).strip()) if not ctx.message.attachments else None
    if typed is not None:
        return WORD_ACTIONS["skip" if typed == "same" else typed](ctx)
    state = ctx.conv.state(ReportState)
    try:
        items = _items(ctx, state)
        item = items[state.index]
    except (DomainError, IndexError):
        ctx.conv.end()
        return [reply(ctx.t.gettext("That button is no longer active."))]
    if not ctx.message.attachments:
        return [reply(words.problem(ctx.t, "photo_expected")), ask_photo(ctx, item)]
    try:
        reporting.attach_evidence(
            ctx.session,
            item=item,
            platform=ctx.message.platform,
            photo=ctx.message.attachments[0],
            max_bytes=ctx.config.attachments.max_bytes,
            today=_today(ctx),
            by=ctx.member,  # type: ignore[arg-type]
            now=ctx.now,
        )
    except DomainError as err:
        return [reply(refusal(ctx, err, item)), ask_photo(ctx, item)]
    state.index += 1
    return ask(ctx, state, items, ctx.t.gettext("Photo received."))


def _in_flow(ctx: Context) -> bool:
    return ctx.conv.flow == Reporting.__flow__


@router.button(ReportAnswer, members_only=True)
def on_answer(ctx: Context, data: ReportAnswer) -> list[OutgoingMessage]:
    if not ctx.conv.at(Reporting.yes_no):
        return [reply(ctx.t.gettext("That button is no longer active."))]
    return keep(ctx, ctx.conv.state(ReportState), Decimal(1 if data.value else 0))


@router.button(ReportSkip, members_only=True)
def on_skip(ctx: Context, _data: ReportSkip | None = None) -> list[OutgoingMessage]:
    if not _in_flow(ctx):
        return [reply(ctx.t.gettext("That button is no longer active."))]
    state = ctx.conv.state(ReportState)
    state.index += 1
    try:
        return ask(ctx, state, _items(ctx, state))
    except DomainError as err:
        ctx.conv.end()
        return [reply(refusal(ctx, err))]


@router.button(ReportSame, members_only=True)
def on_same(ctx: Context, _data: ReportSame | None = None) -> list[OutgoingMessage]:
    """The figure kept; where its evidence photo is missing or was refused, asked again."""
    if not _in_flow(ctx) or not ctx.conv.at(Reporting.figure, Reporting.yes_no):
        return on_skip(ctx)
    state = ctx.conv.state(ReportState)
    try:
        items = _items(ctx, state)
    except DomainError as err:
        ctx.conv.end()
        return [reply(refusal(ctx, err))]
    item = items[state.index] if state.index < len(items) else None
    row = reporting.current(ctx.session, item) if item else None
    missing = row is not None and row.evidence_status in (None, "refused")
    if item and row and item.criterion.evidence and row.value > 0 and missing:
        ctx.conv.move_to(Reporting.evidence, state)
        return [ask_photo(ctx, item)]
    return on_skip(ctx)


@router.button(ReportStop, members_only=True)
def on_stop(ctx: Context, _data: ReportStop | None = None) -> list[OutgoingMessage]:
    if _in_flow(ctx):
        ctx.conv.end()
    return [
        reply(
            ctx.t.gettext(
                "Stopped. What you answered is kept; send /progress to go on before the "
                "period closes."
            )
        )
    ]


@router.button(ReportUnusual, members_only=True)
def on_unusual(ctx: Context, data: ReportUnusual) -> list[OutgoingMessage]:
    if not ctx.conv.at(Reporting.unusual):
        return [reply(ctx.t.gettext("That button is no longer active."))]
    state = ctx.conv.state(ReportState)
    if data.keep and state.pending:
        return keep(ctx, state, Decimal(state.pending))
    state.pending = ""
    try:
        return ask(ctx, state, _items(ctx, state))
    except DomainError as err:
        ctx.conv.end()
        return [reply(refusal(ctx, err))]


WORD_ACTIONS = {"skip": on_skip, "same": on_same, "stop": on_stop}
PAYLOAD_ACTIONS = {
    ReportAnswer(1).pack(): lambda ctx: keep(ctx, ctx.conv.state(ReportState), Decimal(1)),
    ReportAnswer(0).pack(): lambda ctx: keep(ctx, ctx.conv.state(ReportState), Decimal(0)),
    ReportSkip().pack(): on_skip,
    ReportSame().pack(): on_same,
    ReportStop().pack(): on_stop,
}
