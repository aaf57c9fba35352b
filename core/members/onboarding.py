"""Joining a union unit: invite code, consent, name, worker group, leadership post, language.

Nothing beyond the platform id is kept before consent; declining keeps nothing. A member who
stops half-way resumes at the first missing answer with /start.
"""

from __future__ import annotations

from core.dispatch import Context, Router, payload_arg, reply
from core.errors import DomainError
from core.members import service
from core.members.labels import LANGUAGE_NAMES, WORKER_GROUP_LABELS
from core.members.menu import main_menu
from core.members.models import Member, UnionUnit, WorkerGroup
from core.members.rules import looks_like_invite_code, name_problem
from core.messages import Button, InboundKind, OutgoingMessage
from core.text import clean, fold

FLOW = "onboarding"
router = Router()

YES_WORDS = {"yes", "y", "ok", "agree", "i agree", "co", "dong y", "toi dong y", "vang", "u"}
NO_WORDS = {"no", "n", "decline", "khong", "khong dong y", "tu choi"}


def _invite_error(ctx: Context, code: str) -> str:
    _ = ctx.t.gettext
    return {
        "invite_unknown": _(
            "I could not find this invite code. Please check it on the poster or ask your "
            "union officer, then send it again."
        ),
        "invite_expired": _(
            "This invite code has expired. Please ask your union officer for a new one."
        ),
        "invite_used_up": _(
            "This invite code has been used as many times as allowed. Please ask your union "
            "officer for a new one."
        ),
        "invite_revoked": _(
            "This invite code is no longer valid. Please ask your union officer for a new one."
        ),
    }.get(code, _("This invite code cannot be used. Please ask your union officer."))


def _language_switch(ctx: Context) -> Button:
    other = "en" if ctx.locale == "vi" else "vi"
    return Button(LANGUAGE_NAMES[other], f"onb:ui:{other}")


def ask_code(ctx: Context, prefix: str | None = None) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.start(FLOW, "code", **_keep_locale(ctx))
    text = _(
        "Hello! This is thidua, the chat of your trade union's emulation campaigns.\n\n"
        "To join, please send the invite code of your union (it is on the poster or in the "
        "message from your union officer)."
    )
    return [reply(f"{prefix}\n\n{text}" if prefix else text, _language_switch(ctx))]


def _keep_locale(ctx: Context) -> dict[str, str]:
    return {"locale": ctx.conv.data["locale"]} if "locale" in ctx.conv.data else {}


def ask_consent(ctx: Context, unit: UnionUnit, code: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.start(FLOW, "consent", code=code, unit_id=unit.id, **_keep_locale(ctx))
    text = _(
        "You are joining {unit}.\n\n"
        "Before we go on: to let you take part, thidua keeps your name, your union unit, "
        "your worker group, whether you hold a leadership post, your language and the "
        "messenger accounts you use with it. They are used only for your union's campaigns, "
        "quizzes, initiatives and commendations, and only the officers of your union and the "
        "unions above it can see them. You will also receive your union's announcements.\n\n"
        "You can see your data with /mydata, stop announcements with /stop and delete "
        "everything with /forget at any time.\n\nDo you agree?",
        unit=unit.name,
    )
    return [
        reply(
            text,
            Button(_("I agree"), "onb:agree"),
            Button(_("No, thanks"), "onb:decline"),
            _language_switch(ctx),
        )
    ]


def ask_name(ctx: Context, problem: str | None = None) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.start(FLOW, "name")
    problems = {
        "name_empty": _("Please write your name in letters."),
        "name_too_long": _("That is longer than a name can be here (100 characters at most)."),
        "name_too_short": _("That seems too short for a full name."),
        "name_characters": _("A name can have letters, spaces, dots, dashes and apostrophes only."),
    }
    ask = _("What is your full name? (for example: Nguyễn Thị Lan)")
    return [reply(f"{problems[problem]}\n{ask}" if problem else ask)]


def ask_group(ctx: Context, again: bool = False) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.start(FLOW, "group")
    text = _("Which group do you belong to?")
    if again:
        text = _("Please choose one of the buttons.") + "\n" + text
    buttons = [
        Button(_(label), f"onb:group:{value}") for value, label in WORKER_GROUP_LABELS.items()
    ]
    return [reply(text, *buttons)]


def ask_leadership(ctx: Context, again: bool = False) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.start(FLOW, "leader")
    text = _("Do you hold a leadership or management post at work?")
    if again:
        text = _("Please choose one of the buttons.") + "\n" + text
    return [reply(text, Button(_("Yes"), "onb:leader:yes"), Button(_("No"), "onb:leader:no"))]


def ask_language(ctx: Context, again: bool = False) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.start(FLOW, "language")
    text = _("Which language do you want me to use?")
    if again:
        text = _("Please choose one of the buttons.") + "\n" + text
    return [
        reply(text, *(Button(name, f"onb:lang:{code}") for code, name in LANGUAGE_NAMES.items()))
    ]


def resume(ctx: Context, member: Member) -> list[OutgoingMessage]:
    """Ask the first question this member has not answered yet, or finish."""
    if member.full_name is None:
        return ask_name(ctx)
    if member.worker_group is None:
        return ask_group(ctx)
    if member.holds_leadership_post is None:
        return ask_leadership(ctx)
    if ctx.conv.flow == FLOW and ctx.conv.step != "language":
        return ask_language(ctx)
    return finish(ctx, member)


def finish(ctx: Context, member: Member) -> list[OutgoingMessage]:
    ctx.conv.end()
    member.onboarded_at = ctx.now
    ctx.session.flush()
    unit = ctx.session.get(UnionUnit, member.unit_id)
    text = ctx.t.gettext(
        "Welcome, {name}! You are now a member of {unit} on thidua. Announcements and "
        "campaigns of your union will come to this chat.",
        name=member.full_name,
        unit=unit.name if unit else "",
    )
    return [main_menu(ctx, text)]


def start(ctx: Context, code: str | None) -> list[OutgoingMessage]:
    """/start, a deep link, an m.me referral or a Zalo follow."""
    _ = ctx.t.gettext
    if ctx.onboarded:
        unit = ctx.session.get(UnionUnit, ctx.member.unit_id)  # type: ignore[union-attr]
        text = _("You have already joined {unit}.", unit=unit.name if unit else "")
        return [main_menu(ctx, text)]
    if ctx.member is not None:
        return resume(ctx, ctx.member)
    if not code:
        return ask_code(ctx)
    try:
        _invite, unit = service.check_invite(ctx.session, code=code, now=ctx.now)
    except DomainError as err:
        return ask_code(ctx, _invite_error(ctx, err.code))
    return ask_consent(ctx, unit, code)


@router.command("start")
def on_start(ctx: Context) -> list[OutgoingMessage]:
    from core.dispatch import parse_command

    parsed = parse_command(ctx.text)
    return start(ctx, parsed[1] if parsed else None)


def on_stranger(ctx: Context) -> list[OutgoingMessage]:
    """Anyone who has not joined and is not in the flow: a follow, a referral, a code, hello."""
    if ctx.message.referral:
        return start(ctx, ctx.message.referral)
    if ctx.member is not None:
        return resume(ctx, ctx.member)
    if ctx.message.kind == InboundKind.MESSAGE and looks_like_invite_code(ctx.text):
        return start(ctx, ctx.text)
    return ask_code(ctx)


@router.payload("onb")
def on_onboarding_button(ctx: Context) -> list[OutgoingMessage]:
    arg = payload_arg(ctx.message.payload or "")
    if arg.startswith("ui:"):
        locale = ctx.catalogs.resolve(arg[3:])
        if ctx.member is not None:
            ctx.member.locale = locale
        ctx.conv.data["locale"] = locale
        ctx.use_locale(locale)
        if ctx.conv.flow != FLOW or ctx.conv.step == "code":
            return ask_code(ctx)
        return _repeat_step(ctx)
    if ctx.conv.flow != FLOW:
        if ctx.onboarded:
            return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]
        return on_stranger(ctx)
    return on_step(ctx)


def _repeat_step(ctx: Context) -> list[OutgoingMessage]:
    if ctx.conv.step == "consent":
        unit = ctx.session.get(UnionUnit, ctx.conv.data.get("unit_id"))
        if unit is not None:
            return ask_consent(ctx, unit, ctx.conv.data.get("code", ""))
    if ctx.member is not None:
        return resume(ctx, ctx.member)
    return ask_code(ctx)


@router.flow(FLOW)
def on_step(ctx: Context) -> list[OutgoingMessage]:
    step = ctx.conv.step
    payload = ctx.message.payload or ""
    answer = fold(ctx.text)
    if ctx.message.referral:
        return start(ctx, ctx.message.referral)
    if step == "code":
        if not ctx.text:
            return ask_code(ctx)
        return start(ctx, ctx.text)
    if step == "consent":
        if payload == "onb:agree" or (not payload and answer in YES_WORDS):
            return _agree(ctx)
        if payload == "onb:decline" or (not payload and answer in NO_WORDS):
            return _decline(ctx)
        return _repeat_step(ctx)
    member = ctx.member
    if member is None:  # consent was not given in this flow (state from an old version)
        return ask_code(ctx)
    if step == "name":
        if payload:
            return ask_name(ctx)
        problem = name_problem(ctx.text)
        if problem:
            return ask_name(ctx, problem)
        member.full_name = clean(ctx.text)
        return resume(ctx, member)
    if step == "group":
        choice = _choice(payload, "onb:group:", [g.value for g in WorkerGroup], answer)
        if choice is None:
            return ask_group(ctx, again=True)
        member.worker_group = WorkerGroup(choice)
        return resume(ctx, member)
    if step == "leader":
        if payload in ("onb:leader:yes", "onb:leader:no"):
            member.holds_leadership_post = payload.endswith("yes")
        elif answer in YES_WORDS or answer in NO_WORDS:
            member.holds_leadership_post = answer in YES_WORDS
        else:
            return ask_leadership(ctx, again=True)
        return resume(ctx, member)
    if step == "language":
        choice = _choice(payload, "onb:lang:", list(LANGUAGE_NAMES), answer)
        if choice is None:
            return ask_language(ctx, again=True)
        member.locale = choice
        ctx.use_locale(choice)
        return finish(ctx, member)
    return resume(ctx, member)


def _choice(payload: str, prefix: str, values: list[str], typed: str) -> str | None:
    if payload.startswith(prefix) and payload[len(prefix) :] in values:
        return payload[len(prefix) :]
    if not payload and typed.isdigit() and 1 <= int(typed) <= len(values):
        return values[int(typed) - 1]
    return None


def _agree(ctx: Context) -> list[OutgoingMessage]:
    code = ctx.conv.data.get("code", "")
    try:
        member = service.join_unit(
            ctx.session, identity=ctx.identity, code=code, locale=ctx.locale, now=ctx.now
        )
    except DomainError as err:
        return ask_code(ctx, _invite_error(ctx, err.code))
    ctx.member = member
    return ask_name(ctx)


def _decline(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.end()
    return [
        reply(
            ctx.t.gettext(
                "Understood. Nothing about you has been kept. If you change your mind, send /start."
            )
        )
    ]
