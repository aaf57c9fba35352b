"""Issue a sign-in code to an officer (in chat) and spend it once (on the web)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from core.errors import DomainError, Forbidden, NotFound
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


def redeem(session: Session, *, code: str, now: datetime) -> int:
    """Spend a code: the officer's member id. Refused when malformed, unknown, used, expired,
    or when its holder is no longer an officer."""
    if not rules.well_formed(code):
        raise NotFound("signin_code_unknown")
    row = session.get(WebSigninCode, rules.code_hash(code))
    if row is None:
        raise NotFound("signin_code_unknown")
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
