"""Which HTTP failures leave a call possibly delivered (sending again may deliver it twice)."""

from __future__ import annotations

import httpx

from adapters.transport import went_out


def test_a_call_without_an_answer_may_have_gone_out() -> None:
    request = httpx.Request("POST", "https://graph.facebook.com/v23.0/me/messages")
    for exc in (
        httpx.ReadTimeout("read", request=request),
        httpx.WriteTimeout("write", request=request),
        httpx.ReadError("reset", request=request),
        httpx.RemoteProtocolError("Server disconnected", request=request),
    ):
        assert went_out(exc), exc


def test_a_call_that_never_left_did_not() -> None:
    request = httpx.Request("POST", "https://openapi.zalo.me/v3.0/oa/message/cs")
    for exc in (
        httpx.ConnectTimeout("connect", request=request),
        httpx.PoolTimeout("pool", request=request),
        httpx.ConnectError("refused", request=request),
        httpx.UnsupportedProtocol("ftp"),
    ):
        assert not went_out(exc), exc
