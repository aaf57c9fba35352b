"""Quizzes: knowledge contests taken by chat, one question at a time."""
