"""Commendations (khen thưởng): proposed by members, given directly by officers, decided by the
unit's officers, announced naming only the people who agreed.

Its chat is in `core.commendations.chat` (whose `routers` the composition root registers); its
rules in `service.py`. Nothing is imported here, so that reading its models (reports, the web
pages) does not load the chat."""

__all__: list[str] = []
