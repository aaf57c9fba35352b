"""Zalo webhook signature and event parsing, without a server."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.zalo.inbound import (
    MalformedEvent,
    event_timestamp,
    expected_mac,
    is_fresh,
    load_body,
    parse_event,
    signature_ok,
)
from core.messages import InboundKind

APP = "3608123456789012345"
SECRET = "oa-secret"
TS = "1703920000000"


def test_mac_is_plain_sha256_of_app_body_timestamp_secret():
    raw = b'{"event_name":"user_send_text","timestamp":"1703920000000"}'
    by_hand = hashlib.sha256(f"{APP}{raw.decode()}{TS}{SECRET}".encode()).hexdigest()
    assert expected_mac(APP, raw, TS, SECRET) == by_hand
    assert signature_ok(f"mac={by_hand}", app_id=APP, raw=raw, timestamp=TS, secret=SECRET)
    assert signature_ok(f"MAC={by_hand.upper()}", app_id=APP, raw=raw, timestamp=TS, secret=SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "mac=",
        "deadbeef",  # no prefix
        "mac=" + hmac.new(SECRET.encode(), b"x", hashlib.sha256).hexdigest(),  # HMAC, not SHA-256
        "mac=zz\u00e9",
    ],
)
def test_wrong_signatures_fail_closed(header: str | None):
    assert not signature_ok(header, app_id=APP, raw=b"x", timestamp=TS, secret=SECRET)


def test_empty_secret_never_verifies():
    mac = "mac=" + expected_mac(APP, b"x", TS, "")
    assert not signature_ok(mac, app_id=APP, raw=b"x", timestamp=TS, secret="")


def test_timestamp_from_body_then_header():
    assert event_timestamp({"timestamp": TS}, "1") == TS
    assert event_timestamp({}, " 42 ") == "42"
    assert event_timestamp({"timestamp": ""}, None) is None


def test_freshness_window_both_ways():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    window = timedelta(minutes=5)
    assert is_fresh(now - timedelta(minutes=4), now, window)
    assert is_fresh(now + timedelta(minutes=4), now, window)
    assert not is_fresh(now - timedelta(minutes=6), now, window)


def test_numbers_stay_strings():
    data = load_body(b'{"sender":{"id":7263940563419267321},"timestamp":1703920000000}')
    assert data["sender"]["id"] == "7263940563419267321"
    assert data["timestamp"] == "1703920000000"


@pytest.mark.parametrize("raw", [b"not json", b"[1,2]", b"\xff\xfe"])
def test_bad_bodies(raw: bytes):
    with pytest.raises(MalformedEvent):
        load_body(raw)


def event(name: str, **fields: object) -> dict:
    return {"app_id": APP, "event_name": name, "timestamp": TS, **fields}


def test_text_message():
    msg = parse_event(
        event(
            "user_send_text",
            sender={"id": "111"},
            recipient={"id": "OA"},
            message={"text": "còn phòng không?", "msg_id": "96d3"},
        ),
        TS,
    )
    assert msg is not None
    assert (msg.external_id, msg.sender_id, msg.text, msg.payload) == (
        "96d3",
        "111",
        "còn phòng không?",
        None,
    )
    assert msg.received_at == datetime(2023, 12, 30, 7, 6, 40, tzinfo=UTC)


def test_button_payload_arrives_as_marked_text():
    msg = parse_event(
        event(
            "user_send_text", sender={"id": "1"}, message={"text": "#td:onb:agree", "msg_id": "m"}
        ),
        TS,
    )
    assert msg is not None and msg.payload == "onb:agree" and msg.text == ""
    typed = parse_event(
        event("user_send_text", sender={"id": "1"}, message={"text": "onb:agree", "msg_id": "n"}),
        TS,
    )
    assert typed is not None and typed.payload is None


def test_click_button_carries_the_payload():
    msg = parse_event(
        event("user_click_button", sender={"id": "1"}, message={"text": "menu:help"}), TS
    )
    assert msg is not None and msg.payload == "menu:help"
    assert msg.external_id == f"user_click_button:1:{TS}"


def test_attachments_are_references():
    msg = parse_event(
        event(
            "user_send_image",
            sender={"id": "1"},
            message={
                "msg_id": "img1",
                "attachments": [{"type": "image", "payload": {"url": "https://z/a.jpg"}}],
            },
        ),
        TS,
    )
    assert msg is not None and msg.attachments[0].kind == "image"
    assert msg.attachments[0].ref == "https://z/a.jpg"
    loc = parse_event(
        event(
            "user_send_location",
            sender={"id": "1"},
            message={
                "msg_id": "l1",
                "attachments": [
                    {
                        "type": "location",
                        "payload": {"coordinates": {"lat": "10.7", "long": "106.6"}},
                    }
                ],
            },
        ),
        TS,
    )
    assert loc is not None and loc.attachments[0].ref == "10.7,106.6"
    doc = parse_event(
        event(
            "user_send_file",
            sender={"id": "1"},
            message={
                "msg_id": "f1",
                "attachments": [
                    {
                        "type": "file",
                        "payload": {"url": "https://z/f", "name": "a.pdf", "size": "2048"},
                    }
                ],
            },
        ),
        TS,
    )
    assert doc is not None and (doc.attachments[0].name, doc.attachments[0].size) == ("a.pdf", 2048)


def test_follow_unfollow_chatnow_submit_info():
    follow = parse_event(event("follow", follower={"id": "9"}, oa_id="OA"), TS)
    assert follow is not None and follow.kind == InboundKind.FOLLOW and follow.sender_id == "9"
    assert follow.external_id == f"follow:9:{TS}"
    unfollow = parse_event(event("unfollow", follower={"id": "9"}), TS)
    assert unfollow is not None and unfollow.kind == InboundKind.UNFOLLOW
    chat = parse_event(event("user_click_chatnow", user_id="9", oa_id="OA"), TS)
    assert chat is not None and chat.kind == InboundKind.FOLLOW and chat.sender_id == "9"
    info = parse_event(
        event("user_submit_info", sender={"id": "9"}, info={"name": "Lan", "phone": "8490"}), TS
    )
    assert info is not None and info.kind == InboundKind.CONTACT
    assert (info.phone, info.sender_name) == ("8490", "Lan")


@pytest.mark.parametrize(
    "name", ["oa_send_text", "oa_send_image", "oa_send_list", "user_seen_message", "whatever"]
)
def test_echoes_and_receipts_carry_nothing(name: str):
    assert parse_event(event(name, sender={"id": "OA"}, message={"msg_id": "x"}), TS) is None


@pytest.mark.parametrize(
    "data",
    [
        {"timestamp": TS},
        event("user_send_text", message={"text": "x"}),
        event("user_send_text", sender={"id": ""}, message={"text": "x"}),
        event("user_send_text", sender={"id": "a b"}, message={"text": "x"}),
        event("user_send_text", sender={"id": "1"}),
        event("follow"),
        event("user_send_image", sender={"id": "1"}, message={"attachments": "x"}),
    ],
)
def test_malformed_events(data: dict):
    with pytest.raises(MalformedEvent):
        parse_event(data, TS)


def test_bad_timestamp():
    with pytest.raises(MalformedEvent):
        parse_event(event("follow", follower={"id": "1"}), "yesterday")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    name=st.sampled_from(
        ["user_send_text", "user_send_image", "follow", "user_submit_info", "user_click_chatnow"]
    ),
    extra=st.dictionaries(
        st.sampled_from(["sender", "message", "follower", "info", "user_id"]), json_values
    ),
)
def test_any_body_is_parsed_or_refused_clearly(name: str, extra: dict):
    raw = json.dumps({"event_name": name, "timestamp": TS, **extra}).encode()
    with contextlib.suppress(MalformedEvent):
        parse_event(load_body(raw), TS)
