"""What an HTTP failure says about a call that may or may not have reached the platform."""

from __future__ import annotations

import httpx

# Failures before the request could leave: no connection was made or handed out.
_NOT_SENT = (httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ConnectError, httpx.UnsupportedProtocol)


def went_out(exc: httpx.HTTPError) -> bool:
    """True when the request may have reached the platform before the failure (no answer
    came in time, or the connection dropped after sending): sending it again may deliver it
    twice."""
    return isinstance(exc, httpx.TransportError) and not isinstance(exc, _NOT_SENT)
