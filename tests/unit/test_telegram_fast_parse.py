"""`fast_parse` reads the common Telegram updates (a line of text, a button tap, in a private
chat) from the JSON without PTB's objects; it must answer exactly as `parse_update` over
PTB's `Update.de_json` does, and leave every other shape to PTB."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Update

from adapters.telegram.inbound import Parsed, TelegramDecoder, fast_parse, parse_update
from tests.fakes.telegram_api import FakeTelegram, SentMessage

BOT_ID = 7_000_000_001
names = st.one_of(st.none(), st.just(""), st.text(max_size=12))
texts = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(["/start", "/start CDCSTN33", "/start@thidua_bot abc_9", "/menu"]),
)


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    person: dict[str, Any] = {"id": draw(st.integers(1, 10**12)), "is_bot": False}
    person["first_name"] = draw(st.text(max_size=12))
    for key in ("last_name", "language_code"):
        value = draw(names)
        if value is not None:
            person[key] = value
    return person


@st.composite
def plain_texts(draw: st.DrawFn) -> dict[str, Any]:
    """A line of text in a private chat, as the Bot API sends it: always the fast path."""
    person = draw(people())
    text = draw(texts)
    message: dict[str, Any] = {
        "message_id": draw(st.integers(1, 10**6)),
        "from": person,
        "chat": {"id": person["id"], "type": "private", "first_name": "Lan"},
        "date": draw(st.integers(0, 2**31)),
        "text": text,
    }
    if draw(st.booleans()):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": draw(st.integers(1, 2**31)), "message": message}


@st.composite
def keyboards(draw: st.DrawFn) -> Any:
    button = st.fixed_dictionaries(
        {"text": st.sampled_from(["Câu tiếp theo", "A. 300 giờ", "B. 200 giờ", ""])},
        optional={"callback_data": st.sampled_from(["k1", "k2", "k3"])},
    )
    rows = st.lists(st.lists(button, min_size=1, max_size=3), max_size=4)
    return draw(st.one_of(st.none(), rows.map(lambda r: {"inline_keyboard": r})))


@st.composite
def plain_taps(draw: st.DrawFn) -> dict[str, Any]:
    """A button tapped under one of our messages in a private chat: always the fast path."""
    person = draw(people())
    shown: dict[str, Any] = {
        "message_id": 3,
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Thi đua"},
        "chat": {"id": person["id"], "type": "private", "first_name": "Lan"},
        "date": draw(st.integers(1, 2**31)),
        "text": "Câu 1/3",
    }
    markup = draw(keyboards())
    if markup is not None:
        shown["reply_markup"] = markup
    query = {
        "id": str(draw(st.integers(1, 2**62))),
        "from": person,
        "message": shown,
        "chat_instance": "-4277",
        "data": draw(st.sampled_from(["k1", "k2"])),
    }
    return {"update_id": draw(st.integers(1, 2**31)), "callback_query": query}


# What may differ from the plain shapes: a value of another type, or one of the cases that
# mean something else (a bot, a group, an edit, a photo, a contact, an inaccessible message).
SWAPS: list[tuple[tuple[str, ...], Any]] = [
    (("update_id",), "9"),
    (("from", "id"), BOT_ID),
    (("from", "id"), True),
    (("from", "is_bot"), True),
    (("from", "first_name"), None),
    (("from", "last_name"), 5),
    (("chat",), {"id": -100123, "type": "supergroup", "title": "Tổ 1"}),
    (("chat", "id"), "42"),
    (("date",), "1764039600"),
    (("date",), 0),
    (("message_id",), "7"),
    (("text",), ""),
    (("text",), None),
    (("caption",), "ảnh"),
    (("photo",), [{"file_id": "F", "file_unique_id": "U", "width": 1, "height": 1}]),
    (("edit_date",), 1764039700),
    (("entities",), [{"type": "bold"}]),
    (("entities",), "x"),
    (("contact",), {"phone_number": "0912345678", "first_name": "Lan", "user_id": 42}),
    (("id",), 4000000000001),
    (("data",), ""),
    (("data",), None),
    (("message",), None),
    (("message", "date"), 0),
    (("message", "chat"), {"id": -100123, "type": "group", "title": "Tổ 1"}),
    (("message", "reply_markup"), {"inline_keyboard": [[{"callback_data": "k1"}]]}),
    (("message", "reply_markup"), {"inline_keyboard": "x"}),
    (("inline_message_id",), "AAA"),
]


def swapped(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    kind = "message" if "message" in changed else "callback_query"
    node = changed[kind] if path[0] != "update_id" else changed
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            return changed
        node = node[key]
    if value is None:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return changed


def by_ptb(data: dict[str, Any]) -> Parsed | Exception:
    try:
        return parse_update(Update.de_json(copy.deepcopy(data), None), bot_id=BOT_ID)
    except Exception as exc:  # the decoder turns these into "not a Telegram update"
        return exc


def same(fast: Parsed, ptb: Parsed | Exception) -> None:
    assert isinstance(ptb, Parsed), ptb
    assert fast.message is not None and ptb.message is not None
    if fast.callback_key is not None:  # a tap is stamped when it is read
        ptb = dataclasses.replace(
            ptb, message=dataclasses.replace(ptb.message, received_at=fast.message.received_at)
        )
    assert fast == ptb


@settings(max_examples=300)
@given(st.one_of(plain_texts(), plain_taps()))
def test_a_plain_update_is_read_without_ptb_as_ptb_reads_it(data: dict[str, Any]) -> None:
    fast = fast_parse(copy.deepcopy(data), BOT_ID)
    assert fast is not None
    same(fast, by_ptb(data))


@settings(max_examples=300)
@given(
    st.one_of(plain_texts(), plain_taps()),
    st.lists(st.sampled_from(SWAPS), min_size=1, max_size=3),
)
def test_any_other_shape_is_left_to_ptb_or_read_as_ptb_reads_it(
    data: dict[str, Any], swaps: list[tuple[tuple[str, ...], Any]]
) -> None:
    for path, value in swaps:
        data = swapped(data, path, value)
    fast = fast_parse(copy.deepcopy(data), BOT_ID)
    if fast is not None:
        same(fast, by_ptb(data))


def test_what_the_bot_api_sends_takes_the_fast_path() -> None:
    """The shapes of the fake Bot API (the real one's) are read without PTB, and mean the
    same; a photo, an edit or a group goes to PTB."""
    fake = FakeTelegram()
    lan = fake.user(42, "Lan", last_name="Nguyễn", language_code="vi")
    bare = fake.user(43, "Minh")
    fake.group(-100200)
    shown = SentMessage(
        chat_id=42,
        message_id=5,
        method="sendMessage",
        at=fake.clock.now(),
        text="Câu 1/3",
        reply_markup={
            "inline_keyboard": [
                [{"text": "A. 300 giờ", "callback_data": "k1"}],
                [{"text": "B. 200 giờ", "callback_data": "k2"}],
            ]
        },
    )
    fast_ones = [
        fake.message_update(lan, "Xin chào công đoàn"),
        fake.message_update(lan, "/start CDCSTN33"),
        fake.message_update(bare, "/menu"),
        fake.callback_update(lan, shown, "k2"),
    ]
    for data in fast_ones:
        fast = fast_parse(copy.deepcopy(data), BOT_ID)
        assert fast is not None, data
        same(fast, by_ptb(data))
    assert fast_parse(fast_ones[3]).message.text == "B. 200 giờ"  # type: ignore[union-attr]
    slow_ones = [
        fake.message_update(
            lan,
            caption="ảnh",
            photo=[{"file_id": "F", "file_unique_id": "U", "width": 1, "height": 1}],
        ),
        fake.message_update(lan, "nhóm", chat_id=-100200),
        {"update_id": 1, "edited_message": fake.message_update(lan, "sửa")["message"]},
    ]
    for data in slow_ones:
        assert fast_parse(data, BOT_ID) is None
    decoder = TelegramDecoder(None, bot_id=BOT_ID)
    tapped = decoder.decode(json.dumps(fast_ones[3]))
    assert tapped is not None and tapped.button_key == "k2" and tapped.payload == ""
