"""Initiatives by chat: the guided submission (its draft lives in the database, so it can be
continued on any linked messenger), /my_initiatives, the authors' answers, and the officers'
review buttons and reward table."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.numbers import format_percent

from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.dispatch import Context, Router, parse_command, payload_arg, reply
from core.errors import DomainError, InvalidInput
from core.initiatives import rules, service, texts
from core.initiatives.models import Initiative
from core.initiatives.notify import Notifier
from core.initiatives.problems import problem_text
from core.initiatives.rules import BenefitKind, Status
from core.members.buttons import Menu, MenuItem
from core.members.menu import main_menu
from core.members.models import Member
from core.messages import Button, OutgoingMessage
from core.reports import service as reports
from core.reports.service import Period

router = Router()
DRAFT, REASON, QUESTION, ANSWER, TABLE = (
    "ini_draft",
    "ini_reason",
    "ini_question",
    "ini_answer",
    "ini_table",
)
STEPS = (
    "title",
    "problem",
    "solution",
    "benefit_kind",
    "benefit",
    "files",
    "coauthors",
    "category",
    "campaign",
    "confirm",
)


def notifier(ctx: Context) -> Notifier:
    return Notifier(ctx.catalogs, ctx.config)


def _say(text: str, *buttons: Button) -> list[OutgoingMessage]:
    return [reply(text, *buttons)]


def _problem(ctx: Context, err: DomainError | str, *buttons: Button) -> list[OutgoingMessage]:
    return _say(problem_text(ctx.t, err, limit=ctx.config.attachments.max_mb), *buttons)


def _member(ctx: Context) -> Member:
    assert ctx.member is not None and ctx.member.id is not None
    return ctx.member


def _actor(ctx: Context) -> Actor:
    return Actor.officer(_member(ctx).id)  # type: ignore[arg-type]


def _cancel(ctx: Context) -> Button:
    return Button(ctx.t.gettext("Pause (keep the draft)"), "initiative:pause")


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


# ---- the guided submission ------------------------------------------------------------------


def question(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    """The question of the draft's current step."""
    _ = ctx.t.gettext
    step = draft.draft_step or "title"
    ctx.conv.start(DRAFT, step, id=draft.id)
    if step == "title":
        return _say(
            _("Step 1 of 9. What is the title of your initiative? (one short line)"), _cancel(ctx)
        )
    if step == "problem":
        return _say(
            _("Step 2 of 9. What problem does it solve? Describe it briefly."), _cancel(ctx)
        )
    if step == "solution":
        return _say(
            _("Step 3 of 9. What is your solution? Describe what you propose to do."), _cancel(ctx)
        )
    if step == "benefit_kind":
        return _say(
            _("Step 4 of 9. How do you measure the expected benefit?"),
            Button(_("Money saved or earned (VND a year)"), "initiative:bk:money"),
            Button(_("Working time saved (hours a year)"), "initiative:bk:time"),
            _cancel(ctx),
        )
    if step == "benefit":
        if draft.benefit_kind == BenefitKind.TIME:
            text = _("How many working hours a year will it save? Send a whole number, e.g. 120.")
        else:
            text = _(
                "How much money a year will it save or bring? Send an amount in VND, e.g. "
                "15000000 or 15 triệu."
            )
        return _say(text, _cancel(ctx))
    if step == "files":
        count = len(service.attachments_of(ctx.session, initiative_id=draft.id))  # type: ignore[arg-type]
        text = _(
            "Step 5 of 9. You may send photos or documents that show the idea (up to {limit} MB "
            "each). Tap «Done» when finished, or «Skip».",
            limit=ctx.config.attachments.max_mb,
        )
        if count:
            text += "\n" + _("Files received: {n}.", n=count)
        return _say(
            text, Button(_("Done") if count else _("Skip"), "initiative:next:files"), _cancel(ctx)
        )
    if step == "coauthors":
        names = service.author_names(ctx.session, initiative_id=draft.id)  # type: ignore[arg-type]
        return _say(
            _(
                "Step 6 of 9. Did colleagues of your union work on it with you? Type part of a "
                "co-author's name to find them, or tap «No co-authors»."
            )
            + "\n"
            + _("Authors so far: {names}", names=names),
            Button(_("No more co-authors"), "initiative:next:coauthors"),
            _cancel(ctx),
        )
    if step == "category":
        return _say(
            _("Step 7 of 9. Which kind of initiative is it?"),
            *(
                Button(texts.category(ctx.t, key), f"initiative:cat:{key}")
                for key in texts.CATEGORIES
            ),
        )
    if step == "campaign":
        running = campaigns.running_for_member(ctx.session, member=_member(ctx))[:5]
        if not running:
            draft.draft_step = "confirm"
            return question(ctx, draft)
        return _say(
            _("Step 8 of 9. Is it part of one of these campaigns?"),
            *(Button(c.title[:40], f"initiative:camp:{c.id}") for c in running),
            Button(_("No campaign"), "initiative:camp:0"),
        )
    return _confirm(ctx, draft)


def _confirm(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    files = len(service.attachments_of(ctx.session, initiative_id=draft.id))  # type: ignore[arg-type]
    lines = [
        _("Step 9 of 9. Please check your initiative:"),
        _("Title: {text}", text=draft.title),
        _("Problem: {text}", text=draft.problem),
        _("Solution: {text}", text=draft.solution),
        _(
            "Expected benefit: {benefit}",
            benefit=texts.benefit(ctx.t, draft.benefit_kind, draft.benefit_amount),
        ),
        _("Authors: {names}", names=service.author_names(ctx.session, initiative_id=draft.id)),  # type: ignore[arg-type]
        _("Category: {name}", name=texts.category(ctx.t, draft.category)),
        _("Files: {n}", n=files),
    ]
    similar = service.similar_in_unit(ctx.session, initiative=draft)
    if similar:
        lines += ["", _("Your union already has initiatives that look similar:")]
        lines += [
            f"• {texts.label(item)} ({texts.status(ctx.t, item.status)})" for item, _s in similar
        ]
        lines.append(_("If yours is different, say how in the solution, or send it anyway."))
    return _say(
        "\n".join(lines),
        Button(_("Send"), "initiative:submit"),
        Button(_("Send, without my name in announcements"), "initiative:submit_hidden"),
        Button(_("Discard the draft"), "initiative:discard"),
    )


def _advance(ctx: Context, draft: Initiative, step: str) -> list[OutgoingMessage]:
    draft.draft_step = step
    ctx.session.flush()
    return question(ctx, draft)


def _current_draft(ctx: Context) -> Initiative | None:
    return service.draft_of(ctx.session, member_id=_member(ctx).id)  # type: ignore[arg-type]


def start(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    draft = _current_draft(ctx)
    if draft is not None and draft.title:
        return _say(
            _(
                "You have an unfinished initiative «{title}». Continue where you stopped?",
                title=draft.title,
            ),
            Button(_("Continue"), "initiative:resume"),
            Button(_("Start a new one"), "initiative:restart"),
        )
    draft = draft or service.start_draft(ctx.session, member=_member(ctx), now=ctx.now)
    return question(ctx, draft)


@router.command("initiative", "sangkien", members_only=True)
def on_initiative(ctx: Context) -> list[OutgoingMessage]:
    return start(ctx)


@router.flow(DRAFT)
def on_draft_step(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    draft = _current_draft(ctx)
    if draft is None or ctx.member is None:
        ctx.conv.end()
        return [main_menu(ctx)]
    step = draft.draft_step or "title"  # the database says where the draft is, not this chat
    text = ctx.text
    try:
        if step == "files":
            return _files(ctx, draft)
        if ctx.message.attachments and not text:
            return _say(_("Files can be added at step 5. Please answer the question first."))
        if step == "title":
            draft.title = service.check_text(
                text.split("\n")[0], limit=service.MAX_TITLE, code="title"
            )
            return _advance(ctx, draft, "problem")
        if step == "problem":
            draft.problem = service.check_text(text, limit=service.MAX_TEXT, code="problem")
            return _advance(ctx, draft, "solution")
        if step == "solution":
            draft.solution = service.check_text(text, limit=service.MAX_TEXT, code="solution")
            return _advance(ctx, draft, "benefit_kind")
        if step == "benefit":
            amount = rules.parse_amount(text)
            if amount is None:
                return _problem(ctx, "benefit_bad", _cancel(ctx))
            draft.benefit_amount = amount
            return _advance(ctx, draft, "files")
        if step == "coauthors":
            return _find_coauthors(ctx, draft)
    except DomainError as err:
        return _problem(ctx, err, _cancel(ctx))
    return question(ctx, draft)  # a step answered by buttons: ask again


def _files(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if not ctx.message.attachments:
        if ctx.text:
            return _say(
                _("Please send a photo or a file, or tap «Done»."),
                Button(_("Done"), "initiative:next:files"),
            )
        return question(ctx, draft)
    answers: list[str] = []
    for attachment in ctx.message.attachments:
        try:
            service.add_attachment(
                ctx.session,
                initiative=draft,
                attachment=attachment,
                platform=ctx.identity.platform,
                limits=ctx.config.attachments,
                now=ctx.now,
            )
            answers.append(_("Received: {name}", name=attachment.name or attachment.kind))
        except InvalidInput as err:
            answers.append(problem_text(ctx.t, err, limit=ctx.config.attachments.max_mb))
    return _say("\n".join(answers), Button(_("Done"), "initiative:next:files"), _cancel(ctx))


def _find_coauthors(ctx: Context, draft: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    found = service.find_unit_members(ctx.session, initiative=draft, query=ctx.text)
    if not found:
        return _say(
            _(
                "No member of your union matches «{text}». Try another part of the name.",
                text=ctx.text[:50],
            ),
            Button(_("No more co-authors"), "initiative:next:coauthors"),
        )
    return _say(
        _("Tap the co-author:"),
        *(Button(m.full_name or "?", f"initiative:co:{m.id}") for m in found),
        Button(_("No more co-authors"), "initiative:next:coauthors"),
    )


def _draft_button(ctx: Context, action: str, arg: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    draft = _current_draft(ctx)
    if action == "restart":
        return question(ctx, service.start_draft(ctx.session, member=_member(ctx), now=ctx.now))
    if draft is None:
        return [main_menu(ctx, _("That draft is no longer there."))]
    if action == "resume":
        return question(ctx, draft)
    if action == "pause":
        ctx.conv.end()
        return [
            main_menu(
                ctx,
                _(
                    "Your draft is kept. Tap «Submit an initiative» to continue "
                    "it, on this or any other linked messenger."
                ),
            )
        ]
    if action == "discard":
        ctx.session.delete(draft)
        ctx.conv.end()
        return [main_menu(ctx, _("The draft was discarded."))]
    if action == "bk" and arg in (BenefitKind.MONEY, BenefitKind.TIME):
        draft.benefit_kind = BenefitKind(arg)
        return _advance(ctx, draft, "benefit")
    if action == "next" and arg == "files" and draft.draft_step == "files":
        return _advance(ctx, draft, "coauthors")
    if action == "next" and arg == "coauthors" and draft.draft_step == "coauthors":
        return _advance(ctx, draft, "category")
    if action == "co" and _int(arg) is not None:
        try:
            added = service.add_coauthor(ctx.session, initiative=draft, member_id=int(arg))
        except DomainError as err:
            return _problem(ctx, err, Button(_("No more co-authors"), "initiative:next:coauthors"))
        return _say(
            _(
                "{name} is now a co-author. Type another name, or tap «No more co-authors».",
                name=added.full_name or "?",
            ),
            Button(_("No more co-authors"), "initiative:next:coauthors"),
        )
    if action == "cat" and arg in texts.CATEGORIES:
        draft.category = arg
        return _advance(ctx, draft, "campaign")
    if action == "camp" and _int(arg) is not None:
        if int(arg):
            try:
                campaigns.member_may_see(ctx.session, member=_member(ctx), campaign_id=int(arg))
            except DomainError:
                return question(ctx, draft)
            draft.campaign_id = int(arg)
        return _advance(ctx, draft, "confirm")
    if action in ("submit", "submit_hidden") and draft.draft_step == "confirm":
        draft.hide_name = action == "submit_hidden"
        try:
            done = service.submit(
                ctx.session, initiative=draft, notifier=notifier(ctx), now=ctx.now
            )
        except DomainError as err:
            return _problem(ctx, err)
        ctx.conv.end()
        return [
            main_menu(
                ctx,
                _(
                    "Thank you! Your initiative is sent. Its tracking code is "
                    "{code}. You will be told at each step; see them all with "
                    "/my_initiatives.",
                    code=done.code,
                ),
            )
        ]
    return question(ctx, draft)


# ---- the author's side: /my_initiatives and answers -----------------------------------------


@router.command("my_initiatives", "myinitiatives", members_only=True)
def on_my_initiatives(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    items = service.for_member(ctx.session, member_id=_member(ctx).id)  # type: ignore[arg-type]
    draft = _current_draft(ctx)
    if not items and draft is None:
        return [main_menu(ctx, _("You have not sent any initiative yet."))]
    lines = [_("Your initiatives:")]
    buttons: list[Button] = []
    for item in items[:15]:
        line = f"• {item.code} «{item.title}»: {texts.status(ctx.t, item.status)}"
        if item.status in (Status.ACCEPTED, Status.APPLIED) and item.reward_vnd is not None:
            line += " – " + _("reward {money}", money=ctx.t.money(item.reward_vnd))
        if item.status == Status.REJECTED and item.reject_reason:
            line += " – " + item.reject_reason
        lines.append(line)
        if item.status == Status.NEEDS_INFO:
            lines.append("  " + _("Question: {text}", text=item.info_request or ""))
            buttons.append(Button(_("Answer {code}", code=item.code), f"initiative:ans:{item.id}"))
    if draft is not None:
        lines.append(_("• Draft «{title}» (not sent yet)", title=draft.title or "…"))
        buttons.append(Button(_("Continue the draft"), "initiative:resume"))
    return _say("\n".join(lines), *buttons)


@router.flow(ANSWER)
def on_answer(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    try:
        item = service.answer_info(
            ctx.session,
            member=_member(ctx),
            initiative_id=int(ctx.conv.data.get("id", 0)),
            answer=ctx.text,
            notifier=notifier(ctx),
            now=ctx.now,
        )
    except DomainError as err:
        if err.code in ("answer_empty", "answer_too_long"):
            return _problem(ctx, err)
        ctx.conv.end()
        return [main_menu(ctx, problem_text(ctx.t, err))]
    ctx.conv.end()
    return [
        main_menu(
            ctx, _("Thank you, your answer about {code} was sent to the officers.", code=item.code)
        )
    ]


# ---- the officers' side ---------------------------------------------------------------------


def _officer_action(ctx: Context, action: str, arg: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if not _actor(ctx).is_officer(ctx.session):
        return _problem(ctx, "not_an_officer")
    head, _sep, rest = arg.partition(":")
    initiative_id = _int(head)
    if initiative_id is None:
        return [main_menu(ctx)]
    actor = _actor(ctx)
    try:
        item = service.get(ctx.session, actor=actor, initiative_id=initiative_id)
        if action == "view":
            names = service.author_names(ctx.session, initiative_id=initiative_id)
            return texts.review_card(ctx.t, item, names)
        if action == "acc":
            item, reward = service.accept(
                ctx.session,
                actor=actor,
                initiative_id=initiative_id,
                notifier=notifier(ctx),
                now=ctx.now,
            )
            return _say(
                _(
                    "{code} accepted. Benefit {benefit}: reward {money} and {points} "
                    "points, shared by {n} author(s). The authors have been told.",
                    code=item.code,
                    benefit=ctx.t.money(reward.benefit_vnd),
                    money=ctx.t.money(reward.reward_vnd),
                    points=ctx.t.number(reward.points),
                    n=len(reward.shares),
                ),
                *texts.review_buttons(ctx.t, item),
            )
        if action == "app":
            item = service.mark_applied(
                ctx.session,
                actor=actor,
                initiative_id=initiative_id,
                notifier=notifier(ctx),
                now=ctx.now,
            )
            return _say(
                _("{code} is marked as applied. The authors have been told.", code=item.code)
            )
        if action in ("rej", "ask"):
            if not rules.may_move(item.status, Status.REJECTED):
                return _problem(ctx, "wrong_status")
            service.start_review(
                ctx.session,
                actor=actor,
                initiative_id=initiative_id,
                notifier=notifier(ctx),
                now=ctx.now,
            )
            flow = REASON if action == "rej" else QUESTION
            ctx.conv.start(flow, "text", id=initiative_id)
            text = (
                _(
                    "Why is {code} not accepted? Write the reason; the authors will see it.",
                    code=item.code,
                )
                if action == "rej"
                else _("What would you like to ask the authors of {code}?", code=item.code)
            )
            return _say(text, Button(_("Cancel"), "initiative:view:" + str(initiative_id)))
        if action == "asg":
            if rest and _int(rest) is not None:
                service.assign(
                    ctx.session,
                    actor=actor,
                    initiative_id=initiative_id,
                    assignee_id=int(rest),
                    notifier=notifier(ctx),
                    now=ctx.now,
                )
                return _say(_("{code} is now assigned. The officer has been told.", code=item.code))
            others = [
                m
                for m in service.officers_for_assignment(ctx.session, item=item)
                if m.id != _member(ctx).id
            ]
            if not others:
                return _say(_("There is no other officer who can review it."))
            return _say(
                _("Assign {code} to:", code=item.code),
                *(
                    Button(m.full_name or "?", f"initiative:asg:{initiative_id}:{m.id}")
                    for m in others[:8]
                ),
            )
    except DomainError as err:
        return _problem(ctx, err)
    return [main_menu(ctx)]


@router.flow(REASON)
def on_reason(ctx: Context) -> list[OutgoingMessage]:
    return _officer_text(ctx, service.reject)


@router.flow(QUESTION)
def on_question(ctx: Context) -> list[OutgoingMessage]:
    return _officer_text(ctx, service.ask_info)


def _officer_text(ctx: Context, action) -> list[OutgoingMessage]:  # type: ignore[no-untyped-def]
    _ = ctx.t.gettext
    initiative_id = int(ctx.conv.data.get("id", 0))
    field = "reason" if action is service.reject else "question"
    try:
        item = action(
            ctx.session,
            actor=_actor(ctx),
            initiative_id=initiative_id,
            notifier=notifier(ctx),
            now=ctx.now,
            **{field: ctx.text},
        )
    except DomainError as err:
        if err.code.endswith(("_empty", "_too_long")):
            return _problem(ctx, err)
        ctx.conv.end()
        return _problem(ctx, err)
    ctx.conv.end()
    if action is service.reject:
        return _say(_("{code} is rejected. The authors have been told the reason.", code=item.code))
    return _say(_("Your question was sent to the authors of {code}.", code=item.code))


@router.command("initiatives", members_only=True)
def on_review_queue(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    actor = _actor(ctx)
    if not actor.is_officer(ctx.session):
        return _problem(ctx, "not_an_officer")
    waiting = service.in_scope(ctx.session, actor=actor, statuses=tuple(rules.OPEN), limit=10)
    if not waiting:
        return _say(
            _("No initiative is waiting for review."),
            Button(_("Report of this month"), "initiative:report"),
        )
    lines = [_("Initiatives waiting for review:")]
    lines += [f"• {i.code} «{i.title}»: {texts.status(ctx.t, i.status)}" for i in waiting]
    return _say(
        "\n".join(lines),
        *(Button(i.code or "?", f"initiative:view:{i.id}") for i in waiting),
        Button(_("Report of this month"), "initiative:report"),
    )


# ---- the officers' report --------------------------------------------------------------------


def _period(ctx: Context, arg: str) -> Period | None:
    """`YYYY-MM` (a month), or nothing: this month up to today (local dates)."""
    today = ctx.now.astimezone(ctx.t.tz).date()
    if not arg:
        return Period(today.replace(day=1), today, ctx.config.timezone)
    try:
        first = datetime.strptime(arg.strip(), "%Y-%m").date()
    except ValueError:
        return None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(first, following - timedelta(days=1), ctx.config.timezone)


def _share(ctx: Context, part: int, whole: int) -> str:
    return format_percent(part / whole, locale=ctx.t.babel_locale) if whole else "–"


def report_summary(ctx: Context, arg: str = "") -> list[OutgoingMessage]:
    """Initiatives by status with the accepted benefit and the rewards, and the commendations
    with the shares going to direct production workers and to staff without a leadership
    post, over the officer's units, for a month."""
    _ = ctx.t.gettext
    actor = _actor(ctx)
    if not actor.is_officer(ctx.session):
        return _problem(ctx, "not_an_officer")
    period = _period(ctx, arg)
    if period is None:
        return _say(_("Send the month as YYYY-MM, for example /report_initiatives 2026-11."))
    rows = reports.initiatives_by_status(ctx.session, actor=actor, period=period)
    shares = reports.commendation_shares(ctx.session, actor=actor, period=period)
    lines = [
        _(
            "Report from {start} to {end}:",
            start=ctx.t.date(period.start),
            end=ctx.t.date(period.end),
        ),
        "",
        _("Initiatives sent: {n}", n=ctx.t.number(sum(r.count for r in rows))),
    ]
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row.status] = by_status.get(row.status, 0) + row.count
    lines += [
        f"• {texts.status(ctx.t, status)}: {ctx.t.number(count)}"
        for status, count in sorted(by_status.items())
    ]
    lines.append(
        _(
            "Accepted benefit: {benefit}; rewards: {rewards}",
            benefit=ctx.t.money(sum(r.benefit_vnd for r in rows)),
            rewards=ctx.t.money(sum(r.reward_vnd for r in rows)),
        )
    )
    people = sum(s.people for s in shares)
    direct = sum(s.direct_workers for s in shares)
    no_post = sum(s.without_post for s in shares)
    lines += [
        "",
        _("People commended: {n}", n=ctx.t.number(people)),
        _(
            "• direct production workers: {n} ({share})",
            n=ctx.t.number(direct),
            share=_share(ctx, direct, people),
        ),
        _(
            "• staff without a leadership post: {n} ({share})",
            n=ctx.t.number(no_post),
            share=_share(ctx, no_post, people),
        ),
    ]
    if len({r.unit for r in rows} | {s.unit for s in shares}) > 1:
        lines += ["", _("By unit:")]
        units = sorted({r.unit for r in rows} | {s.unit for s in shares})
        for unit in units:
            sent = sum(r.count for r in rows if r.unit == unit)
            commended = sum(s.people for s in shares if s.unit == unit)
            lines.append(
                _(
                    "• {unit}: {sent} initiatives, {people} people commended",
                    unit=unit,
                    sent=ctx.t.number(sent),
                    people=ctx.t.number(commended),
                )
            )
    lines += ["", _("The full tables: thidua report, or the admin API /api/v1/reports.")]
    return _say("\n".join(lines))


@router.command("report_initiatives", "reportinitiatives", members_only=True)
def on_report(ctx: Context) -> list[OutgoingMessage]:
    parsed = parse_command(ctx.text)
    return report_summary(ctx, parsed[1] if parsed else "")


# ---- the reward table -----------------------------------------------------------------------


@router.command("reward_table", "rewardtable", members_only=True)
def on_reward_table(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    actor = _actor(ctx)
    units = actor.units(ctx.session)
    if not units:
        return _problem(ctx, "not_an_officer")
    unit = units[0]
    lines = [_("Reward table of {unit}:", unit=unit.name)]
    table = service.table_in_force(ctx.session, unit_id=unit.id, on=ctx.now.date())  # type: ignore[arg-type]
    if table is None:
        lines.append(_("No table is in force yet."))
    else:
        lines.append(
            _(
                "In force since {day}; an hour saved is worth {money}.",
                day=ctx.t.date(table.effective_from),
                money=ctx.t.money(table.vnd_per_hour),
            )
        )
        lines += [band_line(ctx, b) for b in service.bands_of(ctx.session, table_id=table.id)]  # type: ignore[arg-type]
    lines += [
        "",
        _(
            "To set a new table, send it in one message: the first line is the date it takes "
            "effect and the value of an hour saved, then one line per band "
            "FROM - TO: REWARD, POINTS («+» for no upper end). For example:"
        ),
        "01/01/2027; 50000\n0 - 10tr: 500k, 10\n10tr - 50tr: 2tr, 30\n50tr - +: 5tr, 80",
    ]
    ctx.conv.start(TABLE, "text", unit=unit.id)
    return _say("\n".join(lines), Button(_("Cancel"), "initiative:pause"))


def band_line(ctx: Context, band: rules.Band) -> str:
    upper = ctx.t.money(band.max_vnd) if band.max_vnd is not None else "+"
    return ctx.t.gettext(
        "• {low} – {high}: {money}, {points} points",
        low=ctx.t.money(band.min_vnd),
        high=upper,
        money=ctx.t.money(band.reward_vnd),
        points=ctx.t.number(band.points),
    )


def _parse_day(text: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


@router.flow(TABLE)
def on_table_text(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    lines = [line for line in ctx.text.splitlines() if line.strip()]
    example = _(
        "Please follow the example: first the date and the value of an hour, then "
        "one band per line."
    )
    if len(lines) < 2:
        return _say(example)
    head = [p.strip() for p in lines[0].replace(",", ";").split(";")]
    day = _parse_day(head[0])
    hour_value = rules.parse_amount(head[1]) if len(head) > 1 else 0
    if day is None or hour_value is None:
        return _say(
            _("I could not read the first line «{line}».", line=lines[0][:60]) + "\n" + example
        )
    bands = []
    for number, line in enumerate(lines[1:], start=2):
        band = rules.parse_band_line(line)
        if band is None:
            return _say(
                _("I could not read line {n}: «{line}».", n=number, line=line[:60]) + "\n" + example
            )
        bands.append(band)
    try:
        table = service.set_reward_table(
            ctx.session,
            actor=_actor(ctx),
            unit_id=int(ctx.conv.data.get("unit", 0)),
            effective_from=day,
            bands=bands,
            vnd_per_hour=hour_value,
            now=ctx.now,
        )
    except DomainError as err:
        return _problem(ctx, err)
    ctx.conv.end()
    return _say(
        "\n".join(
            [
                _(
                    "The reward table is saved. It takes effect on {day}.",
                    day=ctx.t.date(table.effective_from),
                )
            ]
            + [band_line(ctx, b) for b in sorted(bands)]
        )
    )


# ---- names in announcements -----------------------------------------------------------------


@router.command("hidename", members_only=True)
def on_hide_name(ctx: Context) -> list[OutgoingMessage]:
    service.set_name_shown(ctx.session, member_id=_member(ctx).id, show=False, now=ctx.now)  # type: ignore[arg-type]
    return [
        main_menu(
            ctx,
            ctx.t.gettext(
                "Your name will not appear in announcements of initiatives and commendations. "
                "Send /showname to change this."
            ),
        )
    ]


@router.command("showname", members_only=True)
def on_show_name(ctx: Context) -> list[OutgoingMessage]:
    service.set_name_shown(ctx.session, member_id=_member(ctx).id, show=True, now=ctx.now)  # type: ignore[arg-type]
    return [
        main_menu(
            ctx,
            ctx.t.gettext(
                "Your name may appear in announcements of initiatives and commendations. "
                "Send /hidename to change this."
            ),
        )
    ]


# ---- every initiative button ----------------------------------------------------------------

DRAFT_ACTIONS = {
    "menu",
    "new",
    "resume",
    "restart",
    "pause",
    "discard",
    "bk",
    "next",
    "co",
    "cat",
    "camp",
    "submit",
    "submit_hidden",
}
OFFICER_ACTIONS = {"view", "acc", "rej", "ask", "asg", "app"}


@router.payload("initiative", members_only=True)
def on_button(ctx: Context) -> list[OutgoingMessage]:
    action, _sep, arg = payload_arg(ctx.message.payload or "").partition(":")
    if action in ("menu", "new"):
        return start(ctx)
    if action == "ans" and _int(arg) is not None:
        ctx.conv.start(ANSWER, "text", id=int(arg))
        return _say(ctx.t.gettext("Write your answer in one message."))
    if action == "report":
        return report_summary(ctx)
    if action in OFFICER_ACTIONS:
        if ctx.conv.flow in (REASON, QUESTION):
            ctx.conv.end()
        return _officer_action(ctx, action, arg)
    if action in DRAFT_ACTIONS:
        return _draft_button(ctx, action, arg)
    return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]


@router.button(Menu, members_only=True, item=MenuItem.INITIATIVE)
def on_menu_entry(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return start(ctx)
