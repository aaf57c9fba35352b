"""Emulation as unions run it (issue #17): criteria, pledges, progress, evaluation in blocks,
reviews and titles. This first part is the scoring rule (`scoring.py`), pure and tested."""
