"""The local web chat: a page at /chat that talks to the bot through the same message path."""
