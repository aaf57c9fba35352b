"""Members, their union units, identities on messengers, officer roles, invites and consent."""
