"""Every officer page: one module per resource, each with its module-level `router`."""

from __future__ import annotations

from fastapi import APIRouter

from bots.web.context import PREFIX
from bots.web.routes import (
    auth,
    broadcasts,
    campaigns,
    commendations,
    dashboard,
    emulation,
    exports,
    initiatives,
    invites,
    joins,
    leaderboards,
    members,
    officers,
    quizzes,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
for area in (
    auth,
    dashboard,
    campaigns,
    emulation,
    broadcasts,
    initiatives,
    leaderboards,
    quizzes,
    commendations,
    members,
    joins,
    officers,
    invites,
    exports,
):
    router.include_router(area.router)
