"""The Vietnamese catalog speaks with one voice (docs/style.md): one form of address, one word
per union term, buttons named as their results, no raw English or platform ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from core.i18n import load_catalog

LOCALES = Path(__file__).resolve().parents[2] / "locales"

# What the style guide forbids in a Vietnamese message, and what to write instead.
FORBIDDEN = [
    (r"(?i)\banh/chị\b|\bquý anh chị\b", "address people as «bạn»"),
    (r"(?i)\bchạm\b|\bnhấn\b", "a button is «bấm»"),
    (r"(?i)\bthành viên\b", "a union member is «đoàn viên»"),
    (r"(?i)\bđề cử\b", "a nomination for a commendation is «đề xuất»"),
    (r"(?i)\bwebchat\b|\bTerminal\b|\bnone\b|\bW\d\d\b", "a raw key or platform id"),
    (r"(?i)\bchiến dịch\b", "a campaign is a «phong trào thi đua»"),
    (r"(?i)\bquiz\b", "a quiz is a «cuộc thi»"),
    (r"(?i)\bsáng kiến\b[^.?!]*\b(từ chối|chấp nhận)\b", "an initiative is «(không) công nhận»"),
    (r"(?i)\bphong trào\b[^.?!]*\bđã đóng\b|\bđóng phong trào\b", "a campaign «kết thúc»"),
    (
        r"\b(question|option_\d|correct|explanation|the|and|you|your|please|is|are|of|to|for"
        r"|with|not|this|that|click|tap|submit|cancel|skip|next|back|yes|no|ok|error|file|send"
        r"|sent|done|open|closed|campaigns?|initiatives?|members?|officers?|quiz|points|team"
        r"|reward|status|draft|review|user|email|null|true|false|pending|received|accepted"
        r"|rejected|unit|name|date|week|month|year)\b",
        "an English word on a Vietnamese page",
    ),
]

# Placeholders, /commands, links and the `thidua` program's commands are not words of the
# sentence ("anh/chị" is: a /command follows a space, not a letter). «quản trị viên» is not
# forbidden here: it is the name of a Telegram group's admin, which the officer must find.
COMMANDS = r"\{\w*\}|(?<!\w)/\w+|https?://\S+|«thidua [a-z -]+»|\bthidua (report|officer invite)\b"

# The labels of the chat's main menu: a message that names one quotes it as on the button.
MENU_LABELS = [
    "Campaigns",
    "Quiz",
    "Submit an initiative",
    "Leaderboard",
    "Officer tasks",
    "My profile",
    "Help",
    "Main menu",
]

# A button and the message that reports its result use the same verb (the Vietnamese one).
ACCEPTED = (
    "{code} accepted. Benefit {benefit}: reward {money} and {points} points, shared by {n} "
    "author(s). The authors have been told."
)
BUTTON_RESULTS = [
    ("Accept", "công nhận", ACCEPTED),
    ("Accept with this reward", "công nhận", ACCEPTED),
    (
        "Do not accept",
        "không công nhận",
        "{code} is rejected. The authors have been told the reason.",
    ),
    (
        "Approve",
        "duyệt",
        "Approved: {who}, {points} points each. The union has been told, naming only those who "
        "agreed.",
    ),
    (
        "Approve",
        "duyệt",
        "Approved. The points are given, the people commended and the union are told.",
    ),
    (
        "Do not approve",
        "không duyệt",
        "Not approved. The person who proposed it has been told why.",
    ),
    (
        "Do not approve",
        "không duyệt",
        "Not approved. The person who proposed it is told the reason.",
    ),
    ("Close the campaign", "kết thúc", "The campaign “{title}” is closed."),
]

# A message that names a menu item names it with the item's own label.
MENU_REFERENCES = [
    (
        "Quiz",
        "The quiz “{title}” is open until {time} for the members of your union and the unions "
        "below it. They find it under Quiz in the menu.",
    ),
]

QUOTED = re.compile(r"«([^«»{}]+)»")


@pytest.fixture(scope="module")
def vi() -> Catalog:
    return load_catalog(LOCALES, "vi")


def _strings(catalog: Catalog) -> list[tuple[str, str]]:
    return [
        (str(m.id), str(m.string))
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
    ]


def _text(catalog: Catalog, msgid: str) -> str:
    message = catalog.get(msgid)
    assert message is not None and message.string, f"{msgid!r} is not in the vi catalog"
    return str(message.string)


@pytest.mark.parametrize(("pattern", "why"), FORBIDDEN, ids=[why for _p, why in FORBIDDEN])
def test_no_forbidden_form(vi: Catalog, pattern: str, why: str):
    # Placeholders and /commands are not words of the sentence.
    bad = [
        f"{msgid!r}: {text!r}"
        for msgid, text in _strings(vi)
        if re.search(pattern, re.sub(COMMANDS, "", text))
    ]
    assert not bad, f"{why}:\n" + "\n".join(bad)


@pytest.mark.parametrize(("label", "verb", "result"), BUTTON_RESULTS)
def test_a_button_and_its_result_use_the_same_verb(vi: Catalog, label: str, verb: str, result: str):
    assert _text(vi, label).lower().startswith(verb), (label, _text(vi, label))
    assert f"đã {verb}" in _text(vi, result).lower(), (result, _text(vi, result))


@pytest.mark.parametrize(("label", "msgid"), MENU_REFERENCES)
def test_a_menu_item_is_named_by_its_label(vi: Catalog, label: str, msgid: str):
    assert f"«{_text(vi, label)}»" in _text(vi, msgid)


def test_a_menu_item_named_in_a_sentence_is_quoted(vi: Catalog):
    """ "tap «Phong trào thi đua»", never "chọn Phong trào thi đua" (docs/style.md)."""
    labels = [_text(vi, label) for label in MENU_LABELS]
    unquoted = re.compile(
        r"(?i)\b(mục|chọn|bấm|nút|mở)\s+(?!«)(" + "|".join(map(re.escape, labels)) + r")\b"
    )
    bad = [f"{msgid!r}: {text!r}" for msgid, text in _strings(vi) if unquoted.search(text)]
    assert not bad, "name a menu item as «its label»:\n" + "\n".join(bad)


def test_a_quoted_button_label_is_quoted_in_its_translation(vi: Catalog):
    """ "Tap «Done»" says «Xong» in Vietnamese, the label the person sees on the button."""
    wrong = []
    for msgid, text in _strings(vi):
        for label in QUOTED.findall(msgid):
            target = vi.get(label)
            if target is not None and target.string and f"«{target.string}»" not in text:
                wrong.append(f"{msgid!r} → {text!r} lacks «{target.string}»")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("text", "caught"),
    [
        ("Anh/chị chạm vào đây để tiếp tục cùng các thành viên.", 3),
        ("Chiến dịch mới: làm quiz.", 3),
        ("Sáng kiến SK-1 đã bị từ chối.", 1),
        ("Phong trào «Thi đua» đã đóng.", 1),
        ("Bấm Submit to send your file.", 1),
        ("Xem báo cáo bằng lệnh thidua report.", 0),
    ],
)
def test_the_test_catches_the_mixed_forms(text: str, caught: int):
    clean = re.sub(COMMANDS, "", text)
    hits = [why for pattern, why in FORBIDDEN if re.search(pattern, clean)]
    assert len(hits) == caught, hits
