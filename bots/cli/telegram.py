"""`thidua telegram set-webhook | delete-webhook | webhook-info | poll`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram import Bot
from telegram.error import TelegramError

from adapters.telegram.inbound import ALLOWED_UPDATES, TelegramInbound
from adapters.telegram.outbound import TelegramChannel
from adapters.telegram.polling import Poller, WebhookActive
from adapters.telegram.routes import PATH
from bots.bootstrap import build_runtime
from bots.cli.polling import WEBHOOK_ACTIVE, serve_while_polling
from bots.platforms.telegram import bot_from_settings, bot_id_of
from bots.settings import Settings, load_settings


def _settings() -> Settings:
    settings = load_settings()
    if settings.telegram_token is None:
        print(
            "THIDUA_TELEGRAM_TOKEN is not set. Create a bot with @BotFather and put its token "
            "there (see docs/telegram.md).",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return settings


async def _with_bot(settings: Settings, action) -> int:  # type: ignore[no-untyped-def]
    bot = bot_from_settings(settings)
    try:
        return int(await action(bot))
    except TelegramError as exc:
        print(f"Telegram refused: {exc}", file=sys.stderr)
        return 1
    finally:
        await bot.shutdown()


def _set_webhook(args: argparse.Namespace) -> int:
    settings = _settings()
    secret = settings.telegram_webhook_secret
    if secret is None:
        print(
            "THIDUA_TELEGRAM_WEBHOOK_SECRET is not set: without it the webhook would accept "
            "anyone's updates, so thidua refuses them all. Set 1-256 characters of A-Z a-z "
            '0-9 _ - (for example the output of `python -c "import secrets; '
            'print(secrets.token_urlsafe(32))"`).',
            file=sys.stderr,
        )
        return 2
    url = args.url or str(settings.public_url).rstrip("/") + PATH

    async def action(bot: Bot) -> int:
        await bot.set_webhook(
            url,
            secret_token=secret.get_secret_value(),
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=args.drop_pending_updates,
            max_connections=args.max_connections,
        )
        print(f"Webhook set: {url}")
        print(f"Update types: {', '.join(ALLOWED_UPDATES)}")
        return 0

    return asyncio.run(_with_bot(settings, action))


def _delete_webhook(args: argparse.Namespace) -> int:
    settings = _settings()

    async def action(bot: Bot) -> int:
        await bot.delete_webhook(drop_pending_updates=args.drop_pending_updates)
        print("Webhook deleted. `thidua telegram poll` can receive the updates now.")
        return 0

    return asyncio.run(_with_bot(settings, action))


def _webhook_info(args: argparse.Namespace) -> int:
    settings = _settings()

    async def action(bot: Bot) -> int:
        info = await bot.get_webhook_info()
        print(f"URL: {info.url or '(none: updates wait for getUpdates / thidua telegram poll)'}")
        print(f"Pending updates: {info.pending_update_count}")
        if info.max_connections is not None:
            print(f"Max connections: {info.max_connections}")
        if info.allowed_updates:
            print(f"Update types: {', '.join(info.allowed_updates)}")
        if info.last_error_date is not None:
            print(
                f"Last error: {info.last_error_date:%Y-%m-%d %H:%M:%S %Z} {info.last_error_message}"
            )
        return 0

    return asyncio.run(_with_bot(settings, action))


async def _poll(settings: Settings, timeout: int) -> int:
    runtime = build_runtime(settings)
    channel = runtime.channels["telegram"]
    assert isinstance(channel, TelegramChannel)
    inbound = TelegramInbound(
        runtime,
        channel.bot,
        username=settings.telegram_bot_username,
        bot_id=bot_id_of(settings.telegram_token.get_secret_value())
        if settings.telegram_token
        else None,
    )
    poller = Poller(inbound)
    try:
        await poller.poll_once(0)  # fails at once, and clearly, when a webhook is set
    except WebhookActive:
        await runtime.aclose()
        runtime.dispose()
        print(
            "A webhook is set for this bot, so Telegram refuses long polling (409 Conflict). "
            "Run `thidua telegram delete-webhook` first, or keep the webhook and use "
            "`thidua serve`.",
            file=sys.stderr,
        )
        return WEBHOOK_ACTIVE
    return await serve_while_polling(
        settings,
        runtime,
        lambda stop: poller.run(stop, timeout=timeout),
        webhook_active=WebhookActive,
        banner="Polling Telegram for updates (Ctrl+C to stop).",
    )


def _poll_command(args: argparse.Namespace) -> int:
    return asyncio.run(_poll(_settings(), args.timeout))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("telegram", help="connect the Telegram bot: webhook or polling")
    commands = parser.add_subparsers(dest="telegram_command", required=True, metavar="ACTION")

    hook = commands.add_parser("set-webhook", help="point Telegram at /webhooks/telegram")
    hook.add_argument("--url", help="public HTTPS URL (default: THIDUA_PUBLIC_URL + path)")
    hook.add_argument(
        "--max-connections", type=int, default=40, choices=range(1, 101), metavar="1-100"
    )
    hook.add_argument("--drop-pending-updates", action="store_true")
    hook.set_defaults(run=_set_webhook)

    delete = commands.add_parser("delete-webhook", help="stop webhook delivery")
    delete.add_argument("--drop-pending-updates", action="store_true")
    delete.set_defaults(run=_delete_webhook)

    info = commands.add_parser("webhook-info", help="what Telegram knows of the webhook")
    info.set_defaults(run=_webhook_info)

    poll = commands.add_parser("poll", help="long polling, for a machine without a public URL")
    poll.add_argument("--timeout", type=int, default=30, help="long-poll seconds per call")
    poll.set_defaults(run=_poll_command)
