"""Commendations (khen thưởng): peer and officer nominations, approval, announcement, points."""
