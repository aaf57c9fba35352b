"""The OA access token (25 h) and its single-use, rotating refresh token.

The pair lives in the `CredentialStore`. A refresh runs under an asyncio lock (one per
process) and inside the store's rotation (a lock across processes), and the new pair is
committed before anything uses it: if it were lost, an OA admin would have to grant consent
again in a browser. When the rotation finds that the stored version moved, another worker
has refreshed already and its pair is used, without spending anything.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from core.errors import DeliveryError, DeliveryErrorKind
from core.ports import ChannelHealth, Clock, Credential, CredentialStore

log = logging.getLogger(__name__)

PLATFORM = "zalo"
TOKEN_PATH = "/v4/oa/access_token"
DEFAULT_LIFETIME = 90_000  # seconds (25 h), when `expires_in` is missing or unreadable


@dataclass(frozen=True)
class OAuthConfig:
    app_id: str
    app_secret: str = dataclasses.field(repr=False)
    initial_access_token: str | None = dataclasses.field(default=None, repr=False)
    initial_refresh_token: str | None = dataclasses.field(default=None, repr=False)
    refresh_ahead: timedelta = timedelta(minutes=30)


class _Refused(Exception):
    """The token endpoint said no: the refresh token is spent or revoked."""


class ZaloTokens:
    def __init__(
        self,
        config: OAuthConfig,
        *,
        store: CredentialStore,
        oauth: httpx.AsyncClient,
        health: ChannelHealth,
        clock: Clock,
    ) -> None:
        self.config = config
        self.store = store
        self.oauth = oauth
        self.health = health
        self.clock = clock
        self._lock = asyncio.Lock()
        self._settled = asyncio.Event()  # clear while a refresh runs: new calls wait for it
        self._settled.set()
        self._current: Credential | None = None
        self.refreshes = 0  # token endpoint calls made by this process

    async def current(self) -> Credential:
        """The pair to use now: loaded (or seeded from the settings), refreshed first when
        the access token expires within `refresh_ahead`. While a refresh runs (a call found
        the token expired), this waits for it: only the calls already in flight use the
        dead token."""
        await self._settled.wait()
        credential = self._current or await self._load()
        if self._expiring(credential):
            credential = await self.refresh(credential.version)
        return credential

    def _expiring(self, credential: Credential) -> bool:
        if not credential.access_token:
            return True
        expires = credential.access_expires_at
        return expires is not None and self.clock.now() >= expires - self.config.refresh_ahead

    async def _load(self) -> Credential:
        credential = await self.store.load(PLATFORM)
        if credential is None:
            if not self.config.initial_refresh_token:
                raise DeliveryError(
                    DeliveryErrorKind.AUTH,
                    "no Zalo token pair is stored; set THIDUA_ZALO_REFRESH_TOKEN (docs/zalo.md)",
                )
            access = self.config.initial_access_token
            credential = await self.store.seed(
                PLATFORM,
                access_token=access,
                refresh_token=self.config.initial_refresh_token,
                access_expires_at=None if access else self.clock.now(),
            )
        self._current = credential
        return credential

    async def refresh(self, stale_version: int) -> Credential:
        """Replace the pair of `stale_version` (expiring, or refused by the API) once.

        Raises DeliveryError: AUTH when the refresh token was refused (the channel is flagged
        and the officers told), TRANSIENT or RATE_LIMITED when the endpoint could not answer.
        """
        self._settled.clear()
        try:
            return await self._refresh(stale_version)
        finally:
            if not self._lock.locked():
                self._settled.set()

    async def _refresh(self, stale_version: int) -> Credential:
        async with self._lock:
            if self._current is not None and self._current.version > stale_version:
                return self._current  # refreshed meanwhile by this process
            refused: _Refused | None = None
            async with self.store.rotation(PLATFORM) as rotation:
                stored = rotation.current
                if stored is None or stored.refresh_token is None:
                    raise DeliveryError(DeliveryErrorKind.AUTH, "no Zalo token pair is stored")
                if stored.version != stale_version:
                    self._current = stored  # another process refreshed first
                    return stored
                try:
                    access, refresh, expires_at = await self._call(stored.refresh_token)
                except _Refused as exc:
                    refused = exc
                else:
                    self._current = await rotation.save(
                        access_token=access, refresh_token=refresh, access_expires_at=expires_at
                    )
            if refused is not None:  # flagged outside the rotation: the flag locks the same row
                reason = f"the OA must be re-authorised: {refused}"
                log.error("zalo token refresh refused: %s", refused)
                await self.health.flag(PLATFORM, reason)
                raise DeliveryError(DeliveryErrorKind.AUTH, reason)
            log.info("zalo access token refreshed (version %s)", self._current.version)
            await self.health.clear(PLATFORM)
            return self._current

    async def _call(self, refresh_token: str) -> tuple[str, str, datetime]:
        self.refreshes += 1
        try:
            response = await self.oauth.post(
                TOKEN_PATH,
                headers={"secret_key": self.config.app_secret},
                data={
                    "app_id": self.config.app_id,
                    "grant_type": "refresh_token",
                    "refresh_token": refresh_token,
                },
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(
                DeliveryErrorKind.TRANSIENT,
                f"zalo token endpoint unreachable: {type(exc).__name__}",
            ) from exc
        if response.status_code >= 500:
            raise DeliveryError(
                DeliveryErrorKind.TRANSIENT, f"zalo token endpoint HTTP {response.status_code}"
            )
        try:
            body: Any = response.json()
        except ValueError as exc:
            raise DeliveryError(
                DeliveryErrorKind.TRANSIENT, "zalo token endpoint answered without JSON"
            ) from exc
        if not isinstance(body, dict):
            raise _Refused("the token endpoint answered an unexpected value")
        access, refresh = body.get("access_token"), body.get("refresh_token")
        if isinstance(access, str) and access and isinstance(refresh, str) and refresh:
            expires_in = str(body.get("expires_in", DEFAULT_LIFETIME))
            seconds = int(expires_in) if expires_in.isdigit() else DEFAULT_LIFETIME
            return access, refresh, self.clock.now() + timedelta(seconds=seconds)
        code = body.get("error")
        if str(code) == "-32":
            raise DeliveryError(
                DeliveryErrorKind.RATE_LIMITED, "zalo token endpoint rate limit", retry_after=60
            )
        text = str(body.get("message") or body.get("error_name") or body.get("error_reason") or "")
        raise _Refused(f"token endpoint error {code}: {text}"[:300])
