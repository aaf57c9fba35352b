"""Periodic housekeeping of the message path."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from core.ports import Clock
from core.storage import inbound

DEDUPE_HORIZON = timedelta(hours=48)  # Telegram 24 h, Meta 36 h, Zalo 12 h: all covered


def purge_inbound(engine: Engine, clock: Clock) -> int:
    return inbound.purge_done(engine, older_than=clock.now() - DEDUPE_HORIZON)
