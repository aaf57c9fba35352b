"""Join requests: a person who joins a "roster only" unit without being found on its roster
waits for the unit's officers, who approve, correct or refuse them in chat, on the web desk or
through the admin API. Importing the package registers the officers' card with onboarding
(`core.members.join_requests.on_opened`); `routers` is what the composition root registers."""

from core.joinrequests import chat

routers = (chat.router,)
