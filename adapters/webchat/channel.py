from __future__ import annotations

from core.errors import SendResult, Sent
from core.messages import OutgoingMessage, Recipient
from core.ports import Mailbox


class WebchatChannel:
    """Delivers into the session's mailbox; the browser's long poll picks it up."""

    platform = "webchat"

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        message_id = await self.mailbox.put(recipient.user_id, message)
        return Sent((str(message_id),))
