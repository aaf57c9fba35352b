"""`thidua privacy purge`: personal data past its retention period, now (the scheduler does
the same every hour; docs/privacy.md)."""

from __future__ import annotations

import argparse

from bots.scheduling import retention_policy
from bots.settings import load_settings
from core.clock import SystemClock
from core.storage.engine import make_engine
from scheduler.jobs import purge_personal_data


def _purge(_args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        counts = purge_personal_data(engine, SystemClock(), retention_policy(settings))
    finally:
        engine.dispose()
    print("purged: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("privacy", help="personal data: the retention purge")
    actions = parser.add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    purge = actions.add_parser("purge", help="delete personal data past its retention period")
    purge.set_defaults(run=_purge)
