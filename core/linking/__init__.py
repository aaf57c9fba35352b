"""One-time codes: linking a second messenger, claiming an officer account, officer invites."""
