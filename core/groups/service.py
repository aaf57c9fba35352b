"""Linking a group chat to a union unit, and what happens to it afterwards.

An officer gets a one-time code for a unit in their scope (`issue_code`: in private chat or on
the desk) and sends it in the group; the group is then linked (`link`). The bot removed from
the group unlinks it (`removed`); a group that moved to a new id (a Telegram group upgraded
to a supergroup) keeps its link (`moved`). Officers list and unlink the groups of their units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import false, or_, update
from sqlmodel import Session, col, select

from core.errors import DomainError, Forbidden, NotFound
from core.groups.models import GroupChat, Unlinked
from core.linking import service as codes
from core.linking.models import CodePurpose
from core.members import service as members
from core.members.models import Identity, Member, UnionUnit
from core.storage.models import OutboxMessage, OutboxStatus

CODE_TTL = timedelta(minutes=30)


class Scope(Protocol):
    """Who acts, and on which units (core.campaigns.Actor: an officer, or the operator)."""

    member_id: int | None

    def require_unit(self, session: Session, unit_id: int) -> UnionUnit: ...

    def unit_filter(self, session: Session) -> Any: ...


@dataclass(frozen=True)
class Officer:
    """An officer acting from a chat: their roles give the units."""

    member_id: int

    def require_unit(self, session: Session, unit_id: int) -> UnionUnit:
        return members.require_scope(session, member_id=self.member_id, unit_id=unit_id)

    def unit_filter(self, session: Session) -> Any:
        roots = members.officer_units(session, member_id=self.member_id)
        return or_(*(members.subtree_filter(r) for r in roots)) if roots else false()


def issue_code(session: Session, *, actor: Scope, unit_id: int, now: datetime) -> str:
    """A one-time code that links the group it is sent in to this unit (30 minutes)."""
    unit = actor.require_unit(session, unit_id)
    return codes.issue(
        session,
        purpose=CodePurpose.GROUP,
        member_id=actor.member_id,
        unit_id=unit.id,
        now=now,
        ttl=CODE_TTL,
    )


def find_identity(session: Session, *, platform: str, chat_id: str) -> Identity | None:
    return session.exec(
        select(Identity).where(Identity.platform == platform, Identity.platform_user_id == chat_id)
    ).first()


def group_of(session: Session, identity: Identity | None) -> GroupChat | None:
    if identity is None:
        return None
    return session.exec(select(GroupChat).where(GroupChat.identity_id == identity.id)).first()


def _officer(session: Session, *, platform: str, author_id: str | None) -> tuple[Identity, Member]:
    """Who sent the code, if they are an officer known on this messenger."""
    author = find_identity(session, platform=platform, chat_id=author_id) if author_id else None
    member = session.get(Member, author.member_id) if author and author.member_id else None
    if author is None or member is None or member.forgotten_at is not None:
        raise Forbidden("group_not_officer")
    if not members.officer_units(session, member_id=member.id):  # type: ignore[arg-type]
        raise Forbidden("group_not_officer")
    return author, member


def link(
    session: Session,
    *,
    group: Identity,
    title: str,
    author_id: str | None,
    code: str,
    now: datetime,
) -> tuple[GroupChat, UnionUnit]:
    """Link the group `group` (its identity) with a code sent in it by `author_id`.

    Refused (Forbidden) when the author is not an officer, the code is for a unit outside
    their scope, or the group is linked to a unit outside it (the code is then not spent);
    DomainError for a code unknown, used, expired, or after too many wrong codes from the
    author."""
    author, member = _officer(session, platform=group.platform, author_id=author_id)
    found = codes.find(session, text=code)
    if found is not None and found.purpose == CodePurpose.GROUP and found.unit_id is not None:
        try:
            members.require_scope(session, member_id=member.id, unit_id=found.unit_id)  # type: ignore[arg-type]
        except (Forbidden, NotFound) as exc:
            raise Forbidden("group_other_unit") from exc
    chat = group_of(session, group)
    if chat is not None and chat.unlinked_at is None:
        try:  # a linked group moves only in the hands of an officer of the unit it serves
            members.require_scope(session, member_id=member.id, unit_id=chat.unit_id)  # type: ignore[arg-type]
        except (Forbidden, NotFound) as exc:
            raise Forbidden("group_linked_elsewhere") from exc
    row = codes.spend(session, identity=author, text=code, purposes=(CodePurpose.GROUP,), now=now)
    unit = session.get(UnionUnit, row.unit_id)
    if unit is None:
        raise DomainError("code_unknown")
    if chat is None:
        chat = GroupChat(platform=group.platform, identity_id=group.id, unit_id=unit.id)  # type: ignore[arg-type]
        session.add(chat)
    chat.unit_id, chat.title = unit.id, title[:200] or chat.title  # type: ignore[assignment]
    chat.linked_by, chat.linked_at = member.id, now
    chat.unlinked_at, chat.unlink_reason = None, None
    if chat.invite_code is None:
        chat.invite_code = members.create_invite(session, unit=unit).code
    group.blocked_at = None
    session.flush()
    return chat, unit


def removed(session: Session, *, platform: str, chat_id: str, now: datetime) -> GroupChat | None:
    """The bot left or was removed: the group is unlinked and nothing more is posted there.
    Returns the group when it was linked until now (its officer is then told)."""
    identity = find_identity(session, platform=platform, chat_id=chat_id)
    if identity is None:
        return None
    identity.blocked_at = now
    _cancel_unsent(session, identity.id, "the bot was removed from the group")  # type: ignore[arg-type]
    chat = group_of(session, identity)
    if chat is None or chat.unlinked_at is not None:
        session.flush()
        return None
    chat.unlinked_at, chat.unlink_reason = now, Unlinked.REMOVED
    session.flush()
    return chat


def linker_contact(session: Session, chat: GroupChat) -> tuple[Identity, Member] | None:
    """The officer who linked the group, on the group's messenger (where they sent the code),
    unless they left or blocked the bot there."""
    member = session.get(Member, chat.linked_by) if chat.linked_by else None
    if member is None or member.forgotten_at is not None:
        return None
    identity = session.exec(
        select(Identity).where(
            Identity.member_id == member.id,
            Identity.platform == chat.platform,
            col(Identity.blocked_at).is_(None),
        )
    ).first()
    return (identity, member) if identity is not None else None


def moved(session: Session, *, platform: str, old_id: str, new_id: str, title: str) -> None:
    """The group now lives at `new_id` (a supergroup): its identity follows, and what was
    queued for the old id goes to the new one. Harmless when it already moved (the second
    of Telegram's two service messages, or a send that was told first)."""
    old = find_identity(session, platform=platform, chat_id=old_id)
    new = find_identity(session, platform=platform, chat_id=new_id)
    if old is None:
        return
    if new is None:
        old.platform_user_id = new_id
    else:  # the new id wrote first: keep that identity, move the old one's link and rows
        session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.identity_id) == old.id)
            .values(identity_id=new.id)
        )
        chat = group_of(session, old)
        if chat is not None and group_of(session, new) is None:
            chat.identity_id = new.id  # type: ignore[assignment]
            session.flush()
        session.delete(old)
    chat = group_of(session, new or old)
    if chat is not None and title:
        chat.title = title[:200]
    session.flush()


def _cancel_unsent(session: Session, identity_id: int, why: str) -> None:
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.identity_id) == identity_id,
            col(OutboxMessage.status).in_((OutboxStatus.PENDING, OutboxStatus.HELD)),
        )
        .values(status=OutboxStatus.CANCELLED, last_error=why)
    )


# --- officers: the groups of their units ------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    id: int
    platform: str
    title: str
    unit_id: int
    unit_name: str
    linked_at: datetime
    unlinked_at: datetime | None
    unlink_reason: str | None
    can_post: bool  # linked, and the bot is still in the group

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "platform": self.platform,
            "title": self.title,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "linked_at": self.linked_at.isoformat(),
            "unlinked_at": self.unlinked_at.isoformat() if self.unlinked_at else None,
            "unlink_reason": self.unlink_reason,
            "can_post": self.can_post,
        }


def in_scope(session: Session, *, actor: Scope, limit: int = 500) -> list[GroupRow]:
    """Every group ever linked to a unit in the officer's scope, newest link first."""
    rows = session.exec(
        select(GroupChat, UnionUnit, Identity)
        .join(UnionUnit, col(UnionUnit.id) == GroupChat.unit_id)
        .join(Identity, col(Identity.id) == GroupChat.identity_id)
        .where(actor.unit_filter(session))
        .order_by(col(GroupChat.linked_at).desc(), col(GroupChat.id).desc())
        .limit(limit)
    ).all()
    return [
        GroupRow(
            id=chat.id,  # type: ignore[arg-type]
            platform=chat.platform,
            title=chat.title,
            unit_id=unit.id,  # type: ignore[arg-type]
            unit_name=unit.name,
            linked_at=chat.linked_at,
            unlinked_at=chat.unlinked_at,
            unlink_reason=chat.unlink_reason,
            can_post=chat.unlinked_at is None and identity.blocked_at is None,
        )
        for chat, unit, identity in rows
    ]


def unlink(session: Session, *, actor: Scope, group_id: int, now: datetime) -> GroupChat:
    """An officer stops the posts in a group of their scope (the bot stays in it)."""
    chat = session.get(GroupChat, group_id)
    if chat is None:
        raise NotFound("group_unknown")
    actor.require_unit(session, chat.unit_id)
    if chat.unlinked_at is None:
        chat.unlinked_at, chat.unlink_reason = now, Unlinked.OFFICER
        _cancel_unsent(session, chat.identity_id, "the group was unlinked")
    session.flush()
    return chat
