"""A web chat user against the running server (background workers on), over real HTTP."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx


class LiveChat:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=15)
        self.session = self.http.post("/chat/api/session").json()["session"]
        self.after = 0

    def send(
        self,
        text: str = "",
        payload: str | None = None,
        *,
        until_buttons: bool = False,
        until: re.Pattern[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Send and return the replies once the bot has answered (long poll, no sleeps); with
        `until_buttons`, once a reply with buttons has come (an answer of several messages may
        arrive in more than one poll); with `until`, once a reply matching it has come (the
        running server's scheduler may send something else first, a pledge call say)."""
        body: dict[str, Any] = {"session": self.session, "text": text, "id": uuid.uuid4().hex}
        if payload is not None:
            body["payload"] = payload
        assert self.http.post("/chat/api/messages", json=body).status_code == 202
        deadline = time.monotonic() + 20
        seen: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            got = self.http.get(
                "/chat/api/messages",
                params={"session": self.session, "after": self.after, "wait": 5},
            ).json()["messages"]
            if got:
                self.after = got[-1]["id"]
                seen += got
                if until is not None:
                    if any(until.search(m["text"]) for m in got):
                        return seen
                elif not until_buttons or any(m["buttons"] or m["quick_replies"] for m in got):
                    return seen
        raise AssertionError(f"no answer to {text or payload!r}")

    def received(self, until: str | None = None) -> str:
        """What the bot sent since the last read (waits for at least one message); with
        `until`, everything up to a message containing it (a personal message and an
        announcement decided together may arrive in separate polls)."""
        deadline = time.monotonic() + 20
        seen: list[str] = []
        while time.monotonic() < deadline:
            got = self.http.get(
                "/chat/api/messages",
                params={"session": self.session, "after": self.after, "wait": 10},
            ).json()["messages"]
            if got:
                self.after = got[-1]["id"]
                seen += [m["text"] for m in got]
            if seen and (until is None or any(until in text for text in seen)):
                break
        return "\n".join(seen)

    def text_of(self, text: str = "", payload: str | None = None) -> str:
        return "\n".join(m["text"] for m in self.send(text, payload))

    def join(self, code: str, name: str) -> None:
        for text, payload in (
            ("/start", None),
            (code, None),
            ("", "onb_ok:1"),
            ("", "onb_pur:announcements:1"),
            ("", "onb_pur:public_name:1"),
            (name, None),
            ("", "onb_name:1"),  # «Đúng»: the name shown back is right
            ("", "onb_group:direct_worker"),
            ("", "onb_lead:0"),
        ):
            self.send(text, payload, until_buttons=text == name or payload == "onb_name:1")
        self.send("", "onb_lang:vi")

    def close(self) -> None:
        self.http.close()
