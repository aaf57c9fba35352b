"""Desk sessions stored on the server: opened by a sign-in code, resolved on every request,
ended by sign-out, by the end of the officer's last role, by /forget, or by their expiry.

The cookie holds a random token of 256 bits; the table holds its SHA-256 only. A stolen
cookie stops working the moment its session is ended, whatever its signature says."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.websignin import service as codes
from core.websignin.models import WebSession

SEEN_EVERY = timedelta(minutes=5)  # `last_seen_at` is written at most this often


@dataclass(frozen=True)
class Opened:
    token: str  # for the cookie only: never stored, never logged
    member_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    session: Session,
    *,
    code: str,
    now: datetime,
    lifetime: timedelta,
    client_blocked_since: datetime | None = None,
    officer_blocked_since: codes.Blocked = codes.never_blocked,
) -> Opened:
    """Spend a sign-in code and open a session for its officer, in one transaction (the
    throttle's blocks as `codes.redeem` takes them)."""
    member_id = codes.redeem(
        session,
        code=code,
        now=now,
        client_blocked_since=client_blocked_since,
        officer_blocked_since=officer_blocked_since,
    )
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(token),
            member_id=member_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return Opened(token, member_id)


def _live(session: Session, token: str, now: datetime) -> WebSession | None:
    row = session.get(WebSession, token_hash(token))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    return row


def resolve(session: Session, *, token: str, now: datetime) -> int | None:
    """The officer whose live session this token opens, or None (unknown, ended, expired)."""
    row = _live(session, token, now)
    if row is None:
        return None
    if now - row.last_seen_at >= SEEN_EVERY:
        row.last_seen_at = now
        session.flush()
    return row.member_id


def end(session: Session, *, token: str, now: datetime) -> None:
    """Sign-out: this session ends (an unknown or ended one: nothing to do)."""
    row = _live(session, token, now)
    if row is not None:
        row.ended_at = now
        session.flush()


def end_all(session: Session, *, member_id: int, now: datetime, keep: str | None = None) -> int:
    """Every session of the officer not ended yet ends (but the one of `keep`'s token): how
    many."""
    query = update(WebSession).where(
        col(WebSession.member_id) == member_id, col(WebSession.ended_at).is_(None)
    )
    if keep is not None:
        query = query.where(col(WebSession.token_hash) != token_hash(keep))
    done = session.execute(query.values(ended_at=now).execution_options(synchronize_session=False))
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def end_one(session: Session, *, member_id: int, ref: str, now: datetime) -> bool:
    """The officer ends one of their own sessions, named by `ref` (the start of its hash, as
    listed); another officer's session is not found."""
    for row in listed(session, member_id=member_id, now=now):
        if row.token_hash.startswith(ref) and len(ref) >= 12:
            row.ended_at = now
            session.flush()
            return True
    return False


def listed(session: Session, *, member_id: int, now: datetime) -> list[WebSession]:
    """The officer's live sessions, the latest first."""
    return list(
        session.exec(
            select(WebSession)
            .where(
                WebSession.member_id == member_id,
                col(WebSession.ended_at).is_(None),
                col(WebSession.expires_at) > now,
            )
            .order_by(col(WebSession.created_at).desc())
        )
    )


def live(session: Session, *, now: datetime) -> list[WebSession]:
    """Every officer's live sessions (for the operator's `thidua officer list`)."""
    return list(
        session.exec(
            select(WebSession)
            .where(col(WebSession.ended_at).is_(None), col(WebSession.expires_at) > now)
            .order_by(col(WebSession.member_id), col(WebSession.created_at))
        )
    )


def ref_of(row: WebSession) -> str:
    """How a session is named on the page that lists them: not its token, and not enough of
    its hash to find the token."""
    return row.token_hash[:16]
