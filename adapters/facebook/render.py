"""How a core `OutgoingMessage` looks on Messenger: the `message` objects of the Send API.

Limits (Send API reference, declared in adapters/facebook/traits.py): text shorter than 2000
characters; at most 13 quick replies whose title shows 20 characters (Meta cuts longer ones
silently) and whose payload is at most 1000 characters; a button template holds 1 to 3
postback buttons under a text of at most 640.

- Up to 13 options with short labels become quick replies.
- Up to 13 options where one label is too long: the full labels go into the text as a
  numbered list, and the quick replies show "1. Ngư…" so the tap still says what it chose.
- More than 13 options: the text, then button templates of three numbered options each.
  Quick replies would not do here: Messenger shows them only under the last message of the
  thread, so a second message with the rest would hide the first ones. Template buttons stay.
"""

from __future__ import annotations

from typing import Any

from adapters.facebook.traits import (
    PAYLOAD_MAX_CHARS,
    TEMPLATE_BUTTONS,
    TEMPLATE_TEXT_MAX,
    TRAITS,
)
from core.messages import Button, OutgoingMessage

MAX_TEXT = TRAITS.text_limit
MAX_QUICK_REPLIES = TRAITS.max_buttons
MAX_TITLE = TRAITS.button_label_max
MAX_PAYLOAD = PAYLOAD_MAX_CHARS
MAX_TEMPLATE_TEXT = TEMPLATE_TEXT_MAX

Message = dict[str, Any]


def options_of(message: OutgoingMessage) -> list[Button]:
    """Buttons and quick replies are one list of choices on Messenger (first wins on a clash)."""
    seen: set[str] = set()
    options: list[Button] = []
    for button in (*message.buttons, *message.quick_replies):
        if button.payload not in seen:
            seen.add(button.payload)
            options.append(button)
    return options


def shorten(text: str, limit: int = MAX_TITLE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def numbered(index: int, label: str) -> str:
    return f"{index}. {label}"


def render(message: OutgoingMessage) -> list[Message]:
    """The Send API `message` objects for one core message, in sending order.

    Every payload must already be at most MAX_PAYLOAD characters (the channel replaces longer
    ones by a stored key first).
    """
    options = options_of(message)
    for option in options:
        if len(option.payload) > MAX_PAYLOAD:
            raise ValueError(f"button payload longer than {MAX_PAYLOAD} characters")
    out: list[Message] = []
    if message.image_url:
        out.append(
            {
                "attachment": {
                    "type": "image",
                    "payload": {"url": message.image_url, "is_reusable": True},
                }
            }
        )
    text = message.text.strip()
    if not options:
        out.extend({"text": part} for part in _parts(text))
        return out
    if len(options) > MAX_QUICK_REPLIES:
        out.extend({"text": part} for part in _parts(text))
        out.extend(_templates(options))
        return out
    long_labels = any(len(" ".join(o.label.split())) > MAX_TITLE for o in options)
    if long_labels:
        listing = "\n".join(numbered(i, o.label) for i, o in enumerate(options, 1))
        text = f"{text}\n\n{listing}" if text else listing
        titles = [shorten(numbered(i, o.label)) for i, o in enumerate(options, 1)]
    else:
        titles = [shorten(o.label) for o in options]
    parts = _parts(text) or [titles[0]]  # a quick reply needs a text to hang under
    out.extend({"text": part} for part in parts[:-1])
    out.append(
        {
            "text": parts[-1],
            "quick_replies": [
                {"content_type": "text", "title": title, "payload": o.payload}
                for title, o in zip(titles, options, strict=True)
            ],
        }
    )
    return out


def _parts(text: str) -> list[str]:
    return [p for p in TRAITS.split(text) if p.strip()] if text else []


def _templates(options: list[Button]) -> list[Message]:
    out: list[Message] = []
    for start in range(0, len(options), TEMPLATE_BUTTONS):
        chunk = list(enumerate(options[start : start + TEMPLATE_BUTTONS], start + 1))
        lines = [
            shorten(numbered(i, o.label), MAX_TEMPLATE_TEXT // TEMPLATE_BUTTONS) for i, o in chunk
        ]
        out.append(
            {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "button",
                        "text": "\n".join(lines),
                        "buttons": [
                            {
                                "type": "postback",
                                "title": shorten(numbered(i, o.label)),
                                "payload": o.payload,
                            }
                            for i, o in chunk
                        ],
                    },
                }
            }
        )
    return out
