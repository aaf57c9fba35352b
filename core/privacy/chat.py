"""/mydata and /forget in the chat."""

from __future__ import annotations

from core.commendations.models import CommendationStatus
from core.dispatch import Context, Router, button, reply
from core.emulation import personal
from core.i18n import N_
from core.initiatives import people
from core.initiatives import texts as initiative_texts
from core.initiatives.notify import notifier
from core.members import consents
from core.members.buttons import ConsentChoice, Privacy, PrivacyAction
from core.members.menu import main_menu
from core.members.models import ConsentPurpose
from core.members.privacy import back, profile_lines
from core.members.steps import Forgetting
from core.messages import OutgoingMessage
from core.points.models import PointsSource
from core.privacy import download, mydata, sole_officer
from core.privacy.forget import forget_member
from core.storage.secrets import privacy_key

router = Router()

POINTS_SOURCES = {
    PointsSource.QUIZ_ANSWER: N_("Quiz answers"),
    PointsSource.INITIATIVE: N_("Accepted initiatives"),
    PointsSource.COMMENDATION: N_("Commendations"),
    PointsSource.PARTICIPATION: N_("Taking part in campaigns"),
}
COMMENDATION_STATUSES = {
    CommendationStatus.NOMINATED: N_("proposed, waiting for a decision"),
    CommendationStatus.APPROVED: N_("approved"),
    CommendationStatus.REJECTED: N_("not approved"),
}


def _purpose(ctx: Context, purpose: str) -> str:
    _ = ctx.t.gettext
    if purpose == ConsentPurpose.DATA_PROCESSING:
        return _("taking part in your union's campaigns")
    if purpose == ConsentPurpose.PUBLIC_NAME:
        return _("your name shown beyond your union")
    return _("receiving your union's announcements")


@router.command("consents", members_only=True)
def on_consents(ctx: Context) -> list[OutgoingMessage]:
    return _consents(ctx)


def _consents(ctx: Context, said: str | None = None) -> list[OutgoingMessage]:
    """Each purpose, given or not, with a button that changes that one only."""
    _ = ctx.t.gettext
    assert ctx.member is not None
    given = consents.active(ctx.session, member_id=ctx.member.id)  # type: ignore[arg-type]
    lines = [said, ""] if said else []
    lines.append(_("Your consents, one per purpose:"))
    buttons = []
    for purpose in ConsentPurpose:
        state = _("given") if purpose in given else _("not given")
        lines.append(f"• {_purpose(ctx, purpose)}: {state}")
        if purpose == ConsentPurpose.DATA_PROCESSING:
            continue
        label = _("Withdraw: {purpose}") if purpose in given else _("Give: {purpose}")
        buttons.append(
            button(
                label.format(purpose=_purpose(ctx, purpose)),
                ConsentChoice(purpose, agree=purpose not in given),
            )
        )
    lines.append(_("Taking part is what your membership rests on: to withdraw it, send /forget."))
    buttons.append(button(_("Main menu"), Privacy(PrivacyAction.MENU)))
    return [reply("\n".join(lines), *buttons)]


@router.button(ConsentChoice, members_only=True)
def on_consent_choice(ctx: Context, data: ConsentChoice) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    member_id = ctx.member.id  # type: ignore[union-attr]
    if data.purpose == ConsentPurpose.PUBLIC_NAME:
        changed = consents.set_consent(
            ctx.session,
            member_id=member_id,
            purpose=data.purpose,
            granted=data.agree,
            now=ctx.now,  # type: ignore[arg-type]
        )
        people.set_name_shown(ctx.session, member_id=member_id, show=data.agree, now=ctx.now)  # type: ignore[arg-type]
    elif data.purpose == ConsentPurpose.ANNOUNCEMENTS:
        changed = consents.set_consent(
            ctx.session,
            member_id=member_id,
            purpose=data.purpose,
            granted=data.agree,
            now=ctx.now,  # type: ignore[arg-type]
        )
    else:
        return _consents(ctx)
    return _consents(ctx, _("Saved.") if changed else _("That was already so."))


@router.command("mydata")
def on_mydata(ctx: Context) -> list[OutgoingMessage]:
    return _mydata(ctx)


@router.button(Privacy, action=PrivacyAction.MYDATA)
def on_mydata_button(ctx: Context, _data: Privacy) -> list[OutgoingMessage]:
    return _mydata(ctx)


def _mydata(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if ctx.member is None:
        return [
            reply(
                _(
                    "We keep nothing about you except the id this messenger gave us for this "
                    "chat, so that we can answer you."
                )
            )
        ]
    kept = mydata.gather(ctx.session, member_id=ctx.member.id)  # type: ignore[arg-type]
    # one message per part, so that no messenger cuts a long list in the middle
    parts = [[_("This is everything thidua keeps about you:"), *profile_lines(ctx)]]
    for section in (
        _consent_lines(ctx, kept),
        _points_lines(ctx, kept),
        _attempt_lines(ctx, kept),
        _initiative_lines(ctx, kept),
        _commendation_lines(ctx, kept),
        personal.pledge_lines(ctx.session, ctx.t, ctx.member.id),  # type: ignore[arg-type]
        personal.report_lines(ctx.session, ctx.t, ctx.member.id),  # type: ignore[arg-type]
    ):
        if section:
            parts.append(section[1:])  # without the blank line that separated it
    lines: list[str] = []
    lines.append(
        _(
            "The messages you send are deleted as soon as they have been answered; only their "
            "ids are kept for two days so that nothing is answered twice."
        )
    )
    lines.append(
        _(
            "If you send /forget while a quiz you took is still open, a code computed with a "
            "secret key from your messenger account is kept until the quiz closes. It does not "
            "name you and cannot be turned back into your account; it only lets the quiz count "
            "one attempt per person if you join again."
        )
    )
    lines.append(
        _(
            "Send /forget to erase your data. The union keeps its records of rewards and "
            "results, without your name."
        )
    )
    parts.append(lines)
    last = reply(
        "\n".join(parts.pop()),
        button(_("Get my data as a file"), Privacy(PrivacyAction.FILE)),
        button(_("Main menu"), Privacy(PrivacyAction.MENU)),
    )
    return [*(reply("\n".join(part)) for part in parts), last]


@router.button(Privacy, action=PrivacyAction.FILE)
def on_mydata_file(ctx: Context, _data: Privacy) -> list[OutgoingMessage]:
    """A one-time link to everything kept, as a spreadsheet or JSON: every messenger carries
    a link, and a browser downloads the file from it."""
    if ctx.member is None:
        return _mydata(ctx)
    token = download.issue(ctx.session, member_id=ctx.member.id, now=ctx.now)  # type: ignore[arg-type]
    link = f"{ctx.config.public_url}{download.PATH}{token}"
    text = ctx.t.gettext(
        "Your data as a file (a spreadsheet, or JSON for another service): open this link "
        "within an hour and download it once.\n{link}\nAnyone who has the link can open "
        "your data, so do not forward it. Send /mydata again for a new link.",
        link=link,
    )
    return [reply(text)]


def _section(ctx: Context, title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    shown = items[: mydata.LIMIT]
    more = len(items) - len(shown)
    tail = [ctx.t.gettext("… and {count} more", count=more)] if more else []
    return ["", title, *(f"• {line}" for line in shown), *tail]


def _consent_lines(ctx: Context, kept: mydata.MyData) -> list[str]:
    _ = ctx.t.gettext
    items = []
    for consent in kept.consents:
        line = _(
            "{purpose}: agreed on {date}",
            purpose=_purpose(ctx, consent.purpose),
            date=ctx.t.date(consent.granted_at),
        )
        if consent.wording:
            line += " " + _("(to the text of {version})", version=consent.wording)
        if consent.withdrawn_at is not None:
            line += "; " + _("withdrawn on {date}", date=ctx.t.date(consent.withdrawn_at))
        items.append(line)
    return _section(ctx, _("Your consents:"), items)


def _points_lines(ctx: Context, kept: mydata.MyData) -> list[str]:
    _ = ctx.t.gettext
    items = [
        _(
            "{source}: {points} points (entries: {count})",
            source=_(POINTS_SOURCES.get(p.source, p.source)),
            points=ctx.t.number(p.points),
            count=ctx.t.number(p.entries),
        )
        for p in kept.points
    ]
    return _section(ctx, _("Your points, by where they came from:"), items)


def _attempt_lines(ctx: Context, kept: mydata.MyData) -> list[str]:
    _ = ctx.t.gettext
    items = [
        _(
            "«{title}» on {date}: {score} points, {correct} correct answers",
            title=a.title,
            date=ctx.t.date(a.started_at),
            score=ctx.t.number(a.score),
            correct=ctx.t.number(a.correct),
        )
        for a in kept.attempts
    ]
    return _section(ctx, _("Your quiz attempts:"), items)


def _initiative_lines(ctx: Context, kept: mydata.MyData) -> list[str]:
    _ = ctx.t.gettext
    items = []
    for item in kept.initiatives:
        role = _("submitted") if item.submitter else _("co-author")
        line = f"{item.code} «{item.title}» ({role}): {initiative_texts.status(ctx.t, item.status)}"
        if item.share_vnd is not None:
            line += " – " + _(
                "your share {money} and {points} points",
                money=ctx.t.money(item.share_vnd),
                points=ctx.t.number(item.share_points or 0),
            )
        items.append(line)
    return _section(ctx, _("Your initiatives:"), items)


def _commendation_lines(ctx: Context, kept: mydata.MyData) -> list[str]:
    _ = ctx.t.gettext
    items = [
        _(
            "{kind} on {date} ({status}): {reason}",
            kind=_("Commended") if c.received else _("Proposed by you"),
            date=ctx.t.date(c.created_at),
            status=_(COMMENDATION_STATUSES.get(c.status, c.status)),
            reason=c.reason,
        )
        for c in kept.commendations
    ]
    return _section(ctx, _("Commendations:"), items)


@router.command("forget")
def on_forget(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if ctx.member is None:
        ctx.conv.end()
        return [reply(_("We keep nothing about you, so there is nothing to delete."))]
    ctx.conv.enter(Forgetting.confirm)
    return [
        reply(
            _(
                "If you go on, thidua erases your name and phone number, the link to every "
                "messenger you use with it, your messages and conversations, your unfinished "
                "drafts and your sign-in codes."
            )
            + "\n\n"
            + _(
                "Your union keeps its records of what you took part in: initiatives with the "
                "reward paid to each author, commendations, points and quiz results. They no "
                "longer carry your name and show \u201ca former member\u201d of your union "
                "instead, because they record rewards the union decided and paid."
            )
            + _sole_officer_warning(ctx)
            + "\n\n"
            + _("This cannot be undone. Erase your data?"),
            button(_("Yes, erase my data"), Privacy(PrivacyAction.FORGET)),
            button(_("No, keep my data"), Privacy(PrivacyAction.KEEP)),
        )
    ]


def _sole_officer_warning(ctx: Context) -> str:
    """For the only officer of a unit: the unit will have none, and the union above is told
    (when a unit above has officers: the top of the tree has nobody to tell)."""
    units = sole_officer.sole_units(ctx.session, member_id=ctx.member.id)  # type: ignore[union-attr, arg-type]
    if not units:
        return ""
    names = ", ".join(u.name for u in units)
    if any(sole_officer.officers_above(ctx.session, unit=u) for u in units):
        return "\n\n" + ctx.t.gettext(
            "You are the only officer of {units} on thidua. After this it has no officer until "
            "someone is given the role; the officers of the union above will be told.",
            units=names,
        )
    return "\n\n" + ctx.t.gettext(
        "You are the only officer of {units} on thidua. After this it has no officer until "
        "the server's operator gives the role to someone (thidua officer invite).",
        units=names,
    )


@router.button(Privacy, action=PrivacyAction.FORGET)
def on_forget_confirmed(ctx: Context, _data: Privacy) -> list[OutgoingMessage]:
    if not ctx.conv.at(Forgetting.confirm) or ctx.member is None:
        return back(ctx)
    member_id: int = ctx.member.id  # type: ignore[assignment]
    left_alone = sole_officer.sole_units(ctx.session, member_id=member_id)
    forget_member(
        ctx.session,
        member=ctx.member,
        keep_identity=ctx.identity,
        now=ctx.now,  # type: ignore[arg-type]
        key=privacy_key(ctx.session, ctx.config.privacy_key),
    )
    sole_officer.tell_above(
        ctx.session,
        notifier(ctx),
        units=left_alone,
        former_id=member_id,
        now=ctx.now,  # type: ignore[arg-type]
    )
    ctx.member = None
    ctx.conv.end()
    return [
        reply(
            ctx.t.gettext(
                "Your data has been erased. Your union's records of what you took part in "
                "stay, under \u201ca former member\u201d. Thank you for taking part. To join "
                "again, send /start."
            )
        )
    ]


@router.button(Privacy, action=PrivacyAction.KEEP)
def on_forget_refused(ctx: Context, _data: Privacy) -> list[OutgoingMessage]:
    if not ctx.conv.at(Forgetting.confirm):
        return back(ctx)
    return on_forget_step(ctx)


@router.step(Forgetting.confirm)
def on_forget_step(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.end()
    text = ctx.t.gettext("Nothing was deleted.")
    return [main_menu(ctx, text)] if ctx.onboarded else [reply(text)]
