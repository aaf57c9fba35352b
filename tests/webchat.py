"""A web chat user driven over HTTP, for end-to-end tests."""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import replace
from typing import Any

import httpx

from bots.bootstrap import Runtime
from core.chat.traits import ChannelTraits


class ChatUser:
    def __init__(self, client: httpx.AsyncClient, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime
        self.session = ""
        self.after = 0
        self.last: list[dict[str, Any]] = []

    async def open(self) -> ChatUser:
        response = await self.client.post("/chat/api/session")
        response.raise_for_status()
        self.session = response.json()["session"]
        return self

    async def post(self, *, text: str = "", payload: str | None = None, id: str | None = None):
        body: dict[str, Any] = {"session": self.session, "text": text, "id": id or uuid.uuid4().hex}
        if payload is not None:
            body["payload"] = payload
        return await self.client.post("/chat/api/messages", json=body)

    async def say(self, text: str = "", *, payload: str | None = None) -> list[dict[str, Any]]:
        """Send, let the bot process and deliver, and return the replies that arrived."""
        response = await self.post(text=text, payload=payload)
        assert response.status_code == 202, response.text
        return await self.replies()

    async def tap(self, label_or_payload: str) -> list[dict[str, Any]]:
        """Tap a button of the last replies, found by its label or payload."""
        for message in reversed(self.last):
            for button in message["buttons"] + message["quick_replies"]:
                if label_or_payload in (button["label"], button["payload"]):
                    return await self.say(button["label"], payload=button["payload"])
        raise AssertionError(f"no button {label_or_payload!r} in {self.last}\n{self.diagnosis()}")

    def diagnosis(self) -> str:
        """The newest inbound and outbox rows, to tell a lost update from a lost reply."""
        from sqlalchemy import text

        with self.runtime.engine.connect() as conn:
            inbound = conn.execute(
                text(
                    "SELECT id, platform, status, attempts, error, received_at, lease_until"
                    " FROM inbound_update ORDER BY id DESC LIMIT 6"
                )
            ).all()
            outbox = conn.execute(
                text(
                    "SELECT id, identity_id, platform, status, attempts, dedupe_key, proactive,"
                    " next_attempt_at, lease_until, last_error FROM outbox_message"
                    " ORDER BY id DESC LIMIT 8"
                )
            ).all()
        return f"inbound: {inbound}\noutbox: {outbox}\nafter={self.after}"

    async def replies(self) -> list[dict[str, Any]]:
        await self.runtime.drain()
        response = await self.client.get(
            "/chat/api/messages", params={"session": self.session, "after": self.after}
        )
        response.raise_for_status()
        messages = response.json()["messages"]
        if messages:
            self.after = messages[-1]["id"]
        self.last = messages
        return messages

    @staticmethod
    def texts(messages: list[dict[str, Any]]) -> str:
        return "\n".join(unicodedata.normalize("NFC", m["text"]) for m in messages)

    @staticmethod
    def payloads(messages: list[dict[str, Any]]) -> list[str]:
        return [b["payload"] for m in messages for b in m["buttons"]]


WEBCHAT_WITHOUT_BUTTONS = ChannelTraits(platform="webchat", text_limit=4000, buttons=False)


def without_buttons(runtime: Runtime) -> None:
    """Declare the web chat a channel without buttons (like Zalo's Bot Platform or SMS): every
    choice then comes as a numbered list and must be answered by typing."""
    processor = runtime.processor
    traits = {**processor.config.traits, "webchat": WEBCHAT_WITHOUT_BUTTONS}
    processor.config = replace(processor.config, traits=traits)
