"""What the admin API's routes receive through FastAPI dependencies: `ApiDep` (the running
program as the API sees it, set on `app.state.api` by `bots.api.install`) and `Caller` (the
one bearer-token check).

Every call carries `Authorization: Bearer <token>`: an officer's token (`thidua officer
token`) acts within that officer's units; THIDUA_ADMIN_TOKEN acts on all."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request
from sqlmodel import Session

from bots.api.errors import NotAuthenticated, from_domain
from bots.services import Services
from bots.settings import Settings
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.delivery_policy import DeliveryPolicy
from core.errors import DomainError
from core.i18n import Translator
from core.initiatives.notify import Notifier
from core.storage.uow import run_unit_in_thread

T = TypeVar("T")


class Api:
    """The running program as the admin API uses it, built once per application."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings: Settings = services.settings
        self.policy: DeliveryPolicy = services.processor.config.delivery
        self.notifier = Notifier(services.catalogs, services.processor.config)

    def now(self) -> datetime:
        return self.services.clock.now()

    def translator(self) -> Translator:
        """The union's default language, for texts the API writes on an officer's behalf."""
        return self.services.catalogs.translator(
            self.settings.default_locale, self.settings.timezone
        )

    async def run(self, work: Callable[[Session], T]) -> T:
        """`work` in one unit of work in a worker thread; a refusal from the core becomes
        the API's answer (errors.from_domain)."""
        try:
            return await run_unit_in_thread(self.services.engine, work)
        except DomainError as err:
            raise from_domain(err) from err

    def wake_delivery(self) -> None:
        """Messages were queued: the delivery loop of this instance looks now."""
        self.services.outbox_ready.set()


def get_api(request: Request) -> Api:
    api: Api = request.app.state.api
    return api


ApiDep = Annotated[Api, Depends(get_api)]


async def current_actor(
    request: Request, api: ApiDep, authorization: Annotated[str | None, Header()] = None
) -> Actor:
    """The officer behind the bearer token, or the operator for THIDUA_ADMIN_TOKEN."""
    scheme, _sep, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("missing bearer token")
    admin = api.settings.admin_token
    if admin and hmac.compare_digest(token.encode(), admin.get_secret_value().encode()):
        return Actor.admin()
    now = api.now()
    found = await api.run(lambda s: campaigns.actor_for_token(s, token=token, now=now))
    if found is None:
        raise NotAuthenticated("invalid token")
    request.state.actor = found
    return found


Caller = Annotated[Actor, Depends(current_actor)]
