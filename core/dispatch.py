"""Routes one incoming message to the handler that answers it.

Order: a slash command; a typed answer to the choices last offered (it becomes the tap it
names, see `core.chat.choices`); a command's word typed without its slash («menu», «trợ giúp»,
«hủy»: `Router.command`'s `words`) where no free text is expected; a button, by its typed kind
(`router.button`); the step the conversation is at (`router.step`); a stale button; free
text. In a step that accepts only choices, an answer that names none is asked again with the
choices. Handlers return the replies; they never send. The replies are rendered for the
person's channel (numbered choices where it has no buttons) and the last one that offered
choices is kept with the conversation, so the next typed answer can be matched to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session

from core.chat import choices
from core.chat.attachments import AttachmentLimits
from core.chat.buttons import BadPayload, CallbackData, prefix_of
from core.chat.links import GroupLinks
from core.chat.render import choices_of, render
from core.chat.steps import Step, step_of
from core.chat.traits import ChannelTraits
from core.conversation import Conversation
from core.delivery_policy import DeliveryPolicy
from core.held import HeldWrites
from core.i18n import Catalogs, Translator
from core.messages import Button, IncomingMessage, OutgoingMessage
from core.offered import newest_unanswered

if TYPE_CHECKING:
    from core.members.models import Identity, Member

_COMMAND = re.compile(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.S)


@dataclass(frozen=True)
class ChatConfig:
    """What the composition root tells the chat.

    `traits` says what each messenger carries (platform -> ChannelTraits, declared by the
    adapters); the delivery policy plans with the same mapping: given here, it replaces the
    policy's, and when only the policy has one, it is used here too.
    """

    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)  # rates, quiet hours
    attachments: AttachmentLimits = field(default_factory=AttachmentLimits)  # initiative files
    traits: Mapping[str, ChannelTraits] = field(default_factory=dict, hash=False)  # by platform
    web_signin_url: str | None = None  # the officer desk's sign-in page; None: the desk is off
    public_url: str = "http://127.0.0.1:8000"  # THIDUA_PUBLIC_URL, for links such as /mydata's
    # the key of the privacy hashes (THIDUA_PRIVACY_KEY); empty: the database's own
    privacy_key: bytes = field(default=b"", repr=False)
    # messengers whose group chats are served, and how to name and link their bot there
    group_links: Mapping[str, GroupLinks] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.traits:
            object.__setattr__(self, "traits", self.delivery.traits)
        elif self.delivery.traits != self.traits:
            object.__setattr__(self, "delivery", replace(self.delivery, traits=self.traits))


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
    # the batch's held writes (core/held.py), for a batched handler; None: write at once
    held: HeldWrites | None = None
    t: Translator = field(init=False)

    def __post_init__(self) -> None:
        self.t = self.catalogs.translator(self.locale, self.config.timezone)

    @property
    def locale(self) -> str:
        if self.member is not None:
            return self.member.locale
        return self.conv.locale_hint() or self.config.default_locale

    def settle(self) -> None:
        """Write what the batch holds, so that a handler that is not batched reads it (and
        forget what the batch read for batched handlers, which it might change)."""
        if self.held is not None:
            self.held.settle()

    def use_locale(self, locale: str) -> None:
        self.t = self.catalogs.translator(locale, self.config.timezone)

    @property
    def onboarded(self) -> bool:
        return self.member is not None and self.member.onboarded_at is not None


Handler = Callable[[Context], list[OutgoingMessage]]
B = TypeVar("B", bound=CallbackData)
ButtonHandler = Callable[[Context, Any], list[OutgoingMessage]]
TypedHandler = Callable[[Context, B], list[OutgoingMessage]]
# reads once, at a batch's start, what a batched route's taps in it need (`Router.button`):
# the session, the batch's held writes (whose `reads` keep it) and (member, tap, the
# update's own time) triples
Prefetch = Callable[[Session, HeldWrites, list[tuple[Any, Any, datetime]]], None]


@dataclass(frozen=True)
class Route:
    handler: Handler
    members_only: bool = False
    batched: bool = False  # runs with the batch's writes held (core/held.py), as below


@dataclass(frozen=True)
class ButtonRoute:
    kind: type[CallbackData]
    handler: ButtonHandler
    members_only: bool = False
    when: tuple[tuple[str, object], ...] = ()  # field values this route is for (all, if empty)
    batched: bool = False  # reads and holds with the batch's held writes (core/held.py)
    prefetch: Prefetch | None = None  # a batched route's reads for a whole batch

    def claims(self, data: CallbackData) -> bool:
        return all(getattr(data, name) == value for name, value in self.when)


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, Route] = {}
        self.buttons: list[ButtonRoute] = []
        self.steps: dict[tuple[str, str], Handler] = {}
        self.batched_steps: set[tuple[str, str]] = set()
        self.words: dict[str, str] = {}  # a command's word (folded) -> the command's name

    def command(
        self,
        *names: str,
        members_only: bool = False,
        batched: bool = False,
        words: Iterable[str] = (),
    ) -> Callable[[Handler], Handler]:
        """Register a command's handler; `batched`: it runs with the batch's writes held
        (core/held.py), so it must read none of what a batch holds (the outbox, conversation
        states, quiz answers, scores) or call `ctx.settle()` before it does; `words`: what
        typed alone, without a slash, is that command too (compared folded: "tro giup" is
        «Trợ giúp»), outside any conversation and at a step that does not take free text."""

        def register(fn: Handler) -> Handler:
            for name in names:
                self.commands[name] = Route(fn, members_only, batched)
            for word in words:
                self.words[choices.key(word)] = names[0]
            return fn

        return register

    def button(
        self,
        kind: type[B],
        *,
        members_only: bool = False,
        batched: bool = False,
        prefetch: Prefetch | None = None,
        **when: object,
    ) -> Callable[[TypedHandler[B]], TypedHandler[B]]:
        """Register a handler for taps of `kind` (only those whose fields equal `when`);
        `batched`: it works with the batch's held writes (core/held.py), which other
        handlers find written before they run; `prefetch`: what it reads, read for all of a
        batch's taps of it at once."""

        def register(fn: TypedHandler[B]) -> TypedHandler[B]:
            when_ = tuple(when.items())
            self.buttons.append(ButtonRoute(kind, fn, members_only, when_, batched, prefetch))
            return fn

        return register

    def step(self, *steps: Step, batched: bool = False) -> Callable[[Handler], Handler]:
        """Register the handler of what is typed or sent at these steps; `batched`: it runs
        with the batch's writes held, as a batched command does (`command`)."""

        def register(fn: Handler) -> Handler:
            for one in steps:
                self.steps[one.key] = fn
                if batched:
                    self.batched_steps.add(one.key)
            return fn

        return register


def parse_command(text: str) -> tuple[str, str] | None:
    match = _COMMAND.match(text)
    if not match:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


def payload_prefix(payload: str) -> str:
    return prefix_of(payload)


def payload_arg(payload: str) -> str:
    return payload.split(":", 1)[1] if ":" in payload else ""


@dataclass
class Fallbacks:
    """What answers when nothing else does; supplied by the members feature."""

    not_a_member: Handler  # anything from someone who has not joined (starts onboarding)
    unknown_command: Handler
    stale_button: Handler
    # what a member types outside any step: runs with the batch's writes held, like a
    # batched command (`Router.command`)
    free_text: Handler
    not_a_choice: Handler  # typed text at a step that takes only one of the offered choices


def _merge(table: dict[Any, Any], own: dict[Any, Any]) -> None:
    clash = table.keys() & own.keys()
    if clash:
        raise ValueError(f"registered twice: {sorted(map(str, clash))}")
    table.update(own)


class Dispatcher:
    def __init__(self, routers: Iterable[Router], fallbacks: Fallbacks) -> None:
        self.commands: dict[str, Route] = {}
        self.buttons: dict[str, list[ButtonRoute]] = {}
        self.steps: dict[tuple[str, str], Handler] = {}
        self.batched_steps: set[tuple[str, str]] = set()
        self.words: dict[str, str] = {}
        for router in routers:
            _merge(self.commands, router.commands)
            _merge(self.words, router.words)
            _merge(self.steps, router.steps)
            self.batched_steps |= router.batched_steps
            for route in router.buttons:
                self.buttons.setdefault(route.kind.prefix(), []).append(route)
        self.fallbacks = fallbacks

    def prefetch(
        self, session: Session, held: HeldWrites, taps: list[tuple[Any, str, datetime]]
    ) -> None:
        """Let the batched routes of a batch's taps ((member, payload, the update's own time)
        of members) read what those taps need, once for the batch (`Router.button`'s
        `prefetch`)."""
        wanted: dict[Prefetch, list[tuple[Any, Any, datetime]]] = {}
        for member, payload, at in taps:
            routes = self.buttons.get(prefix_of(payload))
            if not routes:
                continue
            try:
                data = routes[0].kind.unpack(payload)
            except BadPayload:
                continue
            route = next((r for r in routes if r.claims(data)), None)
            if route is not None and route.batched and route.prefetch is not None:
                wanted.setdefault(route.prefetch, []).append((member, data, at))
        for prefetch, items in wanted.items():
            prefetch(session, held, items)

    def _guarded(self, route: Route, ctx: Context) -> list[OutgoingMessage]:
        if not route.batched or (route.members_only and not ctx.onboarded):
            ctx.settle()
        if route.members_only and not ctx.onboarded:
            return self.fallbacks.not_a_member(ctx)
        return route.handler(ctx)

    def dispatch(self, ctx: Context) -> list[OutgoingMessage]:
        """Answer the message, rendered for the person's channel; remember what was offered.
        Every handler but a batched one finds the batch's held writes written."""
        answers = self._answer(ctx)
        offered = [m for m in answers if choices_of(m)]
        ctx.conv.offer(offered[-1] if offered else None)
        return [self._render(ctx, message) for message in answers]

    def _answer(self, ctx: Context) -> list[OutgoingMessage]:
        command = parse_command(ctx.text) if ctx.message.payload is None else None
        if command is not None:
            route = self.commands.get(command[0])
            if route is None:
                ctx.settle()
                return self.fallbacks.unknown_command(ctx)
            return self._guarded(route, ctx)
        step = step_of(ctx.conv.flow, ctx.conv.step)
        if ctx.message.payload is None and ctx.text:
            tapped = self._typed_choice(ctx, step)
            word = self._typed_command(ctx, step) if tapped is None else None
            if tapped is not None:
                ctx.message = replace(ctx.message, payload=tapped)
            elif word is not None:
                ctx.text = f"/{word}"
                return self._guarded(self.commands[word], ctx)
            elif (
                step is not None
                and step.choices_only
                and ctx.conv.prompt is not None
                and not ctx.message.attachments  # a file with a caption goes to the step
            ):
                ctx.settle()
                return self.fallbacks.not_a_choice(ctx)
        payload = ctx.message.payload
        if payload is not None:
            answered = self._button(ctx, payload)
            if answered is not None:
                return answered
        handler = self.steps.get(step.key) if step is not None else None
        if handler is None and ctx.onboarded and payload is None:
            return self.fallbacks.free_text(ctx)  # batched (`Fallbacks`)
        if handler is not None and step is not None and step.key in self.batched_steps:
            return handler(ctx)
        ctx.settle()
        if handler is not None:
            return handler(ctx)
        if not ctx.onboarded:
            return self.fallbacks.not_a_member(ctx)
        return self.fallbacks.stale_button(ctx)  # a payload no route claimed

    def _typed_command(self, ctx: Context, step: Step | None) -> str | None:
        """The command whose word the text is («menu», «trợ giúp»), where a command's word
        cannot be an answer: outside any conversation, at a step that takes only its choices
        (a member's; while joining the question is asked again), or at a free step declared
        to take no such word (an invite code's)."""
        if ctx.message.attachments:
            return None
        name = self.words.get(choices.key(ctx.text))
        if name is None:
            return None
        if ctx.conv.flow is None or (step is not None and step.no_words):
            return name
        if step is not None and step.choices_only and ctx.onboarded:
            return name  # while joining, the question is asked again (`not_a_choice`)
        return None

    def _typed_choice(self, ctx: Context, step: Step | None) -> str | None:
        """The payload of the offered choice that the typed text names, if it names one.

        At a step that takes free input only a typed label counts (a number or a letter there
        is an answer of its own); elsewhere the number and the letter count too. Where no
        conversation is under way, the choices of a message sent since the last reply (an
        announcement, a call: `core.offered`) come first, then the last reply's.
        """
        prompts = [ctx.conv.prompt]
        if ctx.conv.flow is None and ctx.identity.id is not None:
            prompts.insert(0, newest_unanswered(ctx.session, ctx.identity.id, ctx.held))
        positional = step is None or step.choices_only
        if step is None and ctx.conv.flow is not None:  # a flow with undeclared steps
            positional = False
        for prompt in prompts:
            if prompt is None:
                continue
            shown = choices_of(prompt)
            index = choices.match(ctx.text, [b.label for b in shown], positional=positional)
            if index is not None:
                return shown[index].payload
        return None

    def _button(self, ctx: Context, payload: str) -> list[OutgoingMessage] | None:
        routes = self.buttons.get(prefix_of(payload))
        if not routes:
            return None
        try:
            data = routes[0].kind.unpack(payload)
        except BadPayload:
            ctx.settle()
            return self.fallbacks.stale_button(ctx) if ctx.onboarded else None
        for route in routes:
            if route.claims(data):
                if not route.batched or (route.members_only and not ctx.onboarded):
                    ctx.settle()
                if route.members_only and not ctx.onboarded:
                    return self.fallbacks.not_a_member(ctx)
                return route.handler(ctx, data)
        return None

    def _render(self, ctx: Context, message: OutgoingMessage) -> OutgoingMessage:
        traits = ctx.config.traits.get(ctx.message.platform)
        return render(message, traits, ctx.t.gettext("Type the number of your choice."))


def reply(text: str, *buttons: Button | tuple[str, CallbackData]) -> OutgoingMessage:
    """A message with buttons: `Button`s, or (label, typed payload) pairs."""
    return OutgoingMessage(text=text, buttons=tuple(_button_of(b) for b in buttons))


def button(label: str, data: CallbackData) -> Button:
    return Button(label, data.pack())


def _button_of(item: Button | tuple[str, CallbackData]) -> Button:
    return item if isinstance(item, Button) else Button(item[0], item[1].pack())
