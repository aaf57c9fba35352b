"""Wiring of the messenger adapters: each module builds its channel and webhook router from
settings when the platform is configured, and leaves the runtime alone when it is not."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bots.bootstrap import Runtime

Wiring = Callable[["Runtime"], None]


def _wirings() -> list[Wiring]:
    """One `wire(runtime)` per messenger. Each returns at once when its settings are absent;
    when present it adds `runtime.channels[platform]`, its webhook router to `runtime.routers`
    and its client's close function to `runtime.closers`."""
    from bots.platforms import facebook

    wirings: list[Wiring] = [facebook.wire]
    from bots.platforms import telegram

    wirings.append(telegram.wire)
    from bots.platforms import zalo

    wirings.append(zalo.wire)
    return wirings


def wire_platforms(runtime: Runtime) -> None:
    for wire in _wirings():
        wire(runtime)
