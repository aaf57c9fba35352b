"""Digest messages: weekly to members (their rank and their union's), monthly to officers
(their subtree's month). Written to the outbox as proactive rows, so the delivery claim holds
them during quiet hours; only members with the announcements consent (not /stop) get them, on
one messenger chosen as for broadcasts; one dedupe key per person and period, so a job run
twice (two instances, a restart) sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core import outbox
from core.broadcasts.rules import Contact, choose_contact
from core.delivery_policy import DeliveryPolicy
from core.dispatch import button, reply
from core.i18n import Catalogs, Translator
from core.leaderboards import service
from core.members.buttons import Menu, MenuItem
from core.members.models import Consent, ConsentPurpose, Identity, Member, OfficerRole, UnionUnit
from core.messages import OutgoingMessage
from core.points.models import MemberScore, UnitScore
from core.points.rules import month_scope, week_scope, week_start
from core.storage.models import OutboxMessage

BATCH = 500


def week_label(t: Translator, scope: str) -> str:
    """A week as people read it: "30/11/2026 – 06/12/2026", never "2026-W49"."""
    monday = week_start(scope)
    return f"{t.date(monday)} – {t.date(monday + timedelta(days=6))}"


def last_week(now: datetime, tz: str) -> str:
    return week_scope(now - timedelta(days=7), tz)


def last_month(now: datetime, tz: str) -> str:
    local = now.astimezone(ZoneInfo(tz))
    return month_scope(local.replace(day=1) - timedelta(days=1), tz)


def _identity_for(
    session: Session, member: Member, policy: DeliveryPolicy, now: datetime
) -> Identity | None:
    identities = session.exec(select(Identity).where(Identity.member_id == member.id)).all()
    consented = (
        session.exec(
            select(Consent.id).where(
                Consent.member_id == member.id,
                Consent.purpose == ConsentPurpose.ANNOUNCEMENTS,
                col(Consent.withdrawn_at).is_(None),
            )
        ).first()
        is not None
    )
    choice = choose_contact(
        [
            Contact(i.id, i.platform, i.last_inbound_at, i.blocked_at is not None)  # type: ignore[arg-type]
            for i in identities
        ],
        preferred=member.preferred_platform,
        consented=consented,
        policy=policy,
        now=now,
    )
    if choice.contact is None:
        return None
    return session.get(Identity, choice.contact.identity_id)


def _send(
    session: Session, identity: Identity, message: OutgoingMessage, key: str, now: datetime
) -> int:
    rows = outbox.enqueue(
        session, identity=identity, messages=[message], dedupe_prefix=key, now=now, proactive=True
    )
    return len(rows)


def _already(session: Session, key: str) -> bool:
    return (
        session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == f"{key}:0")).first()
        is not None
    )


def weekly_text(
    t: Translator,
    *,
    week: str,
    points: int,
    rank: int,
    out_of: int,
    unit: tuple[str, int, int] | None,
) -> OutgoingMessage:
    _ = t.gettext
    lines = [
        _(
            "Last week ({week}) you earned {points} points and ranked {rank} of {total}.",
            week=week_label(t, week),
            points=t.number(points),
            rank=t.number(rank),
            total=t.number(out_of),
        )
    ]
    if unit is not None:
        name, unit_rank, units = unit
        lines.append(
            _(
                "{unit} ranked {rank} of {total} grassroots unions by points per member.",
                unit=name,
                rank=unit_rank,
                total=units,
            )
        )
    lines.append(_("Keep it up this week! Send /stop if you no longer want these messages."))
    return reply(
        "\n".join(lines),
        button(_("Leaderboard"), Menu(MenuItem.LEADERBOARD)),
        button(_("Quiz"), Menu(MenuItem.QUIZ)),
    )


def weekly_batch(
    session: Session,
    *,
    scope: str,
    after_member_id: int,
    policy: DeliveryPolicy,
    catalogs: Catalogs,
    now: datetime,
    unit_ranks: dict[int, tuple[str, int, int]],
    limit: int = BATCH,
) -> tuple[int, int | None]:
    """Messages for the next `limit` members who took part in `scope`; returns how many were
    queued and the last member id seen (None when done)."""
    scores: Sequence[MemberScore] = session.exec(
        select(MemberScore)
        .where(MemberScore.scope == scope, col(MemberScore.member_id) > after_member_id)
        .order_by(col(MemberScore.member_id))
        .limit(limit)
    ).all()
    if not scores:
        return 0, None
    out_of = service.participants(session, scope=scope)
    queued = 0
    for score in scores:
        key = f"digest:{scope}:m{score.member_id}"
        member = session.get(Member, score.member_id)
        if member is None or member.onboarded_at is None or _already(session, key):
            continue
        identity = _identity_for(session, member, policy, now)
        if identity is None:
            continue
        rank = service.rank_of(
            session,
            scope=scope,
            points=score.points,
            reached_at=score.reached_at,
            member_id=score.member_id,
        )
        t = catalogs.translator(member.locale, policy.timezone)
        message = weekly_text(
            t,
            week=scope,
            points=score.points,
            rank=rank,
            out_of=out_of,
            unit=unit_ranks.get(member.unit_id),
        )
        queued += _send(session, identity, message, key, now)
    return queued, scores[-1].member_id


def unit_ranks(session: Session, *, scope: str) -> dict[int, tuple[str, int, int]]:
    board = service.unit_board(session, scope=scope, measure="per_member")
    return {e.row.unit_id: (e.row.name, e.rank, len(board)) for e in board}


def monthly_text(
    t: Translator, *, month: str, unit: UnionUnit, session: Session, scope: str
) -> OutgoingMessage:
    _ = t.gettext
    rows = session.exec(
        select(UnitScore)
        .join(UnionUnit, col(UnionUnit.id) == UnitScore.unit_id)
        .where(UnitScore.scope == scope, col(UnionUnit.path).startswith(unit.path))
    ).all()
    participants = sum(r.participants for r in rows)
    points = sum(r.points for r in rows)
    lines = [
        _("Summary of {month} for {unit}", month=month.split(":", 1)[1], unit=unit.name),
        _(
            "{participants} members took part and earned {points} points.",
            participants=t.number(participants),
            points=t.number(points),
        ),
    ]
    top_units = service.unit_board(session, scope=scope, measure="per_member", within=unit)[:3]
    if top_units:
        lines.append(_("Leading grassroots unions (points per member):"))
        lines += [
            f"{e.rank}. {e.row.name} – {t.number(round(float(e.value), 1))}" for e in top_units
        ]
    top_people = service.top_members(session, scope=scope, limit=3, within=unit)
    if top_people:
        lines.append(_("Leading members:"))
        lines += [f"{r.rank}. {r.name} – {t.number(r.points)}" for r in top_people]
    if not rows:
        lines.append(_("Nobody earned points this month: a quiz is a quick way to start."))
    return reply("\n".join(lines), button(_("Leaderboard"), Menu(MenuItem.LEADERBOARD)))


def monthly_batch(
    session: Session,
    *,
    scope: str,
    after_role_id: int,
    policy: DeliveryPolicy,
    catalogs: Catalogs,
    now: datetime,
    limit: int = BATCH,
) -> tuple[int, int | None]:
    roles = session.exec(
        select(OfficerRole)
        .where(col(OfficerRole.id) > after_role_id)
        .order_by(col(OfficerRole.id))
        .limit(limit)
    ).all()
    if not roles:
        return 0, None
    queued = 0
    for role in roles:
        key = f"digest:{scope}:o{role.member_id}:u{role.unit_id}"
        member = session.get(Member, role.member_id)
        unit = session.get(UnionUnit, role.unit_id)
        if member is None or unit is None or _already(session, key):
            continue
        identity = _identity_for(session, member, policy, now)
        if identity is None:
            continue
        t = catalogs.translator(member.locale, policy.timezone)
        message = monthly_text(t, month=scope, unit=unit, session=session, scope=scope)
        queued += _send(session, identity, message, key, now)
    return queued, roles[-1].id
