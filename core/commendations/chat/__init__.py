"""The commendations feature's conversations: `propose` (a member or an officer proposes a
colleague or a team), `review` (the unit's officers approve or reject) and `consent` (a person
proposed says whether they may be named). `routers` is what the composition root registers."""

from core.commendations.chat import consent, propose, review

routers = (propose.router, review.router, consent.router)
