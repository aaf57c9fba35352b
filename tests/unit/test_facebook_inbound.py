"""Messenger webhook parsing and signatures, without a database or a network."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.facebook.inbound import (
    BadPayload,
    BadSignature,
    parse_body,
    parse_event,
    signature_for,
    verify_signature,
)
from core.messages import InboundKind

SECRET = "app-secret-for-tests"


def body(*events: dict[str, Any], entries: int = 1) -> bytes:
    return json.dumps(
        {
            "object": "page",
            "entry": [{"id": "PAGE", "time": 1, "messaging": list(events)} for _ in range(entries)],
        }
    ).encode()


def msg(psid: str = "1", ts: int = 1_764_000_000_000, **message: Any) -> dict[str, Any]:
    message.setdefault("mid", f"m_{psid}_{ts}")
    return {
        "sender": {"id": psid},
        "recipient": {"id": "PAGE"},
        "timestamp": ts,
        "message": message,
    }


# --- signatures ------------------------------------------------------------------------


def test_signature_matches_metas_form():
    # HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published vector.
    expected = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert signature_for(b"The quick brown fox jumps over the lazy dog", "key") == expected
    verify_signature(b"The quick brown fox jumps over the lazy dog", expected.upper(), "key")


@pytest.mark.parametrize(
    "header", [None, "", "sha256=", "sha1=abc", "sha256=" + "0" * 64, "sha256=zzzž"]
)
def test_bad_signatures(header: str | None):
    with pytest.raises(BadSignature):
        verify_signature(b"{}", header, SECRET)


def test_no_secret_never_verifies():
    with pytest.raises(BadSignature):
        verify_signature(b"{}", signature_for(b"{}", ""), "")


@given(st.binary(max_size=2000), st.binary(min_size=1, max_size=20))
@settings(max_examples=200)
def test_any_change_to_the_body_breaks_the_signature(raw: bytes, extra: bytes):
    header = signature_for(raw, SECRET)
    verify_signature(raw, header, SECRET)
    with pytest.raises(BadSignature):
        verify_signature(raw + extra, header, SECRET)


# --- events ----------------------------------------------------------------------------


def test_every_entry_and_every_event_is_parsed_in_time_order():
    raw = json.dumps(
        {
            "object": "page",
            "entry": [
                {"id": "P", "messaging": [msg("1", ts=30, text="c"), msg("2", ts=10, text="a")]},
                {"id": "P", "messaging": [msg("3", ts=20, text="b")]},
            ],
        }
    ).encode()
    batch = parse_body(raw)
    assert [m.text for m in batch.messages] == ["a", "b", "c"]
    assert [m.sender_id for m in batch.messages] == ["2", "3", "1"]
    assert batch.ignored == 0


def test_quick_reply_payload_and_title():
    (m,) = parse_body(body(msg(text="Đồng ý", quick_reply={"payload": "onb:agree"}))).messages
    assert m.payload == "onb:agree" and m.text == "Đồng ý"
    assert m.platform == "facebook" and m.external_id.startswith("m_")


def test_echo_and_receipts_are_dropped():
    echo = msg(text="hi", is_echo=True, app_id=1)
    read = {"sender": {"id": "1"}, "recipient": {"id": "P"}, "timestamp": 2, "read": {}}
    reaction = {"sender": {"id": "1"}, "timestamp": 3, "reaction": {"mid": "m", "action": "react"}}
    batch = parse_body(body(echo, read, reaction))
    assert batch.messages == [] and batch.ignored == 3


def test_standby_events_are_not_ours():
    raw = json.dumps(
        {"object": "page", "entry": [{"id": "P", "standby": [msg(text="x")], "messaging": []}]}
    ).encode()
    batch = parse_body(raw)
    assert batch.messages == [] and batch.ignored == 1


def test_get_started_without_ref_is_a_follow():
    event = {
        "sender": {"id": "9"},
        "timestamp": 5,
        "postback": {"title": "Get Started", "payload": "GET_STARTED", "mid": "m_pb"},
    }
    m = parse_event(event)
    assert m is not None and m.kind == InboundKind.FOLLOW and m.payload is None
    assert m.external_id == "m_pb"


def test_get_started_with_ref_carries_the_invite_code():
    event = {
        "sender": {"id": "9"},
        "timestamp": 5,
        "postback": {
            "title": "Get Started",
            "payload": "GET_STARTED",
            "mid": "m_pb",
            "referral": {"ref": "CDCSTN33", "source": "SHORTLINK", "type": "OPEN_THREAD"},
        },
    }
    m = parse_event(event)
    assert m is not None and m.referral == "CDCSTN33" and m.kind == InboundKind.MESSAGE
    assert m.payload is None and m.text == ""


def test_other_postbacks_keep_payload_and_title():
    event = {
        "sender": {"id": "9"},
        "timestamp": 5,
        "postback": {"title": "Trợ giúp", "payload": "menu:help"},
    }
    m = parse_event(event)
    assert m is not None and m.payload == "menu:help" and m.text == "Trợ giúp"


def test_postback_without_mid_gets_a_stable_id():
    event = {"sender": {"id": "9"}, "timestamp": 5, "postback": {"title": "A", "payload": "x:1"}}
    other = {"sender": {"id": "9"}, "timestamp": 5, "postback": {"title": "B", "payload": "x:2"}}
    first, again, second = parse_event(event), parse_event(dict(event)), parse_event(other)
    assert first and again and second
    assert first.external_id == again.external_id != second.external_id


def test_referral_event_id_is_derived_from_sender_and_time():
    event = {"sender": {"id": "9"}, "timestamp": 1234, "referral": {"ref": "CDCSFD44"}}
    m = parse_event(event)
    assert m is not None and m.external_id == "ref:9:1234" and m.referral == "CDCSFD44"
    assert parse_event({"sender": {"id": "9"}, "timestamp": 1, "referral": {"ref": ""}}) is None


def test_ids_fit_the_columns():
    long_mid = "m_" + "A" * 300
    (m,) = parse_body(body(msg(mid=long_mid, text="x"))).messages
    assert m.external_id.startswith("mh:") and len(m.external_id) <= 128
    (again,) = parse_body(body(msg(mid=long_mid, text="x"))).messages
    assert again.external_id == m.external_id
    (nul,) = parse_body(body(msg(mid="m_\x00x", text="x"))).messages
    assert nul.external_id.startswith("mh:")
    for sender in ("", "  ", "9" * 129, "12\x0034", True, None, {"x": 1}):
        event = {"sender": {"id": sender}, "timestamp": 1, "message": {"mid": "m_1", "text": "x"}}
        batch = parse_body(body(event))
        assert batch.messages == [] and batch.ignored == 1, sender


def test_attachments_are_references():
    attachments = [
        {"type": "image", "payload": {"url": "https://cdn/x.jpg"}},
        {"type": "image", "payload": {"url": "https://cdn/s.png", "sticker_id": 369239263222822}},
        {"type": "sticker", "payload": {"url": "https://cdn/s.png", "sticker_id": 1}},
        {"type": "location", "payload": {"coordinates": {"lat": 10.8, "long": 106.6}}},
        {"type": "fallback", "title": "Link", "url": "https://example.vn"},
        {"type": "file", "payload": {"url": "https://cdn/a.pdf"}},
        {"type": "audio", "payload": {}},
    ]
    (m,) = parse_body(body(msg(attachments=attachments))).messages
    assert [(a.kind, a.ref) for a in m.attachments] == [
        ("image", "https://cdn/x.jpg"),
        ("sticker", "369239263222822"),
        ("sticker", "1"),
        ("location", "geo:10.8,106.6"),
        ("link", "https://example.vn"),
        ("file", "https://cdn/a.pdf"),
    ]


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[]", b'{"object":"user"}', b'{"object":"page","entry":{}}', b"\xff"]
)
def test_unreadable_bodies(raw: bytes):
    with pytest.raises(BadPayload):
        parse_body(raw)


def test_bad_events_are_counted_not_fatal():
    good = msg(text="ok")
    batch = parse_body(body({"sender": "x"}, {"message": {"mid": "m"}}, 5, msg(mid=""), good))  # type: ignore[arg-type]
    assert [m.text for m in batch.messages] == ["ok"]
    assert batch.ignored == 4


scalars = st.none() | st.booleans() | st.integers(-5, 2**45) | st.text(max_size=8)
loose = (
    scalars
    | st.lists(scalars, max_size=2)
    | st.dictionaries(st.text(max_size=4), scalars, max_size=2)
)


def maybe(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts with any subset of these keys, each value either well-formed or junk."""
    return st.fixed_dictionaries({}, optional={k: v | loose for k, v in keys.items()})


messages = maybe(
    {
        "mid": st.text(max_size=6),
        "text": st.text(max_size=6),
        "is_echo": st.booleans(),
        "quick_reply": maybe({"payload": st.text(max_size=6)}),
        "attachments": st.lists(
            maybe(
                {
                    "type": st.sampled_from(["image", "location", "fallback", "file"]),
                    "payload": maybe(
                        {
                            "url": st.text(max_size=6),
                            "sticker_id": st.integers(),
                            "coordinates": maybe({"lat": st.floats(), "long": st.floats()}),
                        }
                    ),
                }
            ),
            max_size=2,
        ),
    }
)
refs = maybe({"ref": st.text(max_size=6)})
events = maybe(
    {
        "sender": maybe({"id": st.text(max_size=4) | st.integers()}),
        "timestamp": st.integers(-1, 2**45),
        "message": messages,
        "postback": maybe(
            {
                "payload": st.text(max_size=6),
                "title": st.text(max_size=6),
                "mid": st.text(max_size=6),
                "referral": refs,
            }
        ),
        "referral": refs,
    }
)


@given(st.lists(events | loose, max_size=5))
@settings(max_examples=300)
def test_arbitrary_events_never_crash_the_parser(batch_events: list[Any]):
    batch = parse_body(body(*batch_events))
    assert len(batch.messages) + batch.ignored == len(batch_events)
    for m in batch.messages:
        assert m.external_id.strip() and m.sender_id.strip()
        assert len(m.external_id) <= 128 and len(m.sender_id) <= 128
        assert m.external_id.isprintable() and m.sender_id.isprintable()


@given(
    st.from_regex(r"[0-9]{1,20}", fullmatch=True),
    st.text(max_size=200),
    st.integers(min_value=1, max_value=2**45),
)
def test_text_messages_round_trip(psid: str, text: str, ts: int):
    (m,) = parse_body(body(msg(psid, ts=ts, text=text, mid="m_1"))).messages
    assert (m.sender_id, m.text, m.external_id) == (psid, text, "m_1")
    assert int(m.received_at.timestamp() * 1000) in (ts, ts - 1)
