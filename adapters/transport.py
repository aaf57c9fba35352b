"""What an HTTP failure says about a call that may or may not have reached the platform, and
the connections the send paths keep."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable

import httpx

# Failures before the request could leave: no connection was made or handed out.
_NOT_SENT = (httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ConnectError, httpx.UnsupportedProtocol)


def went_out(exc: httpx.HTTPError) -> bool:
    """True when the request may have reached the platform before the failure (no answer
    came in time, or the connection dropped after sending): sending it again may deliver it
    twice."""
    return isinstance(exc, httpx.TransportError) and not isinstance(exc, _NOT_SENT)


class ConnectionPerCall(httpx.AsyncBaseTransport):
    """`size` keep-alive connections, each in a pool of its own: a call takes a free one.

    httpcore's pool looks at every connection it holds, idle ones too (a readability check of
    its socket, and anyio's attributes of the stream), when a call starts and again when its
    answer is read: with Messenger's 16 calls at once that was a tenth of the delivery
    worker's CPU (docs/benchmarks.md, P8). A pool of one connection looks at one. The calls
    at once are the channel's own limit (`max_in_flight`), so a call finds one free at once;
    one that does not waits for the request's pool timeout, as in httpcore's pool. The free
    connection taken is the one given back last, so that a trickle of calls keeps reusing one
    connection rather than opening each of the others in turn (and each expiring idle).
    """

    def __init__(self, size: int, *, keepalive_expiry: float) -> None:
        limits = httpx.Limits(
            max_connections=1, max_keepalive_connections=1, keepalive_expiry=keepalive_expiry
        )
        self._all = [httpx.AsyncHTTPTransport(limits=limits) for _ in range(size)]
        self._free = deque(self._all)
        self._slots = asyncio.Semaphore(size)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._slots.locked():  # every connection busy: wait as httpcore's pool would
            timeout = request.extensions.get("timeout", {}).get("pool")
            try:
                await asyncio.wait_for(self._slots.acquire(), timeout)
            except TimeoutError as exc:
                raise httpx.PoolTimeout("no connection free in time", request=request) from exc
        else:
            await self._slots.acquire()  # free: returns at once
        transport = self._free.pop()  # the one given back last: warm, not yet expired

        def release() -> None:
            self._free.append(transport)
            self._slots.release()

        try:
            response = await transport.handle_async_request(request)
        except BaseException:
            release()
            raise
        response.stream = _Released(response.stream, release)  # type: ignore[arg-type]
        return response

    async def aclose(self) -> None:
        for transport in self._all:
            await transport.aclose()


class _Released(httpx.AsyncByteStream):
    """An answer's body; closing it gives its connection back (once)."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()
