"""What of a Telegram group the bot keeps (adapters/telegram/groups.py): only what is addressed
to it, the bot added or removed, and the group moving to a supergroup."""

from __future__ import annotations

from typing import Any

from adapters.telegram.groups import concerns_bot, parse_group
from core.messages import InboundKind

BOT = 7000000001
GROUP = {"id": -4001, "type": "group", "title": "Tổ 1"}
PERSON = {"id": 42, "is_bot": False, "first_name": "Lan"}


def said(text: str, **extra: Any) -> dict[str, Any]:
    message = {"message_id": 5, "from": PERSON, "chat": GROUP, "date": 1_780_000_000}
    return {"update_id": 9, "message": {**message, "text": text, **extra}}


def test_only_what_is_addressed_to_the_bot_is_kept():
    assert concerns_bot(said("/help@Thidua_Bot"), "thidua_bot", BOT) is True  # any case
    assert concerns_bot(said("hỏi @thidua_bot chút"), "thidua_bot", BOT) is True
    assert concerns_bot(said("ok", reply_to_message={"from": {"id": BOT}}), None, BOT) is True
    assert concerns_bot(said("/help"), "thidua_bot", BOT) is False  # meant for any bot
    assert concerns_bot(said("/help@other_bot"), "thidua_bot", BOT) is False
    assert concerns_bot(said("email lan@thidua_bot.vn"), "thidua_bot", BOT) is False
    assert concerns_bot(said("/help@thidua_bot"), None, BOT) is False  # name unknown
    edited = {"update_id": 9, "edited_message": said("/help@thidua_bot")["message"]}
    assert concerns_bot(edited, "thidua_bot", BOT) is False
    from_bot = said("@thidua_bot", **{"from": {"id": 1, "is_bot": True, "first_name": "x"}})
    assert concerns_bot(from_bot, "thidua_bot", BOT) is False
    private = {
        "update_id": 9,
        "message": {**said("hi")["message"], "chat": {"id": 42, "type": "private"}},
    }
    assert concerns_bot(private, "thidua_bot", BOT) is None  # read as usual


def test_a_message_keeps_the_group_as_sender_and_the_author_apart():
    found, message = parse_group(said("/linkgroup@thidua_bot ABCDE-FGHIJ"), "thidua_bot", BOT)
    assert found and message is not None
    assert message.sender_id == message.group_id == "-4001"
    assert message.author_id == "42" and message.group_title == "Tổ 1"
    assert message.sender_name is None and message.locale_hint is None


def test_the_bot_added_removed_and_the_group_moved():
    def change(old: str, new: str) -> dict[str, Any]:
        bot = {"id": BOT, "is_bot": True, "first_name": "Thi đua"}
        return {
            "update_id": 10,
            "my_chat_member": {
                "chat": GROUP,
                "from": PERSON,
                "date": 1_780_000_000,
                "old_chat_member": {"status": old, "user": bot},
                "new_chat_member": {"status": new, "user": bot},
            },
        }

    kinds = {
        (old, new): (m.kind if (m := parse_group(change(old, new), "thidua_bot", BOT)[1]) else None)
        for old, new in [
            ("left", "member"),
            ("member", "kicked"),
            ("administrator", "left"),
            ("member", "administrator"),
        ]
    }
    assert kinds == {
        ("left", "member"): InboundKind.GROUP_JOINED,
        ("member", "kicked"): InboundKind.GROUP_LEFT,
        ("administrator", "left"): InboundKind.GROUP_LEFT,
        ("member", "administrator"): None,  # promoted: nothing changes for us
    }
    out = parse_group(said("", migrate_to_chat_id=-1001004001), "thidua_bot", BOT)[1]
    assert out is not None and (out.kind, out.group_id, out.moved_to) == (
        InboundKind.GROUP_MOVED,
        "-4001",
        "-1001004001",
    )
    inn = said("", migrate_from_chat_id=-4001)
    inn["message"]["chat"] = {"id": -1001004001, "type": "supergroup", "title": "Tổ 1"}
    out = parse_group(inn, "thidua_bot", BOT)[1]
    assert out is not None and (out.group_id, out.moved_to) == ("-4001", "-1001004001")
