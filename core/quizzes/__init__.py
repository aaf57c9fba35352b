"""Quizzes: written by officers (in chat, on the web, from a question bank), taken by members
in chat, scored for speed and streaks into the points ledger.

Its chat is in `core.quizzes.chat` (whose `routers` the composition root registers). Nothing
is imported here, so that reading its models or services does not load the chat."""

__all__: list[str] = []
