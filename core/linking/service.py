"""One-time codes: issued for one purpose, stored as a hash, spent once, expiring."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from core.errors import DomainError
from core.linking.models import CodeFailure, CodePurpose, OneTimeCode
from core.members import service as members
from core.members.models import Identity, Member, OfficerRole, OfficerRoleKind, UnionUnit

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 10  # 50 bits: with 5 tries an hour per identity, guessing is hopeless
LINK_TTL = timedelta(minutes=15)
CLAIM_TTL = timedelta(days=30)
OFFICER_TTL = timedelta(days=7)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)


def normalise(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def issue(
    session: Session,
    *,
    purpose: CodePurpose,
    now: datetime,
    member_id: int | None = None,
    unit_id: int | None = None,
    ttl: timedelta | None = None,
) -> str:
    if purpose in (CodePurpose.LINK, CodePurpose.CLAIM) and member_id is None:
        raise DomainError("code_needs_member")
    if purpose == CodePurpose.OFFICER and unit_id is None:
        raise DomainError("code_needs_unit")
    if ttl is None:
        ttl = {CodePurpose.LINK: LINK_TTL, CodePurpose.CLAIM: CLAIM_TTL}.get(purpose, OFFICER_TTL)
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    session.add(
        OneTimeCode(
            code_hash=_hash(code),
            purpose=purpose,
            member_id=member_id,
            unit_id=unit_id,
            expires_at=now + ttl,
            created_at=now,
        )
    )
    session.flush()
    return display(code)


def find(session: Session, *, text: str) -> OneTimeCode | None:
    """The code's row, used or not, without spending it (to check what it is for first)."""
    if len(normalise(text)) != LENGTH:
        return None
    return session.get(OneTimeCode, _hash(text))


def _fail(session: Session, identity: Identity, now: datetime, code: str) -> DomainError:
    session.add(CodeFailure(identity_id=identity.id, at=now))  # type: ignore[arg-type]
    session.flush()
    return DomainError(code)


def spend(
    session: Session,
    *,
    identity: Identity,
    text: str,
    purposes: tuple[CodePurpose, ...],
    now: datetime,
) -> OneTimeCode:
    """Spend a code sent from `identity`: refused when unknown, expired, used, of another
    purpose, or after too many wrong codes from this identity within the hour."""
    failures = session.exec(
        select(func.count())
        .select_from(CodeFailure)
        .where(CodeFailure.identity_id == identity.id, col(CodeFailure.at) > now - FAILURE_WINDOW)
    ).one()
    if failures >= MAX_FAILURES:
        raise DomainError("code_too_many_tries")
    if len(normalise(text)) != LENGTH:
        raise _fail(session, identity, now, "code_unknown")
    row = session.get(OneTimeCode, _hash(text))
    if row is None or row.purpose not in purposes:
        raise _fail(session, identity, now, "code_unknown")
    if row.used_at is not None:
        raise _fail(session, identity, now, "code_used")
    if row.expires_at <= now:
        raise _fail(session, identity, now, "code_expired")
    spent = session.execute(
        update(OneTimeCode)
        .where(col(OneTimeCode.code_hash) == row.code_hash, col(OneTimeCode.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("code_used")
    return row


def link_identity(session: Session, *, identity: Identity, text: str, now: datetime) -> Member:
    """`/link CODE` (or a claim code) on the new messenger: this identity joins the member who
    asked for the code. Refused when this messenger already belongs to someone else."""
    row = spend(
        session,
        identity=identity,
        text=text,
        purposes=(CodePurpose.LINK, CodePurpose.CLAIM),
        now=now,
    )
    member = session.get(Member, row.member_id)
    if member is None:
        raise DomainError("code_unknown")
    if identity.member_id == member.id:
        raise DomainError("already_linked")
    if identity.member_id is not None:
        raise DomainError("identity_taken")
    identity.member_id = member.id
    member.preferred_platform = member.preferred_platform or identity.platform
    if member.onboarded_at is None:
        member.onboarded_at = now
    session.flush()
    return member


def redeem_officer(
    session: Session, *, identity: Identity, member: Member, text: str, now: datetime
) -> UnionUnit:
    row = spend(session, identity=identity, text=text, purposes=(CodePurpose.OFFICER,), now=now)
    unit = session.get(UnionUnit, row.unit_id)
    if unit is None:
        raise DomainError("code_unknown")
    has = session.exec(
        select(OfficerRole).where(
            OfficerRole.member_id == member.id, OfficerRole.unit_id == unit.id
        )
    ).first()
    if has is None:
        members.grant_officer(session, member=member, unit=unit, role=OfficerRoleKind.OFFICER)
    return unit
