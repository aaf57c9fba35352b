"""Core messages turned into Send API message objects within Messenger's limits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.facebook.render import (
    MAX_PAYLOAD,
    MAX_QUICK_REPLIES,
    MAX_TEMPLATE_TEXT,
    MAX_TEXT,
    MAX_TITLE,
    render,
    shorten,
)
from core.messages import Button, OutgoingMessage


def test_plain_text():
    assert render(OutgoingMessage(text="Xin chào")) == [{"text": "Xin chào"}]


def test_short_buttons_become_quick_replies():
    out = render(
        OutgoingMessage(
            text="Bạn có đồng ý không?",
            buttons=(Button("Đồng ý", "onb:agree"), Button("Không", "onb:decline")),
        )
    )
    assert out == [
        {
            "text": "Bạn có đồng ý không?",
            "quick_replies": [
                {"content_type": "text", "title": "Đồng ý", "payload": "onb:agree"},
                {"content_type": "text", "title": "Không", "payload": "onb:decline"},
            ],
        }
    ]


def test_long_labels_are_listed_and_numbered():
    buttons = (
        Button("Cán bộ công đoàn, Đảng", "g:1"),
        Button("Người lao động trực tiếp sản xuất, kinh doanh", "g:2"),
    )
    (out,) = render(OutgoingMessage(text="Bạn thuộc đối tượng nào?", buttons=buttons))
    assert out["text"] == (
        "Bạn thuộc đối tượng nào?\n\n1. Cán bộ công đoàn, Đảng\n"
        "2. Người lao động trực tiếp sản xuất, kinh doanh"
    )
    assert [q["title"] for q in out["quick_replies"]] == [
        "1. Cán bộ công đoàn…",
        "2. Người lao động t…",
    ]


def test_buttons_and_quick_replies_merge_without_duplicates():
    message = OutgoingMessage(
        text="Chọn",
        buttons=(Button("A", "x:a"),),
        quick_replies=(Button("A again", "x:a"), Button("B", "x:b")),
    )
    (out,) = render(message)
    assert [q["payload"] for q in out["quick_replies"]] == ["x:a", "x:b"]


def test_image_comes_first():
    out = render(OutgoingMessage(text="Bảng xếp hạng", image_url="https://thidua.vn/lb.png"))
    assert out[0]["attachment"]["payload"]["url"] == "https://thidua.vn/lb.png"
    assert out[1] == {"text": "Bảng xếp hạng"}


def test_shorten():
    assert shorten("Ngắn") == "Ngắn"
    assert shorten("x" * 21) == "x" * 19 + "…"
    assert len(shorten("Người lao động trực tiếp")) == MAX_TITLE


labels = st.text(min_size=1, max_size=60).filter(lambda s: s.strip())
menus = st.lists(
    st.builds(Button, labels, st.text(min_size=1, max_size=MAX_PAYLOAD)),
    max_size=40,
    unique_by=lambda b: b.payload,
)


@given(st.text(max_size=6000), menus)
@settings(max_examples=200)
def test_every_part_is_within_messengers_limits(text: str, buttons: list[Button]):
    out = render(OutgoingMessage(text=text, buttons=tuple(buttons)))
    payloads: list[str] = []
    for index, part in enumerate(out):
        if "text" in part:
            assert 0 < len(part["text"]) <= MAX_TEXT
            replies = part.get("quick_replies", [])
            assert len(replies) <= MAX_QUICK_REPLIES
            assert not replies or index == len(out) - 1  # only the last message shows them
            for reply in replies:
                assert 0 < len(reply["title"]) <= MAX_TITLE
                payloads.append(reply["payload"])
        else:
            template = part["attachment"]["payload"]
            assert 0 < len(template["text"]) <= MAX_TEMPLATE_TEXT
            assert 1 <= len(template["buttons"]) <= 3
            for button in template["buttons"]:
                assert 0 < len(button["title"]) <= MAX_TITLE
                payloads.append(button["payload"])
    assert payloads == [b.payload for b in buttons]  # every choice offered, in order
    if len(buttons) > MAX_QUICK_REPLIES:
        assert all("quick_replies" not in p for p in out)


@given(st.text(min_size=1, max_size=8000).filter(lambda s: s.strip()))
def test_long_text_keeps_every_word(text: str):
    out = render(OutgoingMessage(text=text))
    assert all(0 < len(p["text"]) <= MAX_TEXT for p in out)
    assert "".join("".join(p["text"] for p in out).split()) == "".join(text.split())
