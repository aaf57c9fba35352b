"""Issue a sign-in code to an officer (in chat) and spend it once (on the web)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from core.errors import DomainError, Forbidden, NotFound, TooManyAttempts
from core.members import service as members
from core.websignin import rules
from core.websignin.models import WebSigninCode


def issue(session: Session, *, member_id: int, now: datetime) -> str:
    """A new code for an officer, shown once; only its hash is stored."""
    if not members.officer_units(session, member_id=member_id):
        raise Forbidden("not_an_officer")
    live = session.exec(
        select(WebSigninCode.code_hash)
        .where(WebSigninCode.member_id == member_id, col(WebSigninCode.used_at).is_(None))
        .order_by(col(WebSigninCode.created_at).desc())
    ).all()
    stale = list(live[rules.MAX_LIVE - 1 :])
    session.execute(
        delete(WebSigninCode).where(
            (col(WebSigninCode.expires_at) <= now) | col(WebSigninCode.code_hash).in_(stale)
        )
    )
    code = rules.new_code()
    session.add(
        WebSigninCode(
            code_hash=rules.code_hash(code),
            member_id=member_id,
            expires_at=now + rules.TTL,
            created_at=now,
        )
    )
    session.flush()
    return rules.display(code)


Blocked = Callable[[int], datetime | None]


def never_blocked(_member_id: int) -> datetime | None:
    return None


def redeem(
    session: Session,
    *,
    code: str,
    now: datetime,
    client_blocked_since: datetime | None = None,
    officer_blocked_since: Blocked = never_blocked,
) -> int:
    """Spend a code: the officer's member id. Refused when malformed, unknown, used, expired,
    or when its holder is no longer an officer. While the client is blocked by the throttle
    (since the given time), or the code's officer is, only a code asked for after the block
    began is checked: any other is refused as "throttled", known or not."""
    row = session.get(WebSigninCode, rules.code_hash(code)) if rules.well_formed(code) else None
    if client_blocked_since is not None and (row is None or row.created_at <= client_blocked_since):
        raise TooManyAttempts("signin_throttled")
    if row is None:
        raise NotFound("signin_code_unknown")
    officer_since = officer_blocked_since(row.member_id)
    if officer_since is not None and row.created_at <= officer_since:
        raise TooManyAttempts("signin_officer_throttled")
    why = rules.problem(expires_at=row.expires_at, used_at=row.used_at, now=now)
    if why:
        raise DomainError(why)
    spent = session.execute(
        update(WebSigninCode)
        .where(
            col(WebSigninCode.code_hash) == row.code_hash,
            col(WebSigninCode.used_at).is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("signin_code_used")
    if not members.officer_units(session, member_id=row.member_id):
        raise Forbidden("not_an_officer")
    return row.member_id


def holder(session: Session, *, code: str) -> int | None:
    """The officer a code was given to (used or expired too), or None for a code never given."""
    if not rules.well_formed(code):
        return None
    row = session.get(WebSigninCode, rules.code_hash(code))
    return row.member_id if row is not None else None
