"""`thidua zalobot set-webhook | delete-webhook | webhook-info | poll` (docs/zalo-bot.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from adapters.zalobot.client import ApiError, ZaloBotApi
from adapters.zalobot.polling import Poller, WebhookActive
from adapters.zalobot.routes import PATH
from bots.bootstrap import build_runtime
from bots.cli.polling import WEBHOOK_ACTIVE, serve_while_polling
from bots.platforms.zalobot import api_from_settings, new_client
from bots.settings import Settings, load_settings


def _settings() -> Settings:
    settings = load_settings()
    if settings.zalobot_token is None:
        print(
            "THIDUA_ZALOBOT_TOKEN is not set. Create a bot in Zalo (Zalo Bot Manager -> "
            "Tạo bot) and put the token it sends you there (see docs/zalo-bot.md).",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return settings


async def _with_api(settings: Settings, action: Callable[[ZaloBotApi], Awaitable[int]]) -> int:
    async with new_client(settings) as client:
        api = api_from_settings(settings, client)
        try:
            return await action(api)
        except ApiError as exc:
            print(f"Zalo refused: {exc}", file=sys.stderr)
            return 1


def _when(millis: object) -> str:
    if isinstance(millis, int) and millis > 0:
        return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return "?"


def _set_webhook(args: argparse.Namespace) -> int:
    settings = _settings()
    secret = settings.zalobot_webhook_secret
    if secret is None:
        print(
            "THIDUA_ZALOBOT_WEBHOOK_SECRET is not set: Zalo requires one (8-256 characters), "
            "and without it thidua refuses every webhook call. For example: "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`.',
            file=sys.stderr,
        )
        return 2
    url = args.url or str(settings.public_url).rstrip("/") + PATH
    if not url.startswith("https://"):
        print(f"Zalo needs an HTTPS webhook URL, not {url}.", file=sys.stderr)
        return 2

    async def action(api: ZaloBotApi) -> int:
        result = await api.set_webhook(url, secret.get_secret_value())
        print(f"Webhook set: {result.get('url') or url}")
        return 0

    return asyncio.run(_with_api(settings, action))


def _delete_webhook(args: argparse.Namespace) -> int:
    settings = _settings()

    async def action(api: ZaloBotApi) -> int:
        await api.delete_webhook()
        print("Webhook deleted. `thidua zalobot poll` can receive the messages now.")
        return 0

    return asyncio.run(_with_api(settings, action))


def _webhook_info(args: argparse.Namespace) -> int:
    settings = _settings()

    async def action(api: ZaloBotApi) -> int:
        me = await api.get_me()
        info = await api.get_webhook_info()
        print(f"Bot: {me.get('account_name', '?')} (id {me.get('id', api.bot_id)})")
        url = info.get("url")
        print(f"URL: {url or '(none: messages wait for getUpdates / thidua zalobot poll)'}")
        print(f"Updated: {_when(info.get('updated_at'))}")
        return 0

    return asyncio.run(_with_api(settings, action))


async def _poll(settings: Settings, timeout: int) -> int:
    runtime = build_runtime(settings)
    async with new_client(settings) as client:
        poller = Poller(api_from_settings(settings, client), runtime.inbox, now=runtime.clock.now)
        try:
            await poller.check()
        except (WebhookActive, ApiError) as exc:
            await runtime.aclose()
            runtime.dispose()
            if isinstance(exc, ApiError):
                print(f"Zalo refused: {exc}", file=sys.stderr)
                return 1
            print(
                f"A webhook is set for this bot ({exc}), and Zalo does not hand out messages "
                "by getUpdates while it is. Run `thidua zalobot delete-webhook` first, or "
                "keep the webhook and use `thidua serve`.",
                file=sys.stderr,
            )
            return WEBHOOK_ACTIVE
        return await serve_while_polling(
            settings,
            runtime,
            lambda stop: poller.run(stop, timeout=timeout),
            webhook_active=WebhookActive,
            banner="Polling the Zalo Bot Platform for messages (Ctrl+C to stop).",
        )


def _poll_command(args: argparse.Namespace) -> int:
    return asyncio.run(_poll(_settings(), args.timeout))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("zalobot", help="connect the Zalo Bot Platform bot: webhook or polling")
    commands = parser.add_subparsers(dest="zalobot_command", required=True, metavar="ACTION")
    hook = commands.add_parser("set-webhook", help="point Zalo at /webhooks/zalobot")
    hook.add_argument("--url", help="public HTTPS URL (default: THIDUA_PUBLIC_URL + path)")
    hook.set_defaults(run=_set_webhook)
    delete = commands.add_parser("delete-webhook", help="stop webhook delivery")
    delete.set_defaults(run=_delete_webhook)
    info = commands.add_parser("webhook-info", help="the bot and its webhook as Zalo knows them")
    info.set_defaults(run=_webhook_info)
    poll = commands.add_parser("poll", help="getUpdates, for a machine without a public URL")
    poll.add_argument("--timeout", type=int, default=30, help="seconds each call waits")
    poll.set_defaults(run=_poll_command)
