from __future__ import annotations

from dataclasses import replace

from adapters.webchat.traits import TRAITS
from core.errors import SendResult, Sent
from core.messages import OutgoingMessage, Recipient
from core.ports import Mailbox


class WebchatChannel:
    """Delivers into the session's mailbox; the browser's long poll picks it up. A text over
    the page's limit goes as several messages, the buttons under the last."""

    platform = TRAITS.platform
    traits = TRAITS

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        parts = self.traits.split(message.text) or [message.text]
        if len(parts) == 1:
            return Sent((str(await self.mailbox.put(recipient.user_id, message)),))
        pieces = [OutgoingMessage(parts[0], image_url=message.image_url)]
        pieces += [OutgoingMessage(part) for part in parts[1:-1]]
        pieces.append(replace(message, text=parts[-1], image_url=None))
        ids = [str(await self.mailbox.put(recipient.user_id, piece)) for piece in pieces]
        return Sent(tuple(ids))
