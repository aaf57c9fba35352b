"""Keys the product uses for itself: the operator's from the settings, or one generated once
and kept in the database (shared by every instance) when the operator gave none."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session

from core.clock import utcnow
from core.storage.models import AppSecret
from core.storage.upsert import insert_for

PRIVACY_KEY = "privacy_key"


def privacy_key(session: Session, configured: bytes = b"") -> bytes:
    """The key of the privacy hashes: `configured` (THIDUA_PRIVACY_KEY) when given, otherwise
    the database's own, created by the first instance that needs it."""
    if configured:
        return configured
    row = session.get(AppSecret, PRIVACY_KEY)
    if row is None:
        session.execute(
            insert_for(session, AppSecret)
            .values(name=PRIVACY_KEY, value=secrets.token_hex(32), created_at=utcnow())
            .on_conflict_do_nothing()
        )
        row = session.get(AppSecret, PRIVACY_KEY)
        assert row is not None
    return bytes.fromhex(row.value)


def keyed_hash(key: bytes, *parts: object) -> str:
    """HMAC-SHA256 of the parts: the same input gives the same value, and without the key the
    value says nothing about the input (a guessed messenger id cannot be tested)."""
    message = "\x00".join(str(part) for part in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
