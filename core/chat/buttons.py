"""Typed button payloads: one frozen dataclass per kind of button (after aiogram's
`CallbackData`).

A payload on the wire is ``prefix:field:field``: short enough for Telegram's 64 bytes, and
opaque to the person. Each feature spells its payloads only in its own ``buttons.py``::

    @dataclass(frozen=True, slots=True)
    class QuizAnswer(CallbackData, prefix="qa"):
        attempt: int
        question: int
        option: int

    QuizAnswer(7, 3, 2).pack()          # "qa:7:3:2"
    QuizAnswer.unpack("qa:7:3:2")       # QuizAnswer(attempt=7, question=3, option=2)

Field types: int, str (without ":"), bool, a StrEnum or IntEnum, and ``X | None`` of these.
`unpack` refuses anything else than what `pack` writes, so a forged or stale payload is a
`BadPayload`, never a crash in a handler.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache, partial
from typing import Any, ClassVar, Self

SEP = ":"
MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit, the strictest of the platforms
_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_INT = re.compile(r"^-?[0-9]{1,18}$")
_registry: dict[str, type[CallbackData]] = {}


class BadPayload(ValueError):
    """A payload that is not one this kind of button writes."""


class CallbackData:
    """Base of every typed button payload; subclasses are frozen dataclasses."""

    __prefix__: ClassVar[str]

    def __init_subclass__(cls, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is None:
            if "__prefix__" in cls.__dict__:  # the copy that @dataclass(slots=True) makes
                _registry[cls.__dict__["__prefix__"]] = cls
            return
        if not _PREFIX.match(prefix):
            raise ValueError(f"button prefix {prefix!r}: 1-16 lower-case letters, digits, _")
        if prefix in _registry and _registry[prefix].__qualname__ != cls.__qualname__:
            raise ValueError(f"button prefix {prefix!r} is used by {_registry[prefix]!r}")
        _registry[prefix] = cls
        cls.__prefix__ = prefix

    def pack(self) -> str:
        parts = [self.__prefix__]
        for name in _names(type(self)):
            parts.append(_encode(name, getattr(self, name)))
        payload = SEP.join(parts)
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload over {MAX_PAYLOAD_BYTES} bytes: {payload!r}")
        return payload

    @classmethod
    def unpack(cls, payload: str) -> Self:
        layout = _layout(cls)
        parts = payload.split(SEP)
        if parts[0] != cls.__prefix__ or len(parts) != len(layout) + 1:
            raise BadPayload(payload)
        pairs = zip(layout, parts[1:], strict=True)
        return cls(**{name: decode(raw) for (name, decode), raw in pairs})

    @classmethod
    def prefix(cls) -> str:
        return cls.__prefix__


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@cache
def _layout(cls: type) -> tuple[tuple[str, Callable[[str], Any]], ...]:
    """The fields of a kind of button, each with its decoder (worked out once per kind)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls))


def prefix_of(payload: str) -> str:
    return payload.split(SEP, 1)[0]


def kind_for(payload: str) -> type[CallbackData] | None:
    """The button kind whose prefix the payload carries, if any is declared."""
    return _registry.get(prefix_of(payload))


def _encode(name: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        value = value.value
    text = str(value)
    if SEP in text:
        raise ValueError(f"field {name} may not contain {SEP!r}: {text!r}")
    return text


def _decoder(hint: Any) -> Callable[[str], Any]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        decode = _decoder(inner)
        return lambda raw: None if raw == "" else decode(raw)
    if hint is bool:
        return _decode_bool
    if hint is int:
        return _decode_int
    if isinstance(hint, type) and issubclass(hint, Enum):
        return partial(_decode_enum, hint)
    if hint is str:
        return str
    raise TypeError(f"unsupported button field type {hint!r}")


def _decode_bool(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise BadPayload(raw)
    return raw == "1"


def _decode_int(raw: str) -> int:
    if not _INT.match(raw):
        raise BadPayload(raw)
    return int(raw)


def _decode_enum(hint: type[Enum], raw: str) -> Enum:
    try:
        return hint(int(raw) if issubclass(hint, int) and _INT.match(raw) else raw)
    except ValueError as exc:
        raise BadPayload(raw) from exc
