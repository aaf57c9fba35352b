"""The points ledger: every point ever given, and the score tables kept beside it."""
