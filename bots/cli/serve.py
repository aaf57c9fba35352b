from __future__ import annotations

import argparse

import uvicorn

from bots.app import create_app
from bots.gc_tuning import tune_for_latency
from bots.settings import load_settings


def _serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    app = create_app(settings, background=not args.web_only)
    tune_for_latency()
    print(f"thidua is running. Web chat: http://{host}:{port}/chat  (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level, access_log=False)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("serve", help="run the web app, webhooks and workers")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument(
        "--web-only",
        action="store_true",
        help="only the web app and webhooks; processing, delivery and the scheduler are left "
        "to `thidua worker --with-scheduler` (a busy webhook answers faster this way)",
    )
    parser.set_defaults(run=_serve)
