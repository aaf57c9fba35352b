"""Officer sign-in to the web UI: a one-time code asked for in chat (/signin), spent on the web."""
