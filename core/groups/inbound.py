"""What the bot does with an update from a group chat (`IncomingMessage.group_id` set).

Adapters pass on only what concerns the bot: the bot added or removed, the group moved, and
messages addressed to it (a command to it, a mention, a reply to one of its messages). Here
a link code from an officer links the group; anything else is answered with a pointer to a
private chat, where the person's own data stays between them and the bot. Nobody who writes
in a group is stored: not their id, not their words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from core import outbox
from core.chat.links import GroupLinks
from core.errors import DomainError, Forbidden
from core.groups import service
from core.groups.models import GroupChat
from core.i18n import N_, Catalogs, Translator
from core.linking.service import LENGTH, normalise
from core.linking.texts import problem
from core.members import service as members
from core.members.models import Identity, UnionUnit
from core.messages import InboundKind, IncomingMessage, OutgoingMessage

LINK_COMMANDS = frozenset({"start", "link", "linkgroup"})
_COMMAND = re.compile(r"^/(\w{1,32})(?:@\w+)?\s*", re.S)
_MENTION = re.compile(r"@\w+\s*")

REFUSED = {
    "group_not_officer": N_(
        "Only an officer of the union can link this group. To talk with me, open a private "
        "chat: {link}"
    ),
    "group_other_unit": N_(
        "This code is for a union unit you are not an officer of, so it cannot link this "
        "group. Ask an officer of that unit to send it."
    ),
    "group_linked_elsewhere": N_(
        "This group is linked to {unit}, and you are not an officer of it. An officer of that "
        "unit can unlink it on the desk (Group chats) before it is linked to another unit."
    ),
}


ANONYMOUS = N_(
    "You are writing as the group (an anonymous admin), so I cannot tell whether you are an "
    "officer of the union, and the group is not linked. Turn off «Remain anonymous» in your "
    "admin rights for this group, send the code again (it still works), then turn it back on "
    "if you like."
)


@dataclass(frozen=True)
class Answer:
    """The group's identity (None: nothing to say, nothing stored) and the replies to post."""

    identity: Identity | None
    replies: list[OutgoingMessage]


def _code_in(text: str) -> str | None:
    """The link code in a message addressed to the bot ("/link@bot ABCDE-FGHIJ", "@bot CODE",
    "/start@bot CODE" from an add-to-group link), or None."""
    rest = text.strip()
    command = _COMMAND.match(rest)
    if command is not None:
        if command.group(1).lower() not in LINK_COMMANDS:
            return None
        rest = rest[command.end() :]
    rest = _MENTION.sub("", rest).strip()
    return rest if rest and len(normalise(rest)) == LENGTH and len(rest) <= 2 * LENGTH else None


def handle(
    session: Session,
    message: IncomingMessage,
    *,
    catalogs: Catalogs,
    locale: str,
    timezone: str,
    links: GroupLinks | None,
    now: datetime,
) -> Answer:
    """`locale`: the language the bot speaks in groups (the union's default)."""
    assert message.group_id is not None
    t = catalogs.translator(locale, timezone)
    platform, chat_id = message.platform, message.group_id
    if message.kind == InboundKind.GROUP_LEFT:
        chat = service.removed(session, platform=platform, chat_id=chat_id, now=now)
        if chat is not None:
            _tell_linker(session, chat, catalogs, timezone, now)
        return Answer(None, [])
    if message.kind == InboundKind.GROUP_MOVED:
        if message.moved_to:
            service.moved(
                session,
                platform=platform,
                old_id=chat_id,
                new_id=message.moved_to,
                title=message.group_title or "",
            )
        return Answer(None, [])
    group = members.touch_identity(session, platform=platform, platform_user_id=chat_id, now=now)
    if message.kind == InboundKind.GROUP_JOINED:
        return Answer(group, [OutgoingMessage(_welcome(t, links))])
    code = _code_in(message.text)
    if code is None:
        return Answer(group, [OutgoingMessage(_pointer(session, t, links, group))])
    if message.author_anonymous:  # the code is not spent: sent again by name, it links
        return Answer(group, [OutgoingMessage(t.gettext(ANONYMOUS))])
    return Answer(group, [OutgoingMessage(_link(session, message, t, links, group, code, now))])


def _tell_linker(
    session: Session, chat: GroupChat, catalogs: Catalogs, timezone: str, now: datetime
) -> None:
    """The officer who linked the group learns that its posts stopped, and how to resume."""
    found = service.linker_contact(session, chat)
    unit = session.get(UnionUnit, chat.unit_id)
    if found is None or unit is None:
        return
    identity, member = found
    t = catalogs.translator(member.locale, timezone)
    text = t.gettext(
        "The bot was removed from the group “{title}”: the announcements of {unit} are no "
        "longer posted there. To post them again, add the bot back and send /linkgroup.",
        title=chat.title,
        unit=unit.name,
    )
    outbox.enqueue(
        session,
        identity=identity,
        messages=[OutgoingMessage(text)],
        dedupe_prefix=f"group-removed:{chat.id}:{now.isoformat()}",
        now=now,
        proactive=True,
    )


def _link(
    session: Session,
    message: IncomingMessage,
    t: Translator,
    links: GroupLinks | None,
    group: Identity,
    code: str,
    now: datetime,
) -> str:
    try:
        _chat, unit = service.link(
            session,
            group=group,
            title=message.group_title or "",
            author_id=message.author_id,
            code=code,
            now=now,
        )
    except Forbidden as err:
        private = links.private_chat(None) if links else ""
        linked = service.group_of(session, group)
        served = session.get(UnionUnit, linked.unit_id) if linked is not None else None
        return t.gettext(
            REFUSED.get(err.code, REFUSED["group_not_officer"]),
            link=private,
            unit=served.name if served is not None else "",
        )
    except DomainError as err:
        return problem(t, err.code)
    return _linked(t, unit)


def _linked(t: Translator, unit: UnionUnit) -> str:
    return t.gettext(
        "Done: this group is linked to {unit}. From now on the launches of its emulation "
        "campaigns, its reviews and its commendations are also posted here. I never read or "
        "keep what members write in the group.",
        unit=unit.name,
    )


def _welcome(t: Translator, links: GroupLinks | None) -> str:
    return t.gettext(
        "Hello! I post the union's emulation campaigns and commendations. To get them in "
        "this group, an officer of the union sends /linkgroup to {mention} in a private "
        "chat, then sends here what I answer. I never read or keep what members write in "
        "the group.",
        mention=links.mention if links else "",
    )


def _pointer(session: Session, t: Translator, links: GroupLinks | None, group: Identity) -> str:
    chat = service.group_of(session, group)
    linked = chat is not None and chat.unlinked_at is None
    payload = chat.invite_code if chat is not None and linked else None
    link = links.private_chat(payload) if links else ""
    return t.gettext(
        "I answer in a private chat, so that what you tell me stays between us. Open it "
        "here: {link}",
        link=link,
    )
