"""How a core button payload travels through Zalo.

An `oa.query.hide` button sends its payload string back as an ordinary user message
(`user_send_text`, not shown in the chat). A marker tells such a message from text that a
person typed. Payloads too long to carry directly travel as a short key of the
`PayloadStore`.
"""

from __future__ import annotations

PAYLOAD_MARK = "#td:"  # the payload itself follows
KEY_MARK = "#tdk:"  # a PayloadStore key follows
MAX_INLINE_PAYLOAD = 100  # Zalo documents no limit; longer payloads go behind a key


def encode(payload: str, key: str | None = None) -> str:
    if key is not None:
        return KEY_MARK + key
    return PAYLOAD_MARK + payload


def decode(text: str) -> tuple[str | None, str | None]:
    """(payload, key) carried by a message text; (None, None) for typed text."""
    if text.startswith(KEY_MARK):
        return None, text[len(KEY_MARK) :].strip()
    if text.startswith(PAYLOAD_MARK):
        return text[len(PAYLOAD_MARK) :].strip(), None
    return None, None
