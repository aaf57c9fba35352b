"""Joining a union unit: invite code, consent to taking part, then announcements and the name
beyond one's union each asked on its own (a consent per purpose), name, worker group,
leadership post, language.

Nothing beyond the platform id is kept before consent; declining keeps nothing. A member who
stops half-way resumes at the first missing answer with /start.
"""

from __future__ import annotations

from core.chat.steps import Step
from core.dispatch import Context, Router, button, parse_command, reply
from core.errors import DomainError
from core.members import consents, join_requests, naming, roster, service
from core.members.buttons import (
    Consent,
    Group,
    Interface,
    JoinName,
    Language,
    Leader,
    Purpose,
    RosterSkip,
)
from core.members.labels import LANGUAGE_NAMES, WORKER_GROUP_LABELS
from core.members.menu import main_menu
from core.members.models import ConsentPurpose, Member, UnionUnit, WorkerGroup
from core.members.rules import looks_like_invite_code, typed_name_problem
from core.members.steps import Joining, JoiningState
from core.messages import Button, InboundKind, OutgoingMessage
from core.text import clean

router = Router()


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
    return button(LANGUAGE_NAMES[other], Interface(other))


def ask_code(ctx: Context, prefix: str | None = None) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    _enter(ctx, Joining.code)
    text = _(
        "Hello! This is thidua, the chat of your trade union's emulation campaigns.\n\n"
        "To join, please send the invite code of your union (it is on the poster or in the "
        "message from your union officer)."
    )
    return [reply(f"{prefix}\n\n{text}" if prefix else text, _language_switch(ctx))]


def _state(ctx: Context) -> JoiningState:
    if ctx.conv.flow != Joining.__flow__:
        return JoiningState()
    return ctx.conv.state(JoiningState)


def _enter(ctx: Context, step: Step, **changes: object) -> None:
    """Go to `step` of joining, keeping the language chosen and the code being used."""
    state = _state(ctx)
    for name, value in changes.items():
        setattr(state, name, value)
    ctx.conv.enter(step, state)


def ask_consent(ctx: Context, unit: UnionUnit, code: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    _enter(ctx, Joining.consent, code=code, unit_id=unit.id)
    text = _(
        "You are joining {unit}.\n\n"
        "Before we go on: to let you take part in your union's campaigns, quizzes, initiatives "
        "and commendations, thidua keeps your name, your union unit, your worker group, "
        "whether you hold a leadership post, your language and the messenger accounts you use "
        "with it. They are used only for that, and only the officers of your union and the "
        "unions above it see your name; on leaderboards others see your initials unless you "
        "allow more. Two more choices follow, each on its own: announcements, and your name "
        "beyond your union.\n\n"
        "You can see your data with /mydata, change your choices with /consents and delete "
        "everything with /forget at any time.\n\nDo you agree?",
        unit=unit.name,
    )
    return [
        reply(
            text,
            button(_("I agree"), Consent(agree=True)),
            button(_("No, thanks"), Consent(agree=False)),
            _language_switch(ctx),
        )
    ]


def ask_announcements(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    _enter(ctx, Joining.announcements)
    text = _(
        "May we send you your union's announcements: new campaigns, quizzes, reminders and "
        "results? You can change this at any time with /stop and /resume."
    )
    return [
        reply(
            text,
            button(_("Yes, send them"), Purpose(ConsentPurpose.ANNOUNCEMENTS, agree=True)),
            button(_("No announcements"), Purpose(ConsentPurpose.ANNOUNCEMENTS, agree=False)),
        )
    ]


def ask_public_name(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    _enter(ctx, Joining.public_name)
    text = _(
        "On leaderboards and in announcements of initiatives and commendations, may your full "
        "name be shown to everyone taking part, other unions too? If not, they see your "
        "initials and your union. The officers of your union and the unions above it always "
        "see your name. You can change this at any time with /showname and /hidename."
    )
    return [
        reply(
            text,
            button(_("Yes, show my name"), Purpose(ConsentPurpose.PUBLIC_NAME, agree=True)),
            button(_("No, initials only"), Purpose(ConsentPurpose.PUBLIC_NAME, agree=False)),
        )
    ]


@router.button(Purpose)
def on_purpose(ctx: Context, data: Purpose) -> list[OutgoingMessage]:
    asked = {
        ConsentPurpose.ANNOUNCEMENTS: Joining.announcements,
        ConsentPurpose.PUBLIC_NAME: Joining.public_name,
    }
    step = asked.get(data.purpose)
    if ctx.member is None or step is None or not ctx.conv.at(step):
        return _not_now(ctx)
    consents.set_consent(
        ctx.session,
        member_id=ctx.member.id,  # type: ignore[arg-type]
        purpose=data.purpose,
        granted=data.agree,
        now=ctx.now,
    )
    if data.purpose == ConsentPurpose.ANNOUNCEMENTS:
        return ask_public_name(ctx)
    return resume(ctx, ctx.member)


def ask_name(ctx: Context, problem: str | None = None) -> list[OutgoingMessage]:
    _enter(ctx, Joining.name, name="")
    ask = ctx.t.gettext("What is your full name? (for example: Nguyễn Thị Lan)")
    return [reply(f"{naming.problem_text(ctx, problem)}\n{ask}" if problem else ask)]


def ask_name_confirm(ctx: Context, name: str, problem: str | None = None) -> list[OutgoingMessage]:
    """Show the name back as it will be kept, to be confirmed or typed again."""
    _enter(ctx, Joining.name_confirm, name=name)
    ask = ctx.t.gettext("Your full name: {name}\nIs that right? If not, type it again.", name=name)
    text = f"{naming.problem_text(ctx, problem)}\n\n{ask}" if problem else ask
    return [reply(text, *naming.buttons(ctx, JoinName))]


@router.step(Joining.name_confirm)
def on_name_confirm(ctx: Context) -> list[OutgoingMessage]:
    """What is typed at the name's confirmation (a tap or a typed label: `on_join_name`)."""
    if ctx.message.referral:
        return start(ctx, ctx.message.referral)
    return _answered_name(ctx, naming.typed(ctx, JoinName))


@router.button(JoinName)
def on_join_name(ctx: Context, data: JoinName) -> list[OutgoingMessage]:
    if ctx.member is None or not ctx.conv.at(Joining.name_confirm):
        return _not_now(ctx)
    return _answered_name(ctx, naming.tapped(ctx, data))


def _answered_name(ctx: Context, answer: naming.Answer) -> list[OutgoingMessage]:
    member = ctx.member
    name = _state(ctx).name
    if member is None or not name:  # consent was not given in this flow, or no name waits
        return _repeat_step(ctx)
    if answer.said is naming.Said.RETYPE:
        return ask_name(ctx)
    if answer.said is naming.Said.NAME:
        return ask_name_confirm(ctx, answer.name)
    if answer.said is naming.Said.UNCLEAR:
        return ask_name_confirm(ctx, name, answer.problem)
    member.full_name = name
    _enter(ctx, Joining.name, name="")  # the name is kept: nothing waits any more
    said = ctx.t.gettext("Thank you, {name}. You can correct it later with /name.", name=name)
    return [reply(said), *resume(ctx, member)]


def ask_group(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    _enter(ctx, Joining.group)
    buttons = [
        button(_(label), Group(WorkerGroup(value))) for value, label in WORKER_GROUP_LABELS.items()
    ]
    return [reply(_("Which group do you belong to?"), *buttons)]


def ask_leadership(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    _enter(ctx, Joining.leader)
    return [
        reply(
            _("Do you hold a leadership or management post at work?"),
            button(_("Yes"), Leader(leader=True)),
            button(_("No"), Leader(leader=False)),
        )
    ]


def ask_language(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    _enter(ctx, Joining.language)
    return [
        reply(
            _("Which language do you want me to use?"),
            *(button(name, Language(code)) for code, name in LANGUAGE_NAMES.items()),
        )
    ]


def resume(ctx: Context, member: Member) -> list[OutgoingMessage]:
    """Ask the first question this member has not answered yet, or finish."""
    if join_requests.waiting(ctx.session, member_id=member.id) is not None:  # type: ignore[arg-type]
        return still_waiting(ctx, member)
    if member.full_name is None:
        waiting = _state(ctx).name if ctx.conv.at(Joining.name_confirm) else ""
        return ask_name_confirm(ctx, waiting) if waiting else ask_name(ctx)
    if _roster_question_due(ctx, member):
        return ask_roster_key(ctx)
    if member.worker_group is None:
        return ask_group(ctx)
    if member.holds_leadership_post is None:
        return ask_leadership(ctx)
    if ctx.conv.flow == Joining.__flow__ and not ctx.conv.at(Joining.language):
        return ask_language(ctx)
    return finish(ctx, member)


ROSTER_TRIES = 3


def _roster_question_due(ctx: Context, member: Member) -> bool:
    if member.verified_at is not None or ctx.conv.flow != Joining.__flow__:
        return False
    if _state(ctx).roster_done:
        return False
    unit = ctx.session.get(UnionUnit, member.unit_id)
    return unit is not None and roster.has_roster(ctx.session, unit=unit)


def ask_roster_key(ctx: Context, problem: str | None = None) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    _enter(ctx, Joining.roster_key)
    ask = _(
        "Your union keeps a list of its members. To find you on it, type your membership card "
        "number, your phone number or your date of birth (for example 12/03/1990)."
    )
    text = f"{problem}\n\n{ask}" if problem else ask
    return [reply(text, button(_("Skip this step"), RosterSkip()))]


@router.step(Joining.roster_key)
def on_roster_key(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    member = ctx.member
    if member is None:
        return _repeat_step(ctx)
    unit = ctx.session.get(UnionUnit, member.unit_id)
    if unit is None or not ctx.text:
        return ask_roster_key(ctx)
    typed = ctx.text[:40]
    found = roster.find(ctx.session, unit=unit, full_name=member.full_name or "", answer=typed)
    if found.outcome is roster.Outcome.FOUND and found.entry_id is not None:
        roster.verify(ctx.session, member=member, entry_id=found.entry_id, now=ctx.now)
        return _roster_done(
            ctx, member, _("Thank you: you are on the members' list of your union.")
        )
    if found.outcome is roster.Outcome.TAKEN:
        return _roster_done(
            ctx,
            member,
            _(
                "Someone who has already joined is on the list with «{text}». If that is you on "
                "another messenger, send /link there. Otherwise your union officer can sort it "
                "out; you can go on joining now.",
                text=typed,
            ),
        )
    state = _state(ctx)
    state.roster_tries += 1
    ctx.conv.save_state(state)
    if state.roster_tries >= ROSTER_TRIES:
        return _roster_done(
            ctx,
            member,
            _("We could not find you on the list. You can go on; your union officer can add you."),
        )
    if found.outcome is roster.Outcome.SEVERAL:
        problem = _(
            "More than one person on the list matches «{text}». Please type your membership "
            "card number or your phone number instead.",
            text=typed,
        )
    else:
        problem = _("We could not find «{text}» on your union's list.", text=typed)
    return ask_roster_key(ctx, problem)


@router.button(RosterSkip)
def on_roster_skip(ctx: Context, _data: RosterSkip) -> list[OutgoingMessage]:
    if ctx.member is None or not ctx.conv.at(Joining.roster_key):
        return _not_now(ctx)
    return _roster_done(ctx, ctx.member, None)


def _roster_done(ctx: Context, member: Member, said: str | None) -> list[OutgoingMessage]:
    state = _state(ctx)
    state.roster_done = True
    ctx.conv.save_state(state)
    following = resume(ctx, member)
    if said is None:
        return following
    return [reply(said), *following]


def finish(ctx: Context, member: Member) -> list[OutgoingMessage]:
    ctx.conv.end()
    unit = ctx.session.get(UnionUnit, member.unit_id)
    if join_requests.needs_request(unit, member):
        join_requests.open_request(ctx, member=member)
        return still_waiting(ctx, member, first=True)
    member.onboarded_at = ctx.now
    ctx.session.flush()
    text = ctx.t.gettext(
        "Welcome, {name}! You are now a member of {unit} on thidua. Announcements and "
        "campaigns of your union will come to this chat.",
        name=member.full_name,
        unit=unit.name if unit else "",
    )
    return [main_menu(ctx, text)]


def still_waiting(ctx: Context, member: Member, *, first: bool = False) -> list[OutgoingMessage]:
    """A member of a "roster only" unit who was not found on its roster waits for an officer."""
    _ = ctx.t.gettext
    unit = ctx.session.get(UnionUnit, member.unit_id)
    name = unit.name if unit else ""
    if first:
        text = _(
            "Thank you, {name}. {unit} accepts members from its members' list, and we could not "
            "find you on it, so your request to join has been sent to its union officers. You "
            "will get a message here as soon as they decide.",
            name=member.full_name,
            unit=name,
        )
    else:
        text = _(
            "Your request to join {unit} is waiting for its union officers. You will get a "
            "message here as soon as they decide.",
            unit=name,
        )
    return [reply(text)]


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


@router.command("start", batched=True)
def on_start(ctx: Context) -> list[OutgoingMessage]:
    """Batched (core/held.py): a member's /start reads their unit and officer roles, which a
    batch never holds; joining reads and writes more, so it finds the batch written first."""
    if not ctx.onboarded:
        ctx.settle()
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


@router.button(Interface)
def on_interface(ctx: Context, data: Interface) -> list[OutgoingMessage]:
    locale = ctx.catalogs.resolve(data.locale)
    if ctx.member is not None:
        ctx.member.locale = locale
    if ctx.conv.flow != Joining.__flow__ or ctx.conv.at(Joining.code):
        _enter(ctx, Joining.code, locale=locale)
        ctx.use_locale(locale)
        return ask_code(ctx)
    state = _state(ctx)
    state.locale = locale
    ctx.conv.save_state(state)
    ctx.use_locale(locale)
    return _repeat_step(ctx)


def _not_now(ctx: Context) -> list[OutgoingMessage]:
    """A joining button tapped when the person is not at its step (any more)."""
    if ctx.onboarded:
        return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]
    if ctx.conv.flow == Joining.__flow__:
        return _repeat_step(ctx)
    return on_stranger(ctx)


def _repeat_step(ctx: Context) -> list[OutgoingMessage]:
    if ctx.conv.at(Joining.consent):
        state = _state(ctx)
        unit = ctx.session.get(UnionUnit, state.unit_id) if state.unit_id else None
        if unit is not None:
            return ask_consent(ctx, unit, state.code)
    if ctx.member is not None:
        return resume(ctx, ctx.member)
    return ask_code(ctx)


@router.step(Joining.code, batched=True)
def on_code(ctx: Context) -> list[OutgoingMessage]:
    """Batched (core/held.py): what a stranger types at this step is read as an invite code
    (invite codes and units, which a batch never holds) and answered with the next step or
    the code asked again, so a batch of strangers' greetings costs one read each instead of
    writing the batch before each. Someone already on the members' list finds the batch
    written first."""
    if ctx.member is not None:
        ctx.settle()
    if ctx.message.referral:
        return start(ctx, ctx.message.referral)
    if not ctx.text:
        return ask_code(ctx)
    return start(ctx, ctx.text)


@router.button(Consent)
def on_consent(ctx: Context, data: Consent) -> list[OutgoingMessage]:
    if not ctx.conv.at(Joining.consent):
        return _not_now(ctx)
    return _agree(ctx) if data.agree else _decline(ctx)


@router.step(
    Joining.consent,
    Joining.announcements,
    Joining.public_name,
    Joining.name,
    Joining.group,
    Joining.leader,
    Joining.language,
)
def on_other_input(ctx: Context) -> list[OutgoingMessage]:
    """What is typed or sent at a step (the choices steps only see what names no choice)."""
    if ctx.message.referral:
        return start(ctx, ctx.message.referral)
    member = ctx.member
    if member is None:  # consent was not given in this flow (state from an old version)
        return _repeat_step(ctx)
    if ctx.conv.at(Joining.announcements):
        return ask_announcements(ctx)
    if ctx.conv.at(Joining.public_name):
        return ask_public_name(ctx)
    if not ctx.conv.at(Joining.name):
        return resume(ctx, member)
    if ctx.message.payload:
        return ask_name(ctx)
    problem = typed_name_problem(ctx.text)
    if problem:
        return ask_name(ctx, problem)
    return ask_name_confirm(ctx, clean(ctx.text))


@router.button(Group)
def on_group(ctx: Context, data: Group) -> list[OutgoingMessage]:
    if ctx.member is None or not ctx.conv.at(Joining.group):
        return _not_now(ctx)
    ctx.member.worker_group = data.group
    return resume(ctx, ctx.member)


@router.button(Leader)
def on_leader(ctx: Context, data: Leader) -> list[OutgoingMessage]:
    if ctx.member is None or not ctx.conv.at(Joining.leader):
        return _not_now(ctx)
    ctx.member.holds_leadership_post = data.leader
    return resume(ctx, ctx.member)


@router.button(Language)
def on_language(ctx: Context, data: Language) -> list[OutgoingMessage]:
    if ctx.member is None or not ctx.conv.at(Joining.language):
        return _not_now(ctx)
    locale = ctx.catalogs.resolve(data.locale)
    ctx.member.locale = locale
    ctx.use_locale(locale)
    return finish(ctx, ctx.member)


def _agree(ctx: Context) -> list[OutgoingMessage]:
    try:
        member = service.join_unit(
            ctx.session,
            identity=ctx.identity,
            code=_state(ctx).code,
            locale=ctx.locale,
            now=ctx.now,
        )
    except DomainError as err:
        return ask_code(ctx, _invite_error(ctx, err.code))
    ctx.member = member
    return ask_announcements(ctx)


def _decline(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.end()
    return [
        reply(
            ctx.t.gettext(
                "Understood. Nothing about you has been kept. If you change your mind, send /start."
            )
        )
    ]
