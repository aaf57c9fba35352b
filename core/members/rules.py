"""Pure rules about members: names, invite codes, unit paths."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from core.text import clean, has_letter

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud from a poster
INVITE_LENGTH = 8
NAME_MAX = 100
_NAME_OK = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$")


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def normalise_invite_code(text: str) -> str:
    """What people type from a poster: spaces, dashes, lower case; keep letters and digits."""
    return re.sub(r"[^A-Za-z0-9]", "", clean(text)).upper()


def looks_like_invite_code(text: str) -> bool:
    code = normalise_invite_code(text)
    return (
        len(code) == INVITE_LENGTH
        and all(ch in INVITE_ALPHABET for ch in code)
        and (len(clean(text)) <= INVITE_LENGTH + 4)
    )


def invite_problem(
    *,
    expires_at: datetime | None,
    max_uses: int | None,
    uses: int,
    revoked: bool,
    now: datetime,
) -> str | None:
    """Why an existing invite code cannot be used now, or None."""
    if revoked:
        return "invite_revoked"
    if expires_at is not None and expires_at <= now:
        return "invite_expired"
    if max_uses is not None and uses >= max_uses:
        return "invite_used_up"
    return None


def name_problem(raw: str) -> str | None:
    """Why a typed full name is not acceptable, or None. Names keep their diacritics."""
    name = clean(raw)
    if not name or not has_letter(name):
        return "name_empty"
    if len(name) > NAME_MAX:
        return "name_too_long"
    if len(name) < 2:
        return "name_too_short"
    if not _NAME_OK.match(name):
        return "name_characters"
    return None


def child_path(parent_path: str | None, unit_id: int) -> str:
    return f"{parent_path or '/'}{unit_id}/"
