"""Parsing Telegram updates (PTB's `Update.de_json`) into core messages, without a network."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from telegram import Update

from adapters.telegram.inbound import parse_update, secret_matches
from core.messages import InboundKind

USER = {
    "id": 42,
    "is_bot": False,
    "first_name": "Lan",
    "last_name": "Nguyễn",
    "language_code": "vi",
}
PRIVATE = {"id": 42, "type": "private", "first_name": "Lan"}


def message(text: str | None = "hello", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"message_id": 1, "date": 1764039600, "chat": PRIVATE, "from": USER}
    if text is not None:
        body["text"] = text
    return {"update_id": 10, "message": body | extra}


def parse(data: dict[str, Any], bot_id: int | None = None):  # type: ignore[no-untyped-def]
    return parse_update(Update.de_json(data, None), bot_id=bot_id)


def test_text_message() -> None:
    parsed = parse(message("Xin chào"))
    m = parsed.message
    assert m is not None
    assert (m.platform, m.external_id, m.sender_id, m.text) == ("telegram", "10", "42", "Xin chào")
    assert (m.sender_name, m.locale_hint, m.kind) == ("Lan Nguyễn", "vi", InboundKind.MESSAGE)
    assert m.received_at.tzinfo is not None


@given(code=st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True))
def test_deep_link_carries_the_code(code: str) -> None:
    m = parse(message(f"/start {code}")).message
    assert m is not None and m.text == f"/start {code}" and m.referral == code


def test_start_in_a_group_form_and_plain_start() -> None:
    assert parse(message("/start@thidua_bot CDCSTN33")).message.referral == "CDCSTN33"  # type: ignore[union-attr]
    assert parse(message("/start")).message.referral is None  # type: ignore[union-attr]
    too_long = "x" * 65
    assert parse(message(f"/start {too_long}")).message.referral is None  # type: ignore[union-attr]


def test_edited_message_is_the_new_text() -> None:
    data = message("typo")
    data["edited_message"] = data.pop("message") | {"text": "fixed", "edit_date": 1764039660}
    m = parse(data).message
    assert m is not None and m.text == "fixed"


def test_photo_document_location_and_caption() -> None:
    photo = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
        {"file_id": "big", "file_unique_id": "b", "width": 800, "height": 800, "file_size": 9},
    ]
    m = parse(message(None, photo=photo, caption="Sáng kiến")).message
    assert m is not None and m.text == "Sáng kiến"
    assert [(a.kind, a.ref, a.size) for a in m.attachments] == [("image", "big", 9)]
    doc = {
        "file_id": "d1",
        "file_unique_id": "d",
        "file_name": "de-xuat.pdf",
        "mime_type": "application/pdf",
    }
    m = parse(message(None, document=doc)).message
    assert m is not None and m.attachments[0].name == "de-xuat.pdf"
    m = parse(message(None, location={"latitude": 10.8, "longitude": 106.6})).message
    assert m is not None and m.attachments[0].ref == "10.8,106.6"


def test_own_contact_is_a_contact_someone_elses_is_not() -> None:
    own = {"phone_number": "+84901234567", "first_name": "Lan", "user_id": 42}
    m = parse(message(None, contact=own)).message
    assert m is not None and m.kind == InboundKind.CONTACT and m.phone == "+84901234567"
    other = {"phone_number": "+84900000000", "first_name": "Binh", "user_id": 7}
    m = parse(message(None, contact=other)).message
    assert m is not None and m.kind == InboundKind.MESSAGE and m.phone is None


def test_ignored_kinds() -> None:
    group = message("hi", chat={"id": -5, "type": "group", "title": "Tổ 1"})
    assert parse(group).message is None
    bot = message("hi", **{"from": USER | {"is_bot": True}})
    assert parse(bot).message is None
    assert parse(message("hi", **{"from": USER | {"id": 99}}), bot_id=99).message is None
    assert parse(message(None, new_chat_title="x")).ignored == "service message"
    assert parse({"update_id": 3}).ignored == "update type not used"


def test_callback_query_keeps_the_key_and_the_label() -> None:
    shown = {
        "message_id": 5,
        "date": 1764039600,
        "chat": PRIVATE,
        "text": "Bạn có đồng ý không?",
        "reply_markup": {"inline_keyboard": [[{"text": "Tôi đồng ý", "callback_data": "k1"}]]},
    }
    data = {
        "update_id": 11,
        "callback_query": {
            "id": "q1",
            "from": USER,
            "chat_instance": "c",
            "data": "k1",
            "message": shown,
        },
    }
    parsed = parse(data)
    assert parsed.callback_query_id == "q1" and parsed.callback_key == "k1"
    assert parsed.message is not None and parsed.message.text == "Tôi đồng ý"
    no_data = {
        "update_id": 12,
        "callback_query": {"id": "q2", "from": USER, "chat_instance": "c", "game_short_name": "g"},
    }
    ignored = parse(no_data)
    assert ignored.message is None and ignored.callback_query_id == "q2"  # still answered


def member_change(old: str, new: str) -> dict[str, Any]:
    bot = {"id": 7, "is_bot": True, "first_name": "Thi đua"}
    return {
        "update_id": 13,
        "my_chat_member": {
            "chat": PRIVATE,
            "from": USER,
            "date": 1764039600,
            "old_chat_member": {"status": old, "user": bot}
            | ({"until_date": 0} if old == "kicked" else {}),
            "new_chat_member": {"status": new, "user": bot}
            | ({"until_date": 0} if new == "kicked" else {}),
        },
    }


def test_block_and_unblock() -> None:
    assert parse(member_change("member", "kicked")).message.kind == InboundKind.UNFOLLOW  # type: ignore[union-attr]
    assert parse(member_change("kicked", "member")).message.kind == InboundKind.UNBLOCKED  # type: ignore[union-attr]


def test_poll_answer() -> None:
    data = {
        "update_id": 14,
        "poll_answer": {
            "poll_id": "p9",
            "user": USER,
            "option_ids": [0, 2],
            "option_persistent_ids": ["a", "c"],
        },
    }
    m = parse(data).message
    assert m is not None and m.payload == "poll:p9:0,2" and m.sender_id == "42"
    retracted = {
        "update_id": 15,
        "poll_answer": {
            "poll_id": "p9",
            "user": USER,
            "option_ids": [],
            "option_persistent_ids": [],
        },
    }
    assert parse(retracted).message is None


@given(st.text(max_size=300))
def test_any_text_parses(text: str) -> None:
    parsed = parse(message(text))
    assert parsed.message is None or parsed.message.text == text


def test_secret_comparison() -> None:
    assert secret_matches("abc", "abc")
    assert not secret_matches("abd", "abc")
    assert not secret_matches(None, "abc")
    assert not secret_matches("abc", None)
    assert not secret_matches("", "")
    assert not secret_matches("ábc", "abc")  # non-ASCII header values do not crash
