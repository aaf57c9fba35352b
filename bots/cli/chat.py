from __future__ import annotations

import argparse
import asyncio
import getpass

from bots.bootstrap import build_runtime
from bots.settings import load_settings
from bots.terminal_chat import run


def _read_line() -> str:
    try:
        return input("you> ")
    except EOFError:
        return "/quit"


def _chat(args: argparse.Namespace) -> int:
    settings = load_settings()
    runtime = build_runtime(settings, messengers=())
    try:
        asyncio.run(run(runtime, args.user or f"local-{getpass.getuser()}", _read_line))
    except KeyboardInterrupt:
        pass
    finally:
        runtime.dispose()
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("chat", help="talk to the bot in this terminal")
    parser.add_argument("--user", help="who you are in the chat (default: your login name)")
    parser.set_defaults(run=_chat)
