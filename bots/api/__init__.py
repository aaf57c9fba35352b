"""The admin HTTP API: campaigns and broadcasts for officers' tools, scoped per bearer token."""
