"""The admin API's errors and the one place they become HTTP answers.

A route raises `ApiError` (or lets a core `DomainError` through `Api.run`, which maps it here);
`api_error_handler` answers `{"error": code}` with the status, plus the rows of a rejected
question bank, and logs every 403 with the caller. A missing or unknown bearer token is 401
with a `WWW-Authenticate: Bearer` challenge (`NotAuthenticated`)."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse

from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.quizzes.bank import BankRejected

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than success: the HTTP status and a stable error code."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code

    def body(self) -> dict[str, object]:
        return {"error": self.code}


class NotAuthenticated(ApiError):
    """No bearer token, or one that is no officer's (nor the operator's)."""

    def __init__(self, detail: str) -> None:
        super().__init__(401, detail)

    def body(self) -> dict[str, object]:
        return {"detail": self.code}


class RowsRejected(ApiError):
    """A question bank with bad rows: 422 and every row's problem."""

    def __init__(self, rejected: BankRejected) -> None:
        super().__init__(422, "bank_rejected")
        self.rows = [{"row": e.row, "code": e.code, "detail": e.detail} for e in rejected.errors]

    def body(self) -> dict[str, object]:
        return {"error": self.code, "rows": self.rows}


def status_of(err: DomainError) -> int:
    if isinstance(err, Forbidden):
        return 403
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, InvalidInput):
        return 422
    return 409


def from_domain(err: DomainError) -> ApiError:
    """The API's answer to a refusal from the core."""
    if isinstance(err, BankRejected):
        return RowsRejected(err)
    return ApiError(status_of(err), err.code)


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    if exc.status == 403:
        actor = getattr(request.state, "actor", None)
        log.warning(
            "admin API refused (403 %s): %s %s by member %s",
            exc.code,
            request.method,
            request.url.path,
            getattr(actor, "member_id", None),
        )
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)
