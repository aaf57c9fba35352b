"""The `thidua` command. Each sub-command lives in its own module with a `register`.

A command's module is imported only when that command runs (or for the full help): each
imports what its work needs, and `thidua worker` started again after a crash (docs/benchmarks.md,
P7) should not first import the web app, the desk and every export."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from bots.settings import SettingsError

# bots/cli/<name>.py registers the command <name>; in the order of `thidua --help`
COMMANDS = [
    "serve",
    "chat",
    "db",
    "demo",
    "invite",
    "officer",
    "org",
    "worker",
    "report",
    "privacy",
    "telegram",
    "quiz",
    "zalobot",
    "member",
]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser, or only the command `only`'s (its module alone imported)."""
    parser = argparse.ArgumentParser(
        prog="thidua", description="thidua: emulation campaigns of trade unions, by chat"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS if only is None else [only]:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    args_in = list(sys.argv[1:] if argv is None else argv)
    command = args_in[0] if args_in and args_in[0] in COMMANDS else None
    args = build_parser(command).parse_args(args_in)
    try:
        return int(args.run(args) or 0)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
