"""The initiatives' conversations, one module each; the composition root takes `ROUTERS`."""

from core.initiatives.chat import author, names, review, reward_table, submit

ROUTERS = (submit.router, author.router, review.router, reward_table.router, names.router)
