"""The initiatives' conversations, one module each; the composition root takes `routers`."""

from core.initiatives.chat import author, names, review, reward_table, submit

routers = (submit.router, author.router, review.router, reward_table.router, names.router)

__all__ = ["routers"]
