"""The leaderboards feature's conversations: `boards` (the menu of boards and each board)."""
