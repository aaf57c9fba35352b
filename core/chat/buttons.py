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
from enum import Enum
from functools import cache
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
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            parts.append(_encode(f.name, getattr(self, f.name)))
        payload = SEP.join(parts)
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload over {MAX_PAYLOAD_BYTES} bytes: {payload!r}")
        return payload

    @classmethod
    def unpack(cls, payload: str) -> Self:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        parts = payload.split(SEP)
        if parts[0] != cls.__prefix__ or len(parts) != len(fields) + 1:
            raise BadPayload(payload)
        hints = _hints(cls)
        pairs = zip(fields, parts[1:], strict=True)
        values = {f.name: _decode(hints[f.name], raw) for f, raw in pairs}
        return cls(**values)

    @classmethod
    def prefix(cls) -> str:
        return cls.__prefix__


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


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


def _decode(hint: Any, raw: str) -> Any:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        if raw == "":
            return None
        (hint,) = [a for a in args if a is not type(None)]
    if hint is bool:
        if raw not in ("0", "1"):
            raise BadPayload(raw)
        return raw == "1"
    if hint is int:
        if not _INT.match(raw):
            raise BadPayload(raw)
        return int(raw)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(int(raw) if issubclass(hint, int) and _INT.match(raw) else raw)
        except ValueError as exc:
            raise BadPayload(raw) from exc
    if hint is str:
        return raw
    raise TypeError(f"unsupported button field type {hint!r}")
