"""The guided submission of an initiative. Its draft lives in the database with the step it is
at, so it is continued where it stopped, on this or any other linked messenger."""

from __future__ import annotations

from collections.abc import Callable

from core.dispatch import Context, Router, button
from core.errors import DomainError, InvalidInput
from core.initiatives import drafts, texts, workflow
from core.initiatives.buttons import Benefit, Campaign, Category, Coauthor, Draft, DraftAction
from core.initiatives.chat.common import member, refusal, say
from core.initiatives.models import Initiative
from core.initiatives.notify import notifier
from core.initiatives.problems import problem_text
from core.initiatives.rules import BenefitKind
from core.initiatives.steps import Submit, SubmitState
from core.members.buttons import Menu, MenuItem
from core.members.menu import main_menu
from core.messages import Button, OutgoingMessage
from core.text import clip

router = Router()
Ask = Callable[[Context, Initiative], list[OutgoingMessage]]


def _pause(ctx: Context) -> Button:
    return button(ctx.t.gettext("Pause (keep the draft)"), Draft(DraftAction.PAUSE))


def _no_more(ctx: Context) -> Button:
    return button(ctx.t.gettext("No more co-authors"), Draft(DraftAction.COAUTHORS_DONE))


def _files_done(ctx: Context, count: int) -> Button:
    _ = ctx.t.gettext
    return button(_("Done") if count else _("Skip"), Draft(DraftAction.FILES_DONE))


def question(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    """Ask the question of the step the draft is at (the database says where, not this chat)."""
    step = drafts.step_of(draft)
    ctx.conv.enter(Submit.__steps__[step], SubmitState(initiative=draft.id or 0))
    return _ASK[step](ctx, draft)


def _total(ctx: Context) -> int:
    """How many steps the wizard has for this member: the campaign step only when a campaign
    of theirs is running (so that the count never jumps from 7 to 9)."""
    return 9 if drafts.running_campaigns(ctx.session, member=member(ctx)) else 8


def _ask_title(ctx: Context, _draft: Initiative) -> list[OutgoingMessage]:
    text = ctx.t.gettext(
        "Step {n} of {total}. What is the title of your initiative? (one short line)",
        n=1,
        total=_total(ctx),
    )
    return say(text, _pause(ctx))


def _ask_problem(ctx: Context, _draft: Initiative) -> list[OutgoingMessage]:
    text = ctx.t.gettext(
        "Step {n} of {total}. What problem does it solve? Describe it briefly.",
        n=2,
        total=_total(ctx),
    )
    return say(text, _pause(ctx))


def _ask_solution(ctx: Context, _draft: Initiative) -> list[OutgoingMessage]:
    text = ctx.t.gettext(
        "Step {n} of {total}. What is your solution? Describe what you propose to do.",
        n=3,
        total=_total(ctx),
    )
    return say(text, _pause(ctx))


def _ask_benefit_kind(ctx: Context, _draft: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    return say(
        _("Step {n} of {total}. How do you measure the expected benefit?", n=4, total=_total(ctx)),
        button(_("Money saved or earned (VND a year)"), Benefit(BenefitKind.MONEY)),
        button(_("Working time saved (hours a year)"), Benefit(BenefitKind.TIME)),
        _pause(ctx),
    )


def _ask_benefit(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if draft.benefit_kind == BenefitKind.TIME:
        text = _("How many working hours a year will it save? Send a whole number, e.g. 120.")
    else:
        text = _(
            "How much money a year will it save or bring? Send an amount in VND, e.g. "
            "15000000 or 15 triệu."
        )
    return say(text, _pause(ctx))


def _ask_files(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    count = len(drafts.attachments_of(ctx.session, initiative_id=draft.id))  # type: ignore[arg-type]
    text = _(
        "Step {n} of {total}. You may send photos or documents that show the idea (up to "
        "{limit} MB each). Tap «Done» when finished, or «Skip».",
        limit=ctx.config.attachments.max_mb,
        n=5,
        total=_total(ctx),
    )
    if count:
        text += "\n" + _("Files received: {n}.", n=count)
    return say(text, _files_done(ctx, count), _pause(ctx))


def _ask_coauthors(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    names = drafts.author_names(ctx.session, initiative_id=draft.id, t=ctx.t)  # type: ignore[arg-type]
    return say(
        _(
            "Step {n} of {total}. Did colleagues of your union work on it with you?",
            n=6,
            total=_total(ctx),
        )
        + "\n"
        + _("Authors so far: {names}", names=names),
        button(_("Add a co-author"), Draft(DraftAction.ADD_COAUTHOR)),
        _no_more(ctx),
        _pause(ctx),
    )


def _ask_category(ctx: Context, _draft: Initiative) -> list[OutgoingMessage]:
    return say(
        ctx.t.gettext(
            "Step {n} of {total}. Which kind of initiative is it?", n=7, total=_total(ctx)
        ),
        *(button(texts.category(ctx.t, key), Category(key)) for key in texts.CATEGORIES),
    )


def _ask_campaign(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    running = drafts.running_campaigns(ctx.session, member=member(ctx))
    if not running:
        drafts.skip_campaign(ctx.session, draft=draft)
        return question(ctx, draft)
    return say(
        ctx.t.gettext("Step {n} of {total}. Is it part of one of these campaigns?", n=8, total=9),
        *(button(clip(c.title, 40), Campaign(c.id)) for c in running),
        button(ctx.t.gettext("No campaign"), Campaign(None)),
    )


def _ask_confirm(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    seen = drafts.summary(ctx.session, draft=draft)
    lines = [
        _("Step {n} of {total}. Please check your initiative:", n=_total(ctx), total=_total(ctx)),
        _("Title: {text}", text=draft.title),
        _("Problem: {text}", text=draft.problem),
        _("Solution: {text}", text=draft.solution),
        _(
            "Expected benefit: {benefit}",
            benefit=texts.benefit(ctx.t, draft.benefit_kind, draft.benefit_amount),
        ),
        _("Authors: {names}", names=seen.authors),
        _("Category: {name}", name=texts.category(ctx.t, draft.category)),
        _("Campaign: {title}", title=seen.campaign) if seen.campaign else _("Campaign: none"),
        _("Files: {n}", n=seen.files),
    ]
    if seen.similar:
        lines += ["", _("Your union already has initiatives that look similar:")]
        lines += [f"• {texts.label(i)} ({texts.status(ctx.t, i.status)})" for i in seen.similar]
        lines.append(_("If yours is different, say how in the solution, or send it anyway."))
    return say(
        "\n".join(lines),
        button(_("Send"), Draft(DraftAction.SUBMIT)),
        button(_("Send, without my name in announcements"), Draft(DraftAction.SUBMIT_HIDDEN)),
        button(_("Discard the draft"), Draft(DraftAction.DISCARD)),
    )


_ASK: dict[str, Ask] = {
    "title": _ask_title,
    "problem": _ask_problem,
    "solution": _ask_solution,
    "benefit_kind": _ask_benefit_kind,
    "benefit": _ask_benefit,
    "files": _ask_files,
    "coauthors": _ask_coauthors,
    "category": _ask_category,
    "campaign": _ask_campaign,
    "confirm": _ask_confirm,
}


def _draft(ctx: Context) -> Initiative | None:
    return drafts.draft_of(ctx.session, member_id=member(ctx).id)  # type: ignore[arg-type]


def _gone(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.end()
    return [main_menu(ctx, ctx.t.gettext("That draft is no longer there."))]


def start(ctx: Context) -> list[OutgoingMessage]:
    """Begin a draft, or offer to continue the unfinished one."""
    _ = ctx.t.gettext
    draft = _draft(ctx)
    if draft is not None and draft.title:
        ctx.conv.enter(Submit.unfinished, SubmitState(initiative=draft.id or 0))
        return say(
            _(
                "You have an unfinished initiative «{title}». Continue where you stopped?",
                title=draft.title,
            ),
            button(_("Continue"), Draft(DraftAction.RESUME)),
            button(_("Start a new one"), Draft(DraftAction.RESTART)),
        )
    draft = draft or drafts.start_draft(ctx.session, member=member(ctx), now=ctx.now)
    return question(ctx, draft)


@router.command("initiative", "sangkien", members_only=True)
def on_initiative(ctx: Context) -> list[OutgoingMessage]:
    return start(ctx)


@router.button(Menu, members_only=True, item=MenuItem.INITIATIVE)
def on_menu_entry(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return start(ctx)


# ---- what is typed or sent at a step --------------------------------------------------------


@router.step(Submit.title, Submit.problem, Submit.solution, Submit.benefit)
def on_text(ctx: Context) -> list[OutgoingMessage]:
    draft = _draft(ctx)
    if draft is None:
        return _gone(ctx)
    if not ctx.conv.at(Submit.__steps__[drafts.step_of(draft)]):
        return question(ctx, draft)  # the draft moved on elsewhere (another messenger)
    if ctx.message.attachments and not ctx.text:
        text = ctx.t.gettext("Files can be added at step 5. Please answer the question first.")
        return say(text, _pause(ctx))
    try:
        drafts.write(ctx.session, draft=draft, text=ctx.text)
    except DomainError as err:
        return refusal(ctx, err, _pause(ctx))
    return question(ctx, draft)


@router.step(Submit.files)
def on_files(ctx: Context) -> list[OutgoingMessage]:
    """Photos and documents, each checked; a text that is no choice comes here only with one."""
    draft = _draft(ctx)
    if draft is None:
        return _gone(ctx)
    if drafts.step_of(draft) != "files" or not ctx.message.attachments:
        return question(ctx, draft)
    answers: list[str] = []
    for attachment in ctx.message.attachments:
        try:
            drafts.add_attachment(
                ctx.session,
                initiative=draft,
                attachment=attachment,
                platform=ctx.identity.platform,
                limits=ctx.config.attachments,
                now=ctx.now,
            )
            # a photo from Zalo or Telegram has no file name: say what it is, in words
            unnamed = (
                ctx.t.gettext("photo") if attachment.kind == "image" else ctx.t.gettext("file")
            )
            name = attachment.name or unnamed
            answers.append(ctx.t.gettext("Received: {name}", name=name))
        except InvalidInput as err:
            answers.append(problem_text(ctx.t, err, limit=ctx.config.attachments.max_mb))
    return say("\n".join(answers), _files_done(ctx, 1), _pause(ctx))


@router.step(
    Submit.unfinished,
    Submit.benefit_kind,
    Submit.coauthors,
    Submit.coauthor_pick,
    Submit.category,
    Submit.campaign,
    Submit.confirm,
)
def on_other_input(ctx: Context) -> list[OutgoingMessage]:
    """A step answered by a choice got something else (a file, a sticker): ask again."""
    draft = _draft(ctx)
    if draft is None:
        return _gone(ctx)
    if ctx.conv.at(Submit.unfinished):
        return start(ctx)
    return question(ctx, draft)


@router.step(Submit.coauthor_name)
def on_coauthor_name(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    draft = _draft(ctx)
    if draft is None:
        return _gone(ctx)
    if drafts.step_of(draft) != "coauthors":
        return question(ctx, draft)
    found = drafts.find_unit_members(ctx.session, initiative=draft, query=ctx.text)
    if not found:
        text = _(
            "No member of your union matches «{text}». Try another part of the name.",
            text=ctx.text[:50],
        )
        return say(text, _no_more(ctx))
    ctx.conv.move_to(Submit.coauthor_pick)
    return say(
        _("Tap the co-author:"),
        *(button(m.full_name or "?", Coauthor(m.id)) for m in found),  # type: ignore[arg-type]
        button(_("Another name"), Draft(DraftAction.ADD_COAUTHOR)),
        _no_more(ctx),
    )


# ---- the buttons ----------------------------------------------------------------------------


def _at(ctx: Context, step: str) -> Initiative | None:
    """The draft, when it is at `step` (a button of another step only asks again)."""
    draft = _draft(ctx)
    return draft if draft is not None and drafts.step_of(draft) == step else None


def _again(ctx: Context) -> list[OutgoingMessage]:
    draft = _draft(ctx)
    return question(ctx, draft) if draft is not None else _gone(ctx)


@router.button(Draft, members_only=True, action=DraftAction.RESUME)
def on_resume(ctx: Context, _data: Draft) -> list[OutgoingMessage]:
    return _again(ctx)


@router.button(Draft, members_only=True, action=DraftAction.RESTART)
def on_restart(ctx: Context, _data: Draft) -> list[OutgoingMessage]:
    return question(ctx, drafts.start_draft(ctx.session, member=member(ctx), now=ctx.now))


@router.button(Draft, members_only=True, action=DraftAction.PAUSE)
def on_pause(ctx: Context, _data: Draft) -> list[OutgoingMessage]:
    if _draft(ctx) is None:
        return _gone(ctx)
    ctx.conv.end()
    text = ctx.t.gettext(
        "Your draft is kept. Tap «Submit an initiative» to continue it, on this or any other "
        "linked messenger."
    )
    return [main_menu(ctx, text)]


@router.button(Draft, members_only=True, action=DraftAction.DISCARD)
def on_discard(ctx: Context, _data: Draft) -> list[OutgoingMessage]:
    draft = _draft(ctx)
    if draft is None:
        return _gone(ctx)
    drafts.discard(ctx.session, draft=draft)
    ctx.conv.end()
    return [main_menu(ctx, ctx.t.gettext("The draft was discarded."))]


@router.button(Benefit, members_only=True)
def on_benefit_kind(ctx: Context, data: Benefit) -> list[OutgoingMessage]:
    draft = _at(ctx, "benefit_kind")
    if draft is None:
        return _again(ctx)
    drafts.choose_benefit_kind(ctx.session, draft=draft, kind=data.kind)
    return question(ctx, draft)


@router.button(Draft, members_only=True, action=DraftAction.FILES_DONE)
def on_files_done(ctx: Context, _data: Draft) -> list[OutgoingMessage]:
    draft = _at(ctx, "files")
    if draft is None:
        return _again(ctx)
    drafts.move_on(ctx.session, draft=draft, after="files")
    return question(ctx, draft)


@router.button(Draft, members_only=True, action=DraftAction.ADD_COAUTHOR)
def on_add_coauthor(ctx: Context, _data: Draft) -> list[OutgoingMessage]:
    draft = _at(ctx, "coauthors")
    if draft is None:
        return _again(ctx)
    ctx.conv.enter(Submit.coauthor_name, SubmitState(initiative=draft.id or 0))
    text = ctx.t.gettext("Type part of the co-author's name to find them.")
    return say(text, _no_more(ctx))


@router.button(Coauthor, members_only=True)
def on_coauthor(ctx: Context, data: Coauthor) -> list[OutgoingMessage]:
    draft = _at(ctx, "coauthors")
    if draft is None:
        return _again(ctx)
    try:
        added = drafts.add_coauthor(ctx.session, initiative=draft, member_id=data.member)
    except DomainError as err:
        return refusal(ctx, err) + question(ctx, draft)
    told = ctx.t.gettext("{name} is now a co-author.", name=added.full_name or "?")
    return say(told) + question(ctx, draft)


@router.button(Draft, members_only=True, action=DraftAction.COAUTHORS_DONE)
def on_coauthors_done(ctx: Context, _data: Draft) -> list[OutgoingMessage]:
    draft = _at(ctx, "coauthors")
    if draft is None:
        return _again(ctx)
    drafts.move_on(ctx.session, draft=draft, after="coauthors")
    return question(ctx, draft)


@router.button(Category, members_only=True)
def on_category(ctx: Context, data: Category) -> list[OutgoingMessage]:
    draft = _at(ctx, "category")
    if draft is None or data.key not in texts.CATEGORIES:
        return _again(ctx)
    drafts.choose_category(ctx.session, draft=draft, key=data.key)
    return question(ctx, draft)


@router.button(Campaign, members_only=True)
def on_campaign(ctx: Context, data: Campaign) -> list[OutgoingMessage]:
    draft = _at(ctx, "campaign")
    if draft is None:
        return _again(ctx)
    try:
        drafts.choose_campaign(
            ctx.session, draft=draft, member=member(ctx), campaign_id=data.campaign
        )
    except DomainError:
        return question(ctx, draft)
    return question(ctx, draft)


@router.button(Draft, members_only=True, action=DraftAction.SUBMIT)
@router.button(Draft, members_only=True, action=DraftAction.SUBMIT_HIDDEN)
def on_submit(ctx: Context, data: Draft) -> list[OutgoingMessage]:
    draft = _at(ctx, "confirm")
    if draft is None:
        return _again(ctx)
    try:
        done = workflow.submit(
            ctx.session,
            initiative=draft,
            notifier=notifier(ctx),
            now=ctx.now,
            hide_name=data.action == DraftAction.SUBMIT_HIDDEN,
            submitter_answered=True,  # by this reply, the only message of the moment
        )
    except DomainError as err:
        return refusal(ctx, err)
    ctx.conv.end()
    text = ctx.t.gettext(
        "Thank you! Your initiative «{title}» has been received; its tracking code is {code}. "
        "The union officers will now review it, and you will be told of each step. See all "
        "your initiatives with /my_initiatives.",
        title=done.title,
        code=done.code,
    )
    return [main_menu(ctx, text)]
