"""The `thidua` command. Each sub-command lives in its own module with a `register`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bots.cli import chat, db, demo, invite, officer, org, privacy, report, serve, worker
from bots.cli import member as member_cli
from bots.cli import quiz as quiz_cli
from bots.cli import telegram as telegram_cli
from bots.cli import zalobot as zalobot_cli
from bots.settings import SettingsError

COMMANDS = [serve, chat, db, demo, invite, officer, org, worker, report, privacy]
COMMANDS.append(telegram_cli)
COMMANDS.append(quiz_cli)
COMMANDS.append(zalobot_cli)
COMMANDS.append(member_cli)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thidua", description="thidua: emulation campaigns of trade unions, by chat"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
