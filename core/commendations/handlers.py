"""Commendations in chat: a member proposes a colleague or a team (never themselves), an
officer of the unit commends directly; the unit's officers approve or reject with buttons;
the people commended say whether the announcement may name them."""

from __future__ import annotations

from core import initiatives
from core.campaigns.scope import Actor
from core.commendations import service
from core.commendations.models import CommendationStatus
from core.dispatch import Context, Router, payload_arg, reply
from core.errors import DomainError, Forbidden, NotFound
from core.initiatives import notifier
from core.initiatives.problems import problem_text
from core.members import service as members
from core.members.menu import main_menu
from core.members.models import Member, UnionUnit
from core.messages import Button, OutgoingMessage

router = Router()
PROPOSE, REJECT = "commend", "commend_reject"
MAX_PEOPLE = 20


def _member(ctx: Context) -> Member:
    assert ctx.member is not None and ctx.member.id is not None
    return ctx.member


def _actor(ctx: Context) -> Actor:
    return Actor.officer(_member(ctx).id)  # type: ignore[arg-type]


def _say(text: str, *buttons: Button) -> list[OutgoingMessage]:
    return [reply(text, *buttons)]


def _cancel(ctx: Context) -> Button:
    return Button(ctx.t.gettext("Cancel"), "commend:cancel")


def _home(ctx: Context) -> UnionUnit:
    return initiatives.grassroots_of(ctx.session, _member(ctx).unit_id)


def _is_officer_of_home(ctx: Context) -> bool:
    try:
        _actor(ctx).require_unit(ctx.session, _home(ctx).id)  # type: ignore[arg-type]
    except DomainError:
        return False
    return True


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


def _names(ctx: Context, ids: list[int]) -> str:
    people = [ctx.session.get(Member, i) for i in ids]
    return ", ".join(p.full_name or "?" for p in people if p is not None)


@router.command("commend", "khenthuong", members_only=True)
def on_commend(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.start(PROPOSE, "who", ids=[])
    return _say(
        ctx.t.gettext(
            "Whom would you like to propose for a commendation? Type part of the name of a "
            "colleague of your union."
        ),
        _cancel(ctx),
    )


@router.flow(PROPOSE)
def on_propose_text(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    step = ctx.conv.step
    if step == "who":
        wanted = initiatives.rules.normalised(ctx.text)
        found = [
            m
            for m in initiatives.unit_members(ctx.session, unit=_home(ctx))
            if wanted and wanted in initiatives.rules.normalised(m.full_name or "")
        ][:6]
        if not found:
            return _say(
                _(
                    "No member of your union matches «{text}». Try another part of the name.",
                    text=ctx.text[:50],
                ),
                _cancel(ctx),
            )
        return _say(
            _("Tap the person:"),
            *(Button(m.full_name or "?", f"commend:pick:{m.id}") for m in found),
            _cancel(ctx),
        )
    if step == "team":
        try:
            name = initiatives.check_text(ctx.text.split("\n")[0], limit=120, code="team_name")
        except DomainError as err:
            return _say(problem_text(ctx.t, err), _cancel(ctx))
        ctx.conv.goto("reason", team=name)
        return _ask_reason(ctx)
    if step == "reason":
        try:
            reason = initiatives.check_text(ctx.text, limit=service.MAX_REASON, code="reason")
        except DomainError as err:
            return _say(problem_text(ctx.t, err), _cancel(ctx))
        ctx.conv.goto("adhoc", reason=reason)
        return _say(
            _(
                "Is it an ad-hoc commendation, for a deed that deserves recognition now rather "
                "than at the end of the period?"
            ),
            Button(_("Yes, ad-hoc"), "commend:adhoc:1"),
            Button(_("No"), "commend:adhoc:0"),
            _cancel(ctx),
        )
    return _say(_("Please use the buttons."), _cancel(ctx))


def _ask_reason(ctx: Context) -> list[OutgoingMessage]:
    return _say(
        ctx.t.gettext("Why do they deserve it? Describe what they did in a few sentences."),
        _cancel(ctx),
    )


def _pick(ctx: Context, arg: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    person_id = _int(arg)
    if ctx.conv.flow != PROPOSE or person_id is None:
        return on_commend(ctx)
    ids: list[int] = list(ctx.conv.data.get("ids", []))
    try:
        if person_id == _member(ctx).id:
            raise Forbidden("nominate_self")
        person = ctx.session.get(Member, person_id)
        if person is None or person.onboarded_at is None:
            raise NotFound("member_unknown")
        unit = ctx.session.get(UnionUnit, person.unit_id)
        if unit is None or not members.is_in_subtree(unit, _home(ctx)):
            raise Forbidden("nominee_other_unit")
    except DomainError as err:
        return _say(problem_text(ctx.t, err), _cancel(ctx))
    if person_id not in ids and len(ids) < MAX_PEOPLE:
        ids.append(person_id)
    ctx.conv.goto("who", ids=ids)
    return _say(
        _(
            "Proposed so far: {names}. To commend a team, type another name; otherwise tap "
            "«Continue».",
            names=_names(ctx, ids),
        ),
        Button(_("Continue"), "commend:next"),
        _cancel(ctx),
    )


def _next(ctx: Context) -> list[OutgoingMessage]:
    ids = list(ctx.conv.data.get("ids", []))
    if ctx.conv.flow != PROPOSE or not ids:
        return on_commend(ctx)
    if len(ids) > 1:
        ctx.conv.goto("team")
        return _say(
            ctx.t.gettext("What is the name of the team (for example «Tổ cơ khí 2»)?"),
            _cancel(ctx),
        )
    ctx.conv.goto("reason")
    return _ask_reason(ctx)


def _finish(ctx: Context, adhoc: bool) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    data = ctx.conv.data
    if ctx.conv.flow != PROPOSE or ctx.conv.step != "adhoc":
        return on_commend(ctx)
    officer = _is_officer_of_home(ctx)
    try:
        item = service.nominate(
            ctx.session,
            by=_member(ctx),
            member_ids=list(data.get("ids", [])),
            reason=str(data.get("reason", "")),
            team_name=data.get("team"),
            adhoc=adhoc,
            as_officer=officer,
            now=ctx.now,
            notifier=notifier(ctx),
        )
    except DomainError as err:
        ctx.conv.end()
        return [main_menu(ctx, problem_text(ctx.t, err))]
    ctx.conv.end()
    if officer:
        return _say(
            _(
                "Your commendation of {who} is recorded. Approve it now?",
                who=_names(ctx, list(data.get("ids", []))),
            ),
            Button(_("Approve"), f"commend:ok:{item.id}"),
            Button(_("Later"), "menu:main"),
        )
    return [
        main_menu(
            ctx,
            _(
                "Thank you! Your proposal was sent to the union officers. You will be told "
                "when they decide."
            ),
        )
    ]


def _approve(ctx: Context, arg: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    commendation_id = _int(arg)
    if commendation_id is None:
        return [main_menu(ctx)]
    try:
        item = service.approve(
            ctx.session,
            actor=_actor(ctx),
            commendation_id=commendation_id,
            notifier=notifier(ctx),
            now=ctx.now,
        )
    except DomainError as err:
        return _say(problem_text(ctx.t, err))
    people = service.commended(ctx.session, commendation_id=commendation_id)
    return _say(
        _(
            "Approved: {who}, {points} points each. The union has been told, naming only "
            "those who agreed.",
            who=service.who_text(ctx.t, item, people),
            points=ctx.t.number(item.points),
        )
    )


def _ask_reject(ctx: Context, arg: str) -> list[OutgoingMessage]:
    commendation_id = _int(arg)
    if commendation_id is None:
        return [main_menu(ctx)]
    try:
        item = service.get(ctx.session, actor=_actor(ctx), commendation_id=commendation_id)
    except DomainError as err:
        return _say(problem_text(ctx.t, err))
    if item.status != CommendationStatus.NOMINATED:
        return _say(problem_text(ctx.t, "already_decided"))
    ctx.conv.start(REJECT, "reason", id=commendation_id)
    return _say(
        ctx.t.gettext("Why is it not approved? The person who proposed it will see the reason."),
        _cancel(ctx),
    )


@router.flow(REJECT)
def on_reject_reason(ctx: Context) -> list[OutgoingMessage]:
    try:
        service.reject(
            ctx.session,
            actor=_actor(ctx),
            commendation_id=int(ctx.conv.data.get("id", 0)),
            reason=ctx.text,
            now=ctx.now,
            notifier=notifier(ctx),
        )
    except DomainError as err:
        if err.code in ("reason_empty", "reason_too_long"):
            return _say(problem_text(ctx.t, err), _cancel(ctx))
        ctx.conv.end()
        return _say(problem_text(ctx.t, err))
    ctx.conv.end()
    return _say(ctx.t.gettext("Not approved. The person who proposed it has been told why."))


def _pending(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    actor = _actor(ctx)
    if not actor.is_officer(ctx.session):
        return _say(problem_text(ctx.t, "not_an_officer"))
    waiting = service.in_scope(
        ctx.session, actor=actor, statuses=(CommendationStatus.NOMINATED,), limit=10
    )
    if not waiting:
        return _say(_("No proposal for a commendation is waiting."))
    out: list[OutgoingMessage] = []
    for item in waiting:
        people = service.commended(ctx.session, commendation_id=item.id)  # type: ignore[arg-type]
        by = ctx.session.get(Member, item.nominated_by) if item.nominated_by else None
        out += service.review_card(ctx.t, item, people, (by.full_name if by else None) or "?")
    return out


@router.command("commendations", members_only=True)
def on_pending(ctx: Context) -> list[OutgoingMessage]:
    return _pending(ctx)


@router.payload("commend", members_only=True)
def on_button(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    action, _sep, arg = payload_arg(ctx.message.payload or "").partition(":")
    if action in ("", "menu", "new"):
        return on_commend(ctx)
    if action == "cancel":
        ctx.conv.end()
        return [main_menu(ctx, _("Cancelled. Nothing was changed."))]
    if action == "pick":
        return _pick(ctx, arg)
    if action == "next":
        return _next(ctx)
    if action == "adhoc" and arg in ("0", "1"):
        return _finish(ctx, arg == "1")
    if action == "ok":
        return _approve(ctx, arg)
    if action == "no":
        return _ask_reject(ctx, arg)
    if action == "list":
        return _pending(ctx)
    if action == "name" and arg in ("0", "1"):
        initiatives.set_name_shown(
            ctx.session,
            member_id=_member(ctx).id,
            show=arg == "1",
            now=ctx.now,  # type: ignore[arg-type]
        )
        text = (
            _("Thank you. Announcements may say your name. Send /hidename to change this.")
            if arg == "1"
            else _("Understood: announcements will not name you. Send /showname to change this.")
        )
        return _say(text)
    return [main_menu(ctx, _("That button is no longer active."))]
