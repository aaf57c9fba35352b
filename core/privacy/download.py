"""The one-time link of /mydata's file: a random token of 256 bits, valid an hour, spent by one
download. Only its SHA-256 is kept (`one_time_code`, purpose `mydata`); /forget deletes it
with the member's other codes and the purge removes it a day after it was used or expired.

Opening the link shows a page with the download buttons and spends nothing (a messenger that
fetches a preview of the link does not use it up); the download itself spends it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from core.errors import DomainError, NotFound
from core.linking.models import CodePurpose, OneTimeCode

TTL = timedelta(hours=1)
PATH = "/mydata/"  # under THIDUA_PUBLIC_URL


def _hash(token: str) -> str:
    return hashlib.sha256(("mydata:" + token).encode()).hexdigest()


def issue(session: Session, *, member_id: int, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        OneTimeCode(
            code_hash=_hash(token),
            purpose=CodePurpose.MYDATA,
            member_id=member_id,
            expires_at=now + TTL,
            created_at=now,
        )
    )
    session.flush()
    return token


def holder(session: Session, *, token: str, now: datetime) -> int:
    """The member whose data the link opens; refused when unknown, used or expired."""
    row = session.get(OneTimeCode, _hash(token[:64]))
    if row is None or row.purpose != CodePurpose.MYDATA or row.member_id is None:
        raise NotFound("mydata_link_unknown")
    if row.used_at is not None or row.expires_at <= now:
        raise DomainError("mydata_link_spent")
    return row.member_id


def spend(session: Session, *, token: str, now: datetime) -> int:
    """Use the link up: the member whose data is downloaded now (once, whoever comes second
    is refused)."""
    member_id = holder(session, token=token, now=now)
    spent = session.execute(
        update(OneTimeCode)
        .where(col(OneTimeCode.code_hash) == _hash(token[:64]), col(OneTimeCode.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("mydata_link_spent")
    return member_id
