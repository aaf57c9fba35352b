"""The sign-in throttle: wrong codes are counted per client address and per officer (a used or
expired code names its officer); an unknown code names nobody and counts for the address only.

Ten failures from one address, or five with one officer's codes, within 15 minutes block it:
codes asked for before the block are refused without being checked, for 15 minutes after the
last failure. A code asked for after the block began works at once, so nobody sharing the
address (an office behind one router) or replaying an officer's old codes keeps the real
officer out: they send /signin again. Counted in this process (each instance has its own)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
SWEEP_ABOVE = 10_000  # keys kept before the old ones are swept


@dataclass
class Counter:
    limit: int
    window: timedelta = WINDOW
    _failures: dict[str, deque[datetime]] = field(default_factory=dict)
    _blocked: dict[str, datetime] = field(default_factory=dict)

    def failed(self, key: str, now: datetime) -> None:
        self.blocked_since(key, now)  # a block whose window passed ends first
        if len(self._failures) > SWEEP_ABOVE:
            self._sweep(now)
        seen = self._failures.setdefault(key, deque())
        seen.append(now)
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            self._blocked.setdefault(key, now)

    def blocked_since(self, key: str, now: datetime) -> datetime | None:
        """When the block of `key` began, while it holds (until a window after the last
        failure); None when it is not blocked."""
        since = self._blocked.get(key)
        if since is None:
            return None
        seen = self._failures.get(key)
        if not seen or now - seen[-1] > self.window:
            self._blocked.pop(key, None)
            self._failures.pop(key, None)
            return None
        return since

    def _sweep(self, now: datetime) -> None:
        """Forget the keys whose last failure is a window old (many addresses, little memory)."""
        for key in [
            k for k, seen in self._failures.items() if not seen or now - seen[-1] > self.window
        ]:
            self._failures.pop(key, None)
            self._blocked.pop(key, None)


@dataclass
class SigninThrottle:
    clients: Counter = field(default_factory=lambda: Counter(limit=10))
    officers: Counter = field(default_factory=lambda: Counter(limit=5))

    def client_blocked_since(self, client: str, now: datetime) -> datetime | None:
        return self.clients.blocked_since(client, now)

    def officer_blocked_since(self, member_id: int, now: datetime) -> datetime | None:
        return self.officers.blocked_since(str(member_id), now)

    def failed(self, *, client: str, member_id: int | None, now: datetime) -> None:
        self.clients.failed(client, now)
        if member_id is not None:
            self.officers.failed(str(member_id), now)
