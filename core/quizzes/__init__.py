"""Quizzes: written by officers (in chat, on the web, from a question bank), taken by members
in chat, scored for speed and streaks into the points ledger.

Other packages use only the names below."""

from core.quizzes.chat import author, take
from core.quizzes.service import AnswerResult, QuizSettings

routers = (take.router, author.router)

__all__ = ["AnswerResult", "QuizSettings", "routers"]
