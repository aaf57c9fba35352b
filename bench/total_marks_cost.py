"""What the kept totals' Session listeners (core/emulation/total_marks.py) cost on the P6 path:
bench/processing_p6.py run as it is, each listener wrapped by a timer that counts its calls
and the time spent inside it (`--without`: the listeners taken off instead, for an A/B of the
phases' rates). The listeners run on every Session's flush and ORM statement, the quiz answers'
and `/start` + text's included, though neither writes anything they mark.

    .venv/bin/python -m bench.total_marks_cost [--without] [processing_p6's options]
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from bench import processing_p6
from core.emulation import total_marks

calls: dict[str, int] = defaultdict(int)
spent: dict[str, float] = defaultdict(float)


def timed(name: str, listener: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return listener(*args)
        finally:
            spent[name] += time.perf_counter() - started
            calls[name] += 1

    return run


def drained(drain: Callable[..., Any]) -> Callable[..., Any]:
    """processing_p6.drain, with the listeners' share of the phase printed after it."""

    def run(processor: Any, updates: list[Any], batch: int) -> Any:
        calls.clear()
        spent.clear()
        started = time.perf_counter()
        rate = drain(processor, updates, batch)
        elapsed = time.perf_counter() - started
        inside = sum(spent.values())
        print(
            f"{len(updates)} updates drained in {elapsed:.2f} s (storing included); "
            f"in the listeners {inside * 1e3:.1f} ms ({inside / elapsed:.2%}):"
        )
        for name, _listener in total_marks.LISTENERS:
            each = spent[name] / calls[name] * 1e6 if calls[name] else 0.0
            print(f"  {name}: {calls[name]} calls, {spent[name] * 1e3:.1f} ms, {each:.1f} µs each")
        return rate

    return run


def main() -> None:
    without = "--without" in sys.argv
    sys.argv = [a for a in sys.argv if a != "--without"]
    for name, listener in total_marks.LISTENERS:
        event.remove(Session, name, listener)
        if not without:
            event.listen(Session, name, timed(name, listener))
    if without:
        print("total_marks listeners: off")
    else:
        processing_p6.drain = drained(processing_p6.drain)  # type: ignore[assignment]
    processing_p6.main()


if __name__ == "__main__":
    main()
