"""Leaderboards of people and of grassroots unions, read from the materialised scores."""
