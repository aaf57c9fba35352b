"""What the local web chat carries: our own page, so the limits are ours (the page shows
a long text and many buttons; beyond these, a message is unreadable anyway)."""

from __future__ import annotations

from core.chat.traits import ChannelTraits, OutsideWindow, TextUnit

TRAITS = ChannelTraits(
    platform="webchat",
    text_limit=10_000,  # as much as a person may type into it (adapters/webchat/routes.py)
    text_unit=TextUnit.CHARS,
    buttons=True,
    max_buttons=20,  # a column of buttons still fits a phone screen
    button_label_max=60,  # a button wraps to two lines on a phone beyond this
    payload_max_bytes=None,  # payloads stay on the server (the mailbox)
    window_hours=None,  # the page polls its mailbox whenever it is open
    outside_window=OutsideWindow.NOTHING,
    send_rate=0.0,  # a database row per message: nothing to pace
)
