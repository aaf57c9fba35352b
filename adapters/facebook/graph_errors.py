"""Graph API error bodies turned into typed delivery outcomes.

Errors arrive as `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`,
usually with HTTP 400; the code and subcode decide, not the HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import DeliveryErrorKind

OUTSIDE_WINDOW = (10, 2018278)
PAGE_RESTRICTED = (10, 1893063)
RATE_LIMIT_CODES = {4, 613, 32, 80006}  # app, api-call, page and Messenger throttles
TOKEN_INVALID = 190
UNAVAILABLE = 551
INVALID_PARAMETER = 100
ABUSIVE = 368
TEMPORARY = {1, 2, 1200}
PERMISSION = {10, 200, 230}

RATE_LIMIT_BACKOFF = 60.0  # seconds after the first throttle answer; doubles while it lasts
RATE_LIMIT_BACKOFF_CAP = 900.0
PAGE_RESTRICTED_WAIT = 3600.0


@dataclass(frozen=True, slots=True)
class GraphError:
    status: int
    code: int | None
    subcode: int | None
    message: str
    fbtrace_id: str | None = None

    def describe(self) -> str:
        sub = f"/{self.subcode}" if self.subcode is not None else ""
        code = f"{self.code}{sub}" if self.code is not None else f"HTTP {self.status}"
        trace = f" (fbtrace_id {self.fbtrace_id})" if self.fbtrace_id else ""
        return f"Graph error {code}: {self.message}{trace}"[:500]


@dataclass(frozen=True, slots=True)
class Classified:
    kind: DeliveryErrorKind
    flag_channel: bool = False  # the Page's access is broken: officers must be told
    pause_page: float | None = None  # seconds every send to this Page should wait


def parse_error(status: int, body: Any) -> GraphError:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return GraphError(status, None, None, "no error object in the answer")
    return GraphError(
        status=status,
        code=_int(error.get("code")),
        subcode=_int(error.get("error_subcode")),
        message=str(error.get("message") or "")[:300],
        fbtrace_id=str(error["fbtrace_id"]) if error.get("fbtrace_id") else None,
    )


def classify(error: GraphError) -> Classified:
    code, subcode = error.code, error.subcode
    if (code, subcode) == OUTSIDE_WINDOW:
        return Classified(DeliveryErrorKind.OUTSIDE_WINDOW)
    if (code, subcode) == PAGE_RESTRICTED:
        return Classified(DeliveryErrorKind.RATE_LIMITED, pause_page=PAGE_RESTRICTED_WAIT)
    if code == UNAVAILABLE:
        return Classified(DeliveryErrorKind.BLOCKED)
    if code in RATE_LIMIT_CODES:
        return Classified(DeliveryErrorKind.RATE_LIMITED, pause_page=RATE_LIMIT_BACKOFF)
    if code == TOKEN_INVALID:
        return Classified(DeliveryErrorKind.AUTH, flag_channel=True)
    if code == ABUSIVE:
        return Classified(DeliveryErrorKind.PERMANENT, flag_channel=True)
    if code in TEMPORARY:
        return Classified(DeliveryErrorKind.TRANSIENT)
    if code == INVALID_PARAMETER or code in PERMISSION:
        return Classified(DeliveryErrorKind.PERMANENT)
    if code is None and (error.status >= 500 or error.status == 429):
        kind = (
            DeliveryErrorKind.RATE_LIMITED if error.status == 429 else DeliveryErrorKind.TRANSIENT
        )
        return Classified(kind, pause_page=RATE_LIMIT_BACKOFF if error.status == 429 else None)
    if error.status >= 500:
        return Classified(DeliveryErrorKind.TRANSIENT)
    return Classified(DeliveryErrorKind.PERMANENT)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
