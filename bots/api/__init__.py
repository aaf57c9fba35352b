"""The admin HTTP API under /api/v1, scoped per bearer token: one module-level router per
resource. The routes reach the running program only through the dependencies of
bots/api/deps.py; `install` is what the composition root (bots/app.py) calls."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from bots.api import (
    access,
    blocks,
    broadcasts,
    campaigns,
    commendations,
    emulation,
    groups,
    initiatives,
    join_requests,
    members,
    org,
    progress,
    quizzes,
    reports,
    reviews,
    reward_tables,
    titles,
    units,
)
from bots.api.deps import Api
from bots.api.errors import ApiError, api_error_handler
from bots.services import Services

ROUTERS: tuple[APIRouter, ...] = (
    campaigns.router,
    emulation.router,
    progress.router,
    blocks.router,
    titles.router,
    reviews.router,
    broadcasts.router,
    quizzes.router,
    initiatives.router,
    reward_tables.router,
    commendations.router,
    reports.router,
    join_requests.router,
    access.router,
    members.router,
    org.router,
    units.router,
    groups.router,
)


def install(app: FastAPI, services: Services) -> None:
    """Mount the admin API: its routers, its dependency provider and its error answers."""
    app.state.api = Api(services)
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(ApiError, api_error_handler)
