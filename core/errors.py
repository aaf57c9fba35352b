"""One exception tree for the core, and the typed delivery outcomes adapters report."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ThiduaError(Exception):
    """Base of every error the project raises on purpose."""


class DomainError(ThiduaError):
    """A rule of the product said no. `code` is stable; handlers turn it into words."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    """The actor may not do this (outside their unit's subtree, not an officer ...)."""


class InvalidInput(DomainError):
    pass


class TooManyAttempts(DomainError):
    """Refused for a while after too many failures (the desk's sign-in throttle)."""


class ConcurrencyConflict(ThiduaError):
    """Another transaction changed the same row first; the whole update is retried."""


class StoreUnavailable(ThiduaError):
    """The database cannot take the update now; a webhook answers 503 so the platform retries."""


class DeliveryErrorKind(StrEnum):
    BLOCKED = "blocked"  # the person blocked the bot or left: final for this recipient
    OUTSIDE_WINDOW = "outside_window"  # the platform forbids a proactive message now
    RATE_LIMITED = "rate_limited"  # wait `retry_after` seconds, then try again
    AUTH = "auth"  # our token is invalid: the channel needs an operator
    TRANSIENT = "transient"  # network, 5xx, timeout: retry with backoff
    PERMANENT = "permanent"  # the payload or recipient is wrong: never retry


@dataclass(frozen=True, slots=True)
class Sent:
    message_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeliveryFailure:
    kind: DeliveryErrorKind
    detail: str = ""
    retry_after: float | None = None
    migrate_to: str | None = None  # the platform moved the chat to a new id (Telegram)
    # The call went out and no answer came (a read timeout, a dropped connection): the
    # platform may have delivered it, so sending it again may deliver it twice.
    maybe_delivered: bool = False


SendResult = Sent | DeliveryFailure


class DeliveryError(ThiduaError):
    """Raised inside adapters; `Channel.send` turns it into a `DeliveryFailure`."""

    def __init__(
        self,
        kind: DeliveryErrorKind,
        detail: str = "",
        *,
        retry_after: float | None = None,
        migrate_to: str | None = None,
        maybe_delivered: bool = False,
    ) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after
        self.migrate_to = migrate_to
        self.maybe_delivered = maybe_delivered

    def as_failure(self) -> DeliveryFailure:
        return DeliveryFailure(
            self.kind, self.detail, self.retry_after, self.migrate_to, self.maybe_delivered
        )
