"""Every officer page: one module per resource, each with its module-level `router`."""

from __future__ import annotations

from fastapi import APIRouter

from bots.web.context import PREFIX
from bots.web.routes import (
    auth,
    blocks,
    broadcasts,
    campaigns,
    commendations,
    dashboard,
    emulation,
    evaluation,
    exports,
    groups,
    initiatives,
    invites,
    joins,
    leaderboards,
    member,
    members,
    officers,
    org,
    pledges,
    progress,
    quizzes,
    reviews,
    reward_tables,
    titles,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
for area in (
    auth,
    dashboard,
    campaigns,
    emulation,
    pledges,
    progress,
    blocks,
    evaluation,
    titles,
    reviews,
    broadcasts,
    initiatives,
    reward_tables,
    leaderboards,
    quizzes,
    commendations,
    members,
    member,
    joins,
    officers,
    org,
    invites,
    groups,
    exports,
):
    router.include_router(area.router)
