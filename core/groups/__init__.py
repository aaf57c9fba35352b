"""Group chats linked to a union unit: its announcements are also posted there (issue 18).

Modules: `models` (the tables), `service` (link codes, linking, removal, moves, officers'
list), `posts` (a broadcast's posts in groups), `inbound` (updates from a group chat),
`chat` (/linkgroup in a private chat), `links` (how a messenger names and links its bot).
"""
