"""Leaderboards: members and grassroots unions ranked by points, in chat and in digests.

Other packages use only the names below."""

from core.leaderboards.chat.boards import people_board, router
from core.leaderboards.service import MyRank, my_rank, rank_at

__all__ = ["MyRank", "my_rank", "people_board", "rank_at", "router"]
