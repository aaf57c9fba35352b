"""Pure rules of sign-in codes: how they look, how they are compared, when they are spent."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
LENGTH = 12  # 60 bits: guessing one of the few live codes within their minutes is hopeless
TTL = timedelta(minutes=10)
MAX_LIVE = 5  # unspent codes per officer; asking again retires the oldest


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


def display(code: str) -> str:
    """ABCD-EFGH-JKLM: groups of four are easier to copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def well_formed(text: str) -> bool:
    code = normalise(text)
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def problem(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> str | None:
    if used_at is not None:
        return "signin_code_used"
    if expires_at <= now:
        return "signin_code_expired"
    return None
