"""Pure rules about members: names, invite codes, unit paths."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from functools import cache

from core.text import clean, fold, has_letter

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


# Replies people type at the name question that are not names (folded: no case, no marks).
NOT_NAMES = frozenset(
    {
        "dong y",
        "toi dong y",
        "co",
        "khong",
        "ok",
        "oke",
        "vang",
        "da",
        "xong",
        "tiep tuc",
        "bat dau",
        "chao",
        "xin chao",
        "cam on",
        "menu",
        "huong dan",
        "yes",
        "no",
        "agree",
        "i agree",
        "start",
        "hello",
        "hi",
        "thanks",
        "help",
        "ten",
        "ho ten",
        "ten toi",
    }
)


def name_problem(raw: str) -> str | None:
    """Why a typed full name is not acceptable, or None. Names keep their diacritics."""
    name = clean(raw)
    if not name or not has_letter(name):
        return "name_empty"
    if key_of(name) in NOT_NAMES:
        return "name_is_a_reply"
    if len(name) > NAME_MAX:
        return "name_too_long"
    if len(name) < 2:
        return "name_too_short"
    if not _NAME_OK.match(name):
        return "name_characters"
    return None


def child_path(parent_path: str | None, unit_id: int) -> str:
    return f"{parent_path or '/'}{unit_id}/"


_WORDS = re.compile(r"[^a-z0-9]+")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@cache
def key_of(text: str) -> str:
    """Text folded for matching: lower case, no diacritics, words joined by one space."""
    return " ".join(w for w in _WORDS.split(fold(text)) if w)


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy (also with . or -), or yyyy-mm-dd; None for anything else."""
    text = text.strip()
    match = _DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        match = _ISO.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def normalise_phone(text: str) -> str | None:
    """A Vietnamese phone number as 0 and 9–10 digits: "+84 912 345 678", "84912345678",
    "0912.345.678" and the 912345678 that Excel leaves of a number typed without quotes."""
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) == 9:
        digits = "0" + digits
    if not digits.isdigit() or not 10 <= len(digits) <= 11 or not digits.startswith("0"):
        return None
    return digits


# Replies to «is this your name?» (core/members/naming.py), as typed with their diacritics; a
# reply typed without any ("dung roi", "nhap lai") is read by its folded form. The marks
# matter: «Dũng» is a name, «đúng» a yes.
KEEP_NAME = (
    "đúng",
    "đúng rồi",
    "rồi",
    "đã đúng",
    "đã đúng rồi",
    "đúng vậy",
    "đúng ạ",
    "đúng rồi ạ",
    "dạ đúng",
    "dạ đúng rồi",
    "vâng đúng rồi",
    "chính xác",
    "có",
    "có ạ",
    "ok",
    "oke",
    "okay",
    "ừ",
    "vâng",
    "vâng ạ",
    "dạ",
    "đồng ý",
    "tôi đồng ý",
    "xác nhận",
    "yes",
    "y",
    "correct",
    "right",
    "that's right",
    "yes that's right",
    "confirm",
    "agree",
    "i agree",
)
RETYPE_NAME = (
    "nhập lại",
    "nhập",
    "sửa",
    "sửa lại",
    "sửa tên",
    "gõ lại",
    "viết lại",
    "đổi",
    "đổi tên",
    "không",
    "không phải",
    "không đúng",
    "chưa đúng",
    "chưa",
    "sai",
    "sai rồi",
    "ko",
    "k",
    "no",
    "wrong",
    "change",
    "edit",
    "again",
    "re-enter",
    "type again",
    "type it again",
)
_MARKED_SPLIT = re.compile(r"[^\w]+")


def marked_words(text: str) -> str:
    """Lower case, words joined by one space, diacritics kept."""
    return " ".join(w for w in _MARKED_SPLIT.split(clean(text).lower()) if w)


_NAME_REPLIES = {marked_words(w): "keep" for w in KEEP_NAME} | {
    marked_words(w): "retype" for w in RETYPE_NAME
}
_NAME_REPLIES_FOLDED = {key_of(w): r for w, r in _NAME_REPLIES.items()}


def name_reply(raw: str) -> str | None:
    """What a typed reply to «is this your name?» says: "keep", "retype", or None (it says
    neither: perhaps another name)."""
    text = clean(raw)
    if text.isascii():
        return _NAME_REPLIES_FOLDED.get(key_of(text))
    found = _NAME_REPLIES.get(marked_words(text))
    if found is None and " " in marked_words(text):  # «đung roi»: marks half typed; one word
        found = _NAME_REPLIES_FOLDED.get(key_of(text))  # such as «Dũng» stays a name
    return found


def typed_name_problem(raw: str) -> str | None:
    """`name_problem` for a name typed in the chat, which also refuses a reply to the name's
    confirmation typed as the name («Đúng», «nhập lại»; not «Dung», which may be one)."""
    problem = name_problem(raw)
    if problem is not None:
        return problem
    text = clean(raw)
    if name_reply(text) is not None and (" " in text or not text.isascii()):
        return "name_is_a_reply"
    return None
