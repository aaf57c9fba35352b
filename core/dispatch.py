"""Routes one incoming message to the handler that answers it.

Order: a slash command; a button payload whose prefix a router claims globally; the active
guided flow (it sees text and its own buttons); a stale button; free text. Handlers return the
replies; they never send.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from core.broadcasts.rules import DeliveryPolicy
from core.chat.traits import ChannelTraits
from core.conversation import Conversation
from core.i18n import Catalogs, Translator
from core.initiatives.rules import AttachmentLimits
from core.messages import Button, IncomingMessage, OutgoingMessage

if TYPE_CHECKING:
    from core.members.models import Identity, Member

_COMMAND = re.compile(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.S)


@dataclass(frozen=True)
class ChatConfig:
    """What the composition root tells the chat.

    `traits` says what each messenger carries (platform -> ChannelTraits, declared by the
    adapters); the delivery policy plans with the same mapping, so either one given is used
    for both.
    """

    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)  # rates, quiet hours
    attachments: AttachmentLimits = field(default_factory=AttachmentLimits)  # initiative files
    traits: Mapping[str, ChannelTraits] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.traits:
            object.__setattr__(self, "traits", self.delivery.traits)
        elif not self.delivery.traits:
            object.__setattr__(self, "delivery", replace(self.delivery, traits=self.traits))
        elif self.delivery.traits != self.traits:
            raise ValueError("ChatConfig.traits and delivery.traits must be the same mapping")


@dataclass
class Context:
    session: Session
    message: IncomingMessage
    identity: Identity
    member: Member | None
    conv: Conversation
    catalogs: Catalogs
    config: ChatConfig
    now: datetime
    text: str  # cleaned: NFC, no zero-width characters, bounded
    t: Translator = field(init=False)

    def __post_init__(self) -> None:
        self.t = self.catalogs.translator(self.locale, self.config.timezone)

    @property
    def locale(self) -> str:
        if self.member is not None:
            return self.member.locale
        return self.conv.data.get("locale") or self.config.default_locale

    def use_locale(self, locale: str) -> None:
        self.t = self.catalogs.translator(locale, self.config.timezone)

    @property
    def onboarded(self) -> bool:
        return self.member is not None and self.member.onboarded_at is not None


Handler = Callable[[Context], list[OutgoingMessage]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    members_only: bool = False


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, Route] = {}
        self.payloads: dict[str, Route] = {}
        self.flows: dict[str, Handler] = {}

    def command(self, *names: str, members_only: bool = False) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            for name in names:
                self.commands[name] = Route(fn, members_only)
            return fn

        return register

    def payload(self, prefix: str, *, members_only: bool = False) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.payloads[prefix] = Route(fn, members_only)
            return fn

        return register

    def flow(self, name: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.flows[name] = fn
            return fn

        return register


def parse_command(text: str) -> tuple[str, str] | None:
    match = _COMMAND.match(text)
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


def payload_prefix(payload: str) -> str:
    return payload.split(":", 1)[0]


def payload_arg(payload: str) -> str:
    return payload.split(":", 1)[1] if ":" in payload else ""


@dataclass
class Fallbacks:
    """What answers when nothing else does; supplied by the members feature."""

    not_a_member: Handler  # anything from someone who has not joined (starts onboarding)
    unknown_command: Handler
    stale_button: Handler
    free_text: Handler


class Dispatcher:
    def __init__(self, routers: Iterable[Router], fallbacks: Fallbacks) -> None:
        self.commands: dict[str, Route] = {}
        self.payloads: dict[str, Route] = {}
        self.flows: dict[str, Handler] = {}
        for router in routers:
            for table, own in (
                (self.commands, router.commands),
                (self.payloads, router.payloads),
                (self.flows, router.flows),
            ):
                clash = table.keys() & own.keys()
                if clash:
                    raise ValueError(f"registered twice: {sorted(clash)}")
                table.update(own)  # type: ignore[arg-type]
        self.fallbacks = fallbacks

    def _guarded(self, route: Route, ctx: Context) -> list[OutgoingMessage]:
        if route.members_only and not ctx.onboarded:
            return self.fallbacks.not_a_member(ctx)
        return route.handler(ctx)

    def dispatch(self, ctx: Context) -> list[OutgoingMessage]:
        command = parse_command(ctx.text) if ctx.message.payload is None else None
        if command is not None:
            route = self.commands.get(command[0])
            if route is None:
                return self.fallbacks.unknown_command(ctx)
            return self._guarded(route, ctx)
        payload = ctx.message.payload
        if payload is not None:
            route = self.payloads.get(payload_prefix(payload))
            if route is not None:
                return self._guarded(route, ctx)
        if ctx.conv.flow is not None and ctx.conv.flow in self.flows:
            return self.flows[ctx.conv.flow](ctx)
        if not ctx.onboarded:
            return self.fallbacks.not_a_member(ctx)
        if payload is not None:
            return self.fallbacks.stale_button(ctx)
        return self.fallbacks.free_text(ctx)


def reply(text: str, *buttons: Button) -> OutgoingMessage:
    return OutgoingMessage(text=text, buttons=tuple(buttons))
