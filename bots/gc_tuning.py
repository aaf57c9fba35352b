"""Garbage collection for a process that answers webhooks.

With CPython's default thresholds the collector ran often enough, over a heap of some
hundred thousand long-lived objects (the app, its routes, PTB, SQLAlchemy, the catalogs), to
stall the event loop for up to about 90 ms: the p99 of webhook acknowledgements at 500/s
was 93 ms in `thidua serve`, 19 ms with this (bench/telegram_webhook.py). Freezing what
start-up built takes it out of every later collection, and a higher first threshold makes
collections of young objects rarer and no larger than they need to be.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 50, 100)  # CPython's default: (700, 10, 10)


def tune_for_latency() -> None:
    """Call once, after start-up built the app and before it serves."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
