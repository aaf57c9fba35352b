"""P1 against the Zalo Bot Platform webhook: how many updates per second the running app
acknowledges at `POST /webhooks/zalobot`, and how fast, beside a bare FastAPI echo.

The method and the load generator are P1's (bench/telegram_webhook.py): on one fresh database,
each layout of `--layouts` right after an echo (a bare FastAPI app whose `POST
/webhooks/zalobot` reads the body and answers `{"ok":true}`, under the same uvicorn); open loop
at `--rates` for `--seconds` each, then a closed loop of `--connections` keep-alive senders.
The Zalo Bot Platform is the test suite's fake (tests/fakes/zalo_bot.py, loopback, in this
process), where the replies arrive. Every update is a distinct `message.text.received` in the
documented `{ok, result}` envelope, from one of 5,000 people, with the right
`X-Bot-Api-Secret-Token`. Afterwards it waits (up to `--drain` seconds) until every
acknowledged update of the last layout has been answered at the fake's sendMessage.

    .venv/bin/python -m bench.zalobot_webhook [--rates 100,250,500] [--seconds 5]
        [--connections 32] [--database-url URL] [--layouts serve,split] [--drain 600]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi import FastAPI, Request

from bench.telegram_webhook import (
    BOTS,
    LAYOUTS,
    Step,
    WallClock,
    add_layout_options,
    describe_store,
    print_layout,
    print_machine,
    run_against,
    run_process,
    spool_settings,
)
from tests.fakes.server import serve_in_thread
from tests.fakes.zalo_bot import TOKEN, FakeZaloBot

SECRET = "bench-zalobot-secret-0123456789"
PATH = "/webhooks/zalobot"
PEOPLE = 5000
QUIET = 20.0  # seconds without a new reply: processing has caught up

echo_app = FastAPI()


@echo_app.post(PATH)
async def echo(request: Request) -> dict[str, bool]:
    await request.body()
    return {"ok": True}


ECHO = [
    *(sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"),
    "bench.zalobot_webhook:echo_app",
]


class Updates:
    """Distinct Zalo Bot webhook requests with the secret header, made before the clock
    starts (the interface bench/telegram_webhook.run_against expects)."""

    def __init__(self, first_id: int = 0) -> None:
        self.next_id = first_id  # message ids go on across layouts: none is a duplicate
        self.made = 0

    def requests(self, count: int) -> list[bytes]:
        out = []
        for _ in range(count):
            self.next_id += 1
            person = f"{self.next_id % PEOPLE + 1:020x}"
            message = {
                "from": {"id": person, "display_name": "Lan", "is_bot": False},
                "chat": {"id": person, "chat_type": "PRIVATE"},
                "text": "Xin chào",
                "message_id": f"{self.next_id:020x}",
                "date": int(time.time() * 1000),
            }
            update = {
                "ok": True,
                "result": {"event_name": "message.text.received", "message": message},
            }
            body = json.dumps(update, ensure_ascii=False).encode()
            head = (
                f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            out.append(head.encode() + body)
        self.made += count
        return out


def measure_layouts(
    layouts: list[str], env: dict[str, str], args: argparse.Namespace, fake: FakeZaloBot
) -> tuple[dict[str, tuple[list[Step], list[Step]]], dict[str, float]]:
    """Each layout beside the echo measured just before it; and how long the replies to the
    updates acknowledged took to reach the fake, per layout (from the end of its load)."""
    results, drained = {}, {}
    last_id = 0
    for name in layouts:
        echo = run_process(ECHO, None, env, lambda port: run_against(port, Updates(), args))
        updates = Updates(last_id)
        command, companion = LAYOUTS[name]
        before = len(fake.delivered)
        finished: dict[str, float] = {}

        def wait_for_replies(
            updates: Updates = updates, before: int = before, finished: dict[str, float] = finished
        ) -> None:
            """Until every update sent has its reply, or none came for `QUIET` seconds (the
            closed loop's last requests may not have been sent at all)."""
            started = last_change = time.monotonic()
            seen = len(fake.delivered)
            while len(fake.delivered) - before < updates.made:
                now = time.monotonic()
                if now - last_change > QUIET or now - started > args.drain:
                    break
                time.sleep(0.5)
                if len(fake.delivered) != seen:
                    seen, last_change = len(fake.delivered), time.monotonic()
            finished["seconds"] = last_change - started

        steps = run_process(
            command,
            companion,
            env,
            lambda port, u=updates: run_against(port, u, args),
            afterwards=wait_for_replies,
        )
        results[name] = (echo, steps)
        last_id = updates.next_id
        drained[name] = finished.get("seconds", float("nan"))
        print(
            f"[{name}] {len(fake.delivered) - before} replies at the fake (of at most "
            f"{updates.made} updates), the last {drained[name]:.0f} s after the load ended",
            flush=True,
        )
    return results, drained


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rates", default="100,250,500", type=lambda s: [float(r) for r in s.split(",")]
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--drain", type=float, default=600.0)
    add_layout_options(parser, "serve,split")
    args = parser.parse_args()
    fake = FakeZaloBot(clock=WallClock())
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-zalobot-"))
    database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
    with serve_in_thread(fake.build_app()) as api_base:
        env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
        env.update(
            THIDUA_DATABASE_URL=database_url,
            THIDUA_LOG_LEVEL="warning",
            THIDUA_ZALOBOT_TOKEN=TOKEN,
            THIDUA_ZALOBOT_WEBHOOK_SECRET=SECRET,
            THIDUA_ZALOBOT_API_BASE=api_base,
            THIDUA_ZALOBOT_SEND_RATE="1000",  # the fake has no quota: measure our side
            **spool_settings(database_url, tmp, args.no_spool),
        )
        subprocess.run([*BOTS, "db", "upgrade"], env=env, check=True)
        results, _drained = measure_layouts(args.layouts, env, args, fake)
    print(
        f"\nP1 Zalo Bot webhook, {describe_store(env)}; {args.seconds:g} s per step, "
        f"{args.connections} keep-alive connections"
    )
    for name, (echo, steps) in results.items():
        print_layout(name, echo, steps, "sustained (closed loop)")
    print(f"\nreplies delivered at the fake sendMessage in all: {len(fake.delivered)}")
    print_machine("bench.zalobot_webhook")


if __name__ == "__main__":
    main()
