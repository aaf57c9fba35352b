"""Every officer page, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from bots.web.context import PREFIX, WebApp
from bots.web.routes import (
    auth,
    broadcasts,
    campaigns,
    commendations,
    dashboard,
    exports,
    initiatives,
    invites,
    leaderboards,
    members,
    quizzes,
)


def make_router(web: WebApp) -> APIRouter:
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    for area in (
        auth,
        dashboard,
        campaigns,
        broadcasts,
        initiatives,
        leaderboards,
        quizzes,
        commendations,
        members,
        invites,
        exports,
    ):
        if hasattr(area, "router"):  # a module-level router (being moved to, area by area)
            router.include_router(area.router)
        else:
            area.register(router, web)
    return router
